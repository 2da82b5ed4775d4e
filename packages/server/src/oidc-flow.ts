/**
 * The OpenID Connect flow of the server: the authorization request that starts a login, the callback
 * that finishes it (`@ssokit/oidc` validates; `login-finish.ts` logs in), and the IdP's logout URL.
 *
 * @module
 */
import { now as nowSymbol, type OidcConnection, SsoError } from '@ssokit/core';
import {
  buildAuthorizationRequest,
  buildEndSessionUrl,
  processCallback,
  readCallbackParameters,
  resolveProviderMetadata,
} from '@ssokit/oidc';
import { loginStep } from './activity.ts';
import type { SsoContext } from './context.ts';
import { finishLogin } from './login-finish.ts';
import type { SessionData } from './session.ts';
import { loginConnection, settleTestLogin } from './test-login.ts';
import { bindTransaction, type TestLoginMarker, takeTransaction } from './transactions.ts';

/**
 * `GET /login/:id` for an OIDC connection: a transaction bound to the browser, then 302 to the IdP.
 * With `test` (the admin API's test login only), the transaction carries the test marker.
 */
export async function startOidcLogin(
  ctx: SsoContext,
  c: OidcConnection,
  returnTo: string,
  test?: TestLoginMarker,
): Promise<Response> {
  const metadata = await resolveProviderMetadata(c.oidc, ctx.discovery, ctx.http);
  const { url: target, transaction } = buildAuthorizationRequest(c.oidc, metadata, {
    redirectUri: ctx.url('/oidc/callback'),
  });
  const headers = new Headers({ 'cache-control': 'no-store' });
  await bindTransaction(ctx, headers, transaction.state, {
    connectionId: c.id,
    protocol: 'oidc',
    returnTo,
    oidc: { ...transaction },
    ...(test ? { test } : {}),
  });
  headers.set('location', target.href);
  return new Response(null, { status: 302, headers });
}

/**
 * `GET|POST /oidc/callback`: the transaction taken once, the answer validated, the login finished (or,
 * for a test login, previewed: test-login.ts).
 */
export async function oidcCallback(ctx: SsoContext, request: Request): Promise<Response> {
  const params = await readCallbackParameters(request);
  const tx = await takeTransaction(ctx, request, params.get('state'), 'oidc');
  loginStep(request, tx, 'response');
  return settleTestLogin(ctx, tx, async () => {
    const c = await loginConnection(ctx, tx);
    if (c.protocol !== 'oidc' || !tx.oidc)
      throw new SsoError('invalid_state', 'This answer does not match the login that was started.');
    const metadata = await resolveProviderMetadata(c.oidc, ctx.discovery, ctx.http);
    const result = await processCallback(params, tx.oidc, c.oidc, metadata, {
      keys: ctx.keys,
      ...(c.oidc.idTokenSigningAlgorithms ? { algorithms: c.oidc.idTokenSigningAlgorithms } : {}),
      ...ctx.http,
      [nowSymbol]: ctx.clock,
    });
    return finishLogin(ctx, request, {
      connection: c,
      identity: result.identity,
      claims: result.claims,
      returnTo: tx.returnTo,
      extra: {
        idToken: result.tokens.idToken,
        // The IdP's session id, by which its back-channel logout names this session.
        ...(typeof result.claims.sid === 'string' && result.claims.sid !== ''
          ? { sid: result.claims.sid }
          : {}),
      },
      ...(result.groups ? { groups: result.groups } : {}),
      ...(tx.test ? { test: tx.test } : {}),
    });
  });
}

/** The IdP's RP-initiated logout URL for a session, or null when the IdP offers none. */
export async function oidcLogoutUrl(
  ctx: SsoContext,
  c: OidcConnection,
  data: SessionData,
): Promise<string | null> {
  const metadata = await resolveProviderMetadata(c.oidc, ctx.discovery, ctx.http);
  const target = buildEndSessionUrl(metadata, {
    ...(data.idToken ? { idTokenHint: data.idToken } : {}),
    postLogoutRedirectUri: `${ctx.origin}${ctx.postLogoutPath}`,
    clientId: c.oidc.clientId,
  });
  return target ? String(target) : null;
}
