/**
 * SAML logins: the AuthnRequest that starts one, and the ACS that finishes it, for a login this browser
 * started (its transaction, taken once) or, where a connection allows it, an unsolicited
 * (IdP-initiated) response (unsolicited.ts).
 *
 * @module
 */

import { createHash } from 'node:crypto';
import { ConfigError, type SamlConnection, SsoError } from '@ssokit/core';
import {
  AUTO_POST_SCRIPT,
  createAuthnRequest,
  type IdpMetadata,
  type SamlAssertion,
  validateSamlResponse,
} from '@ssokit/saml';
import { loginStep } from '../activity.ts';
import type { SsoContext } from '../context.ts';
import { finishLogin } from '../login-finish.ts';
import { BODY_LIMITS, isSitePath, notAllowed, readBody } from '../respond.ts';
import { loginConnection, settleTestLogin } from '../test-login.ts';
import {
  bindTransaction,
  newTransactionKey,
  type TestLoginMarker,
  takeTransaction,
  transactionCookie,
} from '../transactions.ts';
import { acsExpectations, idpOf } from './idp.ts';
import { validateUnsolicited } from './unsolicited.ts';

/**
 * `GET /login/:id` for a SAML connection: an AuthnRequest bound to the browser, 302 to the IdP. With
 * `test` (the admin API's test login only), the transaction carries the test marker.
 */
export async function startSamlLogin(
  ctx: SsoContext,
  c: SamlConnection,
  returnTo: string,
  test?: TestLoginMarker,
): Promise<Response> {
  const idp = await idpOf(ctx, c);
  const key = newTransactionKey();
  const { binding, ssoUrl } = authnBinding(c, idp);
  const authn = createAuthnRequest({
    ssoUrl,
    binding,
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
    ...(test ? { test } : {}),
  });
  if (authn.binding === 'redirect') {
    headers.set('location', authn.url.href);
    return new Response(null, { status: 302, headers });
  }
  // HTTP-POST: a page whose one script posts the form to the IdP. Its CSP allows exactly that script
  // (by hash), a form only to the IdP's SSO URL's origin, and no framing.
  headers.set('content-type', 'text/html; charset=utf-8');
  headers.set(
    'content-security-policy',
    `default-src 'none'; script-src '${AUTO_POST_SCRIPT_HASH}'; form-action ${new URL(ssoUrl).origin}; frame-ancestors 'none'; base-uri 'none'`,
  );
  headers.set('x-frame-options', 'DENY');
  return new Response(authn.html, { status: 200, headers });
}

/** The CSP hash of the one script of `createAuthnRequest`'s auto-post page. */
const AUTO_POST_SCRIPT_HASH = `sha256-${createHash('sha256').update(AUTO_POST_SCRIPT).digest('base64')}`;

/**
 * The binding of a connection's AuthnRequests and the IdP endpoint for it: the connection's
 * `authnRequestBinding` when the IdP offers it, else HTTP-Redirect when offered, else HTTP-POST.
 */
export function authnBinding(
  c: SamlConnection,
  idp: IdpMetadata,
): { binding: 'redirect' | 'post'; ssoUrl: string } {
  const wanted = c.saml.authnRequestBinding;
  if (wanted !== undefined && !idp.sso[wanted]) {
    throw new ConfigError([
      {
        path: 'saml.authnRequestBinding',
        message: `is "${wanted}", and the IdP's metadata offers no SingleSignOnService for HTTP-${wanted === 'post' ? 'POST' : 'Redirect'}; remove the setting or choose "${wanted === 'post' ? 'redirect' : 'post'}".`,
      },
    ]);
  }
  const binding = wanted ?? (idp.sso.redirect ? 'redirect' : 'post');
  const ssoUrl = idp.sso[binding];
  if (!ssoUrl)
    throw new ConfigError([
      {
        path: 'saml',
        message: "the IdP's metadata has no SingleSignOnService for HTTP-Redirect or HTTP-POST.",
      },
    ]);
  return { binding, ssoUrl };
}

/** `POST /saml/acs`: the response validated against its connection, then the login finished. */
export async function samlAcs(ctx: SsoContext, request: Request): Promise<Response> {
  if (request.method !== 'POST')
    throw notAllowed('The ACS accepts only POST (the HTTP-POST binding).', 'POST');
  const form = new URLSearchParams(await readBody(request, BODY_LIMITS.acs, 'The SAML response body'));
  const raw = form.get('SAMLResponse') ?? '';
  const relay = form.get('RelayState');
  const cookie = transactionCookie(request);
  if (cookie === undefined || cookie !== relay) {
    // No login of this browser: an IdP-initiated response, where a connection allows one.
    const unsolicited = await validateUnsolicited(ctx, raw);
    if (unsolicited)
      return finish(
        ctx,
        request,
        unsolicited.connection,
        unsolicited.assertion,
        isSitePath(relay ?? '') ? (relay as string) : '/',
      );
  }
  const tx = await takeTransaction(ctx, request, relay, 'saml');
  loginStep(request, tx, 'response');
  // A test login's failures from here on are its report (test-login.ts).
  return settleTestLogin(ctx, tx, async () => {
    const c = await loginConnection(ctx, tx);
    if (c.protocol !== 'saml')
      throw new SsoError('invalid_state', 'This answer does not match the login that was started.');
    const assertion = await validateSamlResponse(raw, await acsExpectations(ctx, c, tx.requestId ?? null));
    return finish(ctx, request, c, assertion, tx.returnTo, tx.test);
  });
}

function finish(
  ctx: SsoContext,
  request: Request,
  c: SamlConnection,
  assertion: SamlAssertion,
  returnTo: string,
  test?: TestLoginMarker,
): Promise<Response> {
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
    ...(test ? { test } : {}),
  });
}
