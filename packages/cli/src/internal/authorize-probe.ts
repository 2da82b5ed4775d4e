/**
 * The check Test Provider cannot make from a server: is the redirect URI registered, and does the IdP
 * know the client? The in-process app starts a real sign-in (`GET /login/:id`, the URL a browser would
 * follow, with its state, nonce and PKCE challenge), and its authorization request is sent to the IdP
 * like a browser would, without signing in. The IdP's answer tells: its sign-in page (accepted), an
 * error page or redirect naming the redirect URI or the client (refused), or something else (reported
 * as is). IdPs word these pages differently; the patterns cover Keycloak, Okta, Entra ID, Auth0,
 * Google, Cognito and panva's oidc-provider.
 *
 * The probe stays on the IdP: it follows redirects only within the origins of the authorization
 * endpoint and the issuer (a redirect elsewhere is reported, not followed), keeps each origin's
 * cookies to that origin, and calls no host on a private network unless the app may (`probeGet`).
 *
 * @module
 */
import type { Sso } from '@ssokit/server';
import type { Status } from '../output.ts';
import { PrivateAddressError, probeGet } from './probe-fetch.ts';

/** The probe's finding. */
export interface ProbeFinding {
  check: 'authorize';
  status: Status;
  message: string;
  fix?: string;
}

const MAX_HOPS = 6;
const MAX_BODY = 256 * 1024;
const REDIRECT_COMPLAINT =
  /redirect[_ -]?ur[il]|callback url|reply url|AADSTS50011|redirect_uri_mismatch|invalid_redirect/i;
const CLIENT_COMPLAINT =
  /(?:invalid|unknown|unauthorized)[_ ]client|client (?:not found|is invalid|does not exist)|client[_ ]id[^.]{0,40}(?:not found|invalid|unknown)|AADSTS700016/i;

/** How the probe may reach the IdP. */
export interface ProbeOptions {
  /** Whether hosts on this machine or a private network may be called (the app's `allowPrivateNetworks`). */
  allowPrivateNetworks: boolean;
  /** Origins of the IdP besides the authorization endpoint's (the issuer's), where redirects may go. */
  idpOrigins?: readonly string[];
}

