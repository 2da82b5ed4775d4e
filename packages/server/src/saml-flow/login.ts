/**
 * SAML logins: the AuthnRequest that starts one, and the ACS that finishes it, for a login this browser
 * started (its transaction, taken once) or, where a connection allows it, an unsolicited
 * (IdP-initiated) response.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, now as nowSymbol, type SamlConnection, SsoError } from '@ssokit/core';
import {
  createAuthnRequest,
  peekSamlResponse,
  type SamlResponsePeek,
  validateSamlResponse,
} from '@ssokit/saml';
import type { SsoContext } from '../context.ts';
import { finishLogin } from '../login-finish.ts';
import { BODY_LIMITS, isSitePath, notAllowed, readBody } from '../respond.ts';
import { bindTransaction, takeTransaction, transactionCookie } from '../transactions.ts';
import { idpOf, responseExpectations } from './idp.ts';

/** `GET /login/:id` for a SAML connection: an AuthnRequest bound to the browser, 302 to the IdP. */
export async function startSamlLogin(
  ctx: SsoContext,
  c: SamlConnection,
  returnTo: string,
): Promise<Response> {
  const idp = await idpOf(ctx, c);
  const key = randomBytes(24).toString('base64url');
  if (!idp.sso.redirect)
    throw new ConfigError([
      {
        path: 'saml',
        message: "the IdP's metadata has no SingleSignOnService for the HTTP-Redirect binding.",
      },
    ]);
  const authn = createAuthnRequest({
    ssoUrl: idp.sso.redirect,
    spEntityId: c.saml.spEntityId,
    acsUrl: ctx.url('/saml/acs'),
    relayState: key,
    ...(c.saml.nameIdFormat ? { nameIdFormat: c.saml.nameIdFormat } : {}),
    ...(c.saml.signRequests && c.saml.spPrivateKey
      ? {
          signing: {
            privateKeyPem: c.saml.spPrivateKey,
            ...(c.saml.spCertificate ? { certificatePem: c.saml.spCertificate } : {}),
          },
        }
      : {}),
  });
  const headers = new Headers({ 'cache-control': 'no-store' });
  await bindTransaction(ctx, headers, key, {
    connectionId: c.id,
    protocol: 'saml',
    returnTo,
    requestId: authn.id,
  });
  headers.set('location', (authn as { url: URL }).url.href);
  return new Response(null, { status: 302, headers });
}

const warnedIdpInitiated = new WeakMap<SsoContext, Set<string>>();

/** `POST /saml/acs`: the response validated against its connection, then the login finished. */
export async function samlAcs(ctx: SsoContext, request: Request): Promise<Response> {
  if (request.method !== 'POST')
    throw notAllowed('The ACS accepts only POST (the HTTP-POST binding).', 'POST');
  const form = new URLSearchParams(await readBody(request, BODY_LIMITS.acs, 'The SAML response body'));
  const unsolicited = await unsolicitedTarget(ctx, request, form);
  let c: SamlConnection;
  let requestId: string | null;
  let returnTo: string;
  if (unsolicited) {
    c = unsolicited;
    requestId = null;
    // RelayState of an IdP-initiated login is, by convention, where to go: only a path on this site.
    const relay = form.get('RelayState') ?? '';
    returnTo = isSitePath(relay) ? relay : '/';
  } else {
    const tx = await takeTransaction(ctx, request, form.get('RelayState'), 'saml');
    const found = await ctx.activeConnection(tx.connectionId);
    if (found.protocol !== 'saml')
      throw new SsoError('invalid_state', 'This answer does not match the login that was started.');
    c = found;
    requestId = tx.requestId ?? null;
    returnTo = tx.returnTo;
  }
  const { onWarning } = ctx.options;
  const assertion = await validateSamlResponse(form.get('SAMLResponse') ?? '', {
    ...responseExpectations(c, await idpOf(ctx, c), ctx.url('/saml/acs')),
    requestId,
    replay: ctx.storage.replay,
    ...(onWarning ? { onWarning } : {}),
    [nowSymbol]: ctx.clock,
  });
  if (unsolicited) {
    const warned = warnedIdpInitiated.get(ctx) ?? new Set<string>();
    warnedIdpInitiated.set(ctx, warned);
    if (!warned.has(c.id)) {
      warned.add(c.id);
      onWarning?.(
        'idp-initiated-login',
        `The connection "${c.name}" accepted an IdP-initiated login. Such logins cannot be bound to the browser that started them (login CSRF); keep allowIdpInitiated off unless users start from the IdP's portal.`,
        { connectionId: c.id },
      );
    }
  }
  return finishLogin(ctx, request, {
    connection: c,
    identity: assertion.identity,
    claims: assertion.claims,
    returnTo,
    extra: {
      nameId: assertion.nameId,
      ...(assertion.nameIdFormat ? { nameIdFormat: assertion.nameIdFormat } : {}),
      ...(assertion.sessionIndex ? { sessionIndex: assertion.sessionIndex } : {}),
    },
  });
}

/**
 * The connection an unsolicited (IdP-initiated) response is for, or undefined for the usual
 * transaction path. Only a response without InResponseTo that comes with no login of this browser
 * qualifies, and only for an active connection with `allowIdpInitiated` whose IdP entity id is the
 * response's Issuer (read here only to pick the configuration; the validator checks it, the
 * signature and everything else for real).
 */
async function unsolicitedTarget(
  ctx: SsoContext,
  request: Request,
  form: URLSearchParams,
): Promise<SamlConnection | undefined> {
  const cookie = transactionCookie(request);
  if (cookie !== undefined && cookie === form.get('RelayState')) return undefined;
  const raw = form.get('SAMLResponse');
  if (!raw) return undefined;
  const candidates = (await ctx.storage.connections.list()).filter(
    (c): c is SamlConnection => c.protocol === 'saml' && c.active && c.saml.allowIdpInitiated === true,
  );
  // Most apps allow no IdP-initiated login: then the response is not even parsed here.
  if (candidates.length === 0) return undefined;
  let peek: SamlResponsePeek;
  try {
    peek = peekSamlResponse(raw);
  } catch {
    return undefined; // the transaction path refuses it, and the validator says why
  }
  if (peek.inResponseTo !== undefined || !peek.issuer) return undefined;
  const matches: SamlConnection[] = [];
  for (const c of candidates) {
    // An encrypted assertion hides its audience until it is decrypted; the validator checks it then.
    if (!peek.encryptedAssertion && !peek.audiences.includes(c.saml.spEntityId)) continue;
    if ((await idpOf(ctx, c)).entityId === peek.issuer) matches.push(c);
  }
  if (matches.length > 1)
    throw new SsoError(
      'invalid_state',
      'This unsolicited SAML response matches several connections; give each its own SP entity id.',
    );
  return matches[0];
}