/** Sends the app's authorization request for `connectionId` to the IdP and reads the answer. */
export async function probeAuthorization(
  sso: Sso,
  connectionId: string,
  redirectUri: string,
  options: ProbeOptions,
): Promise<ProbeFinding> {
  const start = await sso.handle(
    new Request(`${sso.origin}${sso.basePath}/login/${encodeURIComponent(connectionId)}`, {
      headers: { accept: 'application/json' },
    }),
  );
  const location = start.headers.get('location');
  if (!location) {
    const body = (await start.json().catch(() => ({}))) as { message?: string };
    return {
      check: 'authorize',
      status: 'error',
      message: `The app could not start a sign-in: ${body.message ?? `HTTP ${start.status}`}`,
      fix: 'Fix the problems above first.',
    };
  }
  let url = new URL(location, sso.origin);
  const clientId = url.searchParams.get('client_id') ?? '(none)';
  const callback = new URL(redirectUri);
  const idp = new Set([url.origin, ...(options.idpOrigins ?? [])]);
  // Cookies by origin: what one origin sets is sent back to it alone.
  const jars = new Map<string, Map<string, string>>();
  const signal = AbortSignal.timeout(10_000);
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const jar = jars.get(url.origin) ?? new Map<string, string>();
    jars.set(url.origin, jar);
    let answer: Awaited<ReturnType<typeof probeGet>>;
    try {
      answer = await probeGet(url, {
        allowPrivateNetworks: options.allowPrivateNetworks,
        signal,
        maxBody: MAX_BODY,
        ...(jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
      });
    } catch (error) {
      if (error instanceof PrivateAddressError || (error as { code?: unknown }).code === 'EPRIVATE')
        return {
          check: 'authorize',
          status: 'warning',
          message: `The sign-in request goes to ${url.origin}, which is on this machine or a private network; doctor did not send it there.`,
          fix: 'If the identity provider is inside your network, pass --allow-private-networks (as the app sets createSso({ allowPrivateNetworks: true })).',
        };
      return {
        check: 'authorize',
        status: 'error',
        message: `The authorization endpoint ${url.origin}${url.pathname} did not answer a sign-in request.`,
        fix: "Check the IdP's address; browsers must reach it.",
      };
    }
    for (const cookie of answer.setCookies) {
      const pair = cookie.split(';')[0] ?? '';
      const at = pair.indexOf('=');
      if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    if (answer.location && answer.status >= 300 && answer.status < 400) {
      let target: URL;
      try {
        target = new URL(answer.location, url);
      } catch {
        return refusal(`a redirect to "${answer.location}", which is not a URL`, 502, clientId, redirectUri);
      }
      if (target.origin === callback.origin && target.pathname === callback.pathname)
        return answeredCallback(target, clientId, redirectUri);
      const error = target.searchParams.get('error');
      if (error)
        return refusal(
          `${error}: ${target.searchParams.get('error_description') ?? ''}`,
          400,
          clientId,
          redirectUri,
        );
      if (!idp.has(target.origin))
        return {
          check: 'authorize',
          status: 'warning',
          message: `The IdP sent the sign-in request on to ${target.origin}, another site; doctor stays on the IdP (${[...idp].join(', ')}), so it cannot tell whether client "${clientId}" and the redirect URI are accepted.`,
          fix: "Open the app's sign-in in a browser to see where it ends (an IdP that hands sign-ins to another one does this).",
        };
      url = target;
      continue;
    }
    const text = visibleText(answer.body);
    if (answer.status >= 400 || REDIRECT_COMPLAINT.test(text) || CLIENT_COMPLAINT.test(text))
      return refusal(text, answer.status, clientId, redirectUri);
    if (answer.status < 200 || answer.status >= 300)
      return {
        check: 'authorize',
        status: 'warning',
        message: `The IdP answered a sign-in request with HTTP ${answer.status}.`,
        fix: "Open the app's sign-in in a browser and read the IdP's page.",
      };
    return {
      check: 'authorize',
      status: 'ok',
      message: `The IdP accepted a sign-in request for client "${clientId}" with the redirect URI ${redirectUri} (it answered with its sign-in page at ${url.origin}).`,
    };
  }
  return {
    check: 'authorize',
    status: 'warning',
    message: `The IdP redirected a sign-in request more than ${MAX_HOPS} times without showing a page.`,
    fix: "Open the app's sign-in in a browser to see where it ends.",
  };
}

/** The IdP sent the browser straight back to the app: with an error, or (unexpectedly) without. */
function answeredCallback(target: URL, clientId: string, redirectUri: string): ProbeFinding {
  const params = target.searchParams.has('error')
    ? target.searchParams
    : new URLSearchParams(target.hash.slice(1));
  const error = params.get('error');
  if (!error)
    return {
      check: 'authorize',
      status: 'ok',
      message: `The IdP accepted a sign-in request for client "${clientId}" and answered at ${redirectUri} at once.`,
    };
  const description = params.get('error_description');
  const fixes: Record<string, string> = {
    unauthorized_client: `Allow this flow for client "${clientId}" at the IdP (the code flow, or implicit for flow "implicit").`,
    invalid_scope: 'Ask only for scopes the IdP offers: check "scopes" and "additionalScopes".',
    unsupported_response_type: 'Use a flow the IdP offers for this client (flow "code" or "implicit").',
    access_denied: 'The IdP refused the application; check that it is enabled and assigned at the IdP.',
  };
  return {
    check: 'authorize',
    status: 'error',
    message: `The IdP refused the sign-in request at once: ${clip(error)}${description ? ` (${clip(description)})` : ''}.`,
    fix: fixes[error] ?? "Read the IdP's error; it usually names the setting.",
  };
}

function refusal(text: string, status: number, clientId: string, redirectUri: string): ProbeFinding {
  const redirect = REDIRECT_COMPLAINT.exec(text);
  if (redirect)
    return {
      check: 'authorize',
      status: 'error',
      message: `The IdP refused the redirect URI ${redirectUri}: it is not registered for client "${clientId}" (the IdP said: "${around(text, redirect.index)}").`,
      fix: `Register ${redirectUri} exactly (scheme, host, port and path) as a redirect URI of client "${clientId}" at the IdP, or correct --base-url / --callback-path if the app runs elsewhere.`,
    };
  const client = CLIENT_COMPLAINT.exec(text);
  if (client)
    return {
      check: 'authorize',
      status: 'error',
      message: `The IdP does not accept client "${clientId}" (it said: "${around(text, client.index)}").`,
      fix: 'Check the client id: it must be the one of the application registered at the IdP.',
    };
  return {
    check: 'authorize',
    status: 'warning',
    message: `The IdP answered a sign-in request with HTTP ${status}${text ? `: "${clip(text)}"` : ''}.`,
    fix: "Open the app's sign-in in a browser and read the IdP's page.",
  };
}

/** The words of an HTML page, without markup, scripts and styles. */
function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const clip = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const around = (text: string, at: number) => clip(text.slice(Math.max(0, at - 60), at + 100).trim());
