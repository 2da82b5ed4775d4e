/**
 * SAML Single Logout over HTTP-Redirect: the LogoutRequest the server sends when a user signs out (its
 * answer comes back to `/saml/slo/:id`, bound to this browser like a login), and that route, which
 * also takes the IdP's own LogoutRequests.
 *
 * @module
 */
import { ConfigError, now as nowSymbol, type SamlConnection, SsoError } from '@ssokit/core';
import {
  createLogoutRequest,
  createLogoutResponse,
  idpSigningKeys,
  validateLogoutRequest,
  validateLogoutResponse,
} from '@ssokit/saml';
import type { SsoContext } from '../context.ts';
import { endIdpSessions } from '../revocation.ts';
import type { SessionData } from '../session.ts';
import { endSession, readSession } from '../session-cookie.ts';
import {
  bindTransaction,
  clearTransactionCookie,
  newTransactionKey,
  takeTransaction,
} from '../transactions.ts';
import { idpOf } from './idp.ts';

/**
 * The IdP's logout for a session: a LogoutRequest URL (its transaction bound on `headers`), or null
 * when the IdP offers no Single Logout or the session has no NameID.
 */
export async function samlLogoutUrl(
  ctx: SsoContext,
  c: SamlConnection,
  data: SessionData,
  headers: Headers,
): Promise<string | null> {
  const idp = await idpOf(ctx, c);
  const sloUrl = idp.slo.redirect;
  if (!sloUrl || !data.nameId) return null;
  const key = newTransactionKey();
  const request = createLogoutRequest({
    sloUrl,
    spEntityId: c.saml.spEntityId,
    nameId: data.nameId,
    ...(data.sessionIndex ? { sessionIndex: data.sessionIndex } : {}),
    // The NameID as the IdP issued it: its Format from the assertion, else the configured one.
    ...((data.nameIdFormat ?? c.saml.nameIdFormat)
      ? { nameIdFormat: data.nameIdFormat ?? c.saml.nameIdFormat }
      : {}),
    relayState: key,
    ...(c.saml.spPrivateKey ? { signing: { privateKeyPem: c.saml.spPrivateKey } } : {}),
  });
  await bindTransaction(ctx, headers, key, {
    connectionId: c.id,
    protocol: 'saml-logout',
    returnTo: ctx.postLogoutPath,
    requestId: request.id,
  });
  return request.url.href;
}

/**
 * `GET /saml/slo/:id` (HTTP-Redirect): the IdP's LogoutResponse to our request, or an IdP-initiated
 * LogoutRequest, which ends this browser's session and is answered with a LogoutResponse.
 */
export async function samlSlo(ctx: SsoContext, request: Request, id: string): Promise<Response> {
  const c = await ctx.storage.connections.get(id);
  if (c?.protocol !== 'saml') throw new SsoError('connection_not_found', 'No SAML connection has this id.');
  const idp = await idpOf(ctx, c);
  const rawQuery = new URL(request.url).search;
  const expectations = {
    idpEntityId: idp.entityId,
    idpKeys: idpSigningKeys(idp),
    sloUrl: ctx.url(`/saml/slo/${encodeURIComponent(c.id)}`),
    [nowSymbol]: ctx.clock,
  };
  const params = new URL(request.url).searchParams;
  const headers = new Headers({ 'cache-control': 'no-store' });
  if (params.has('SAMLResponse')) {
    const tx = await takeTransaction(ctx, request, params.get('RelayState'), 'saml-logout');
    if (tx.connectionId !== c.id || !tx.requestId)
      throw new SsoError('invalid_state', 'This answer does not match the logout that was started.');
    validateLogoutResponse(rawQuery, tx.requestId, expectations);
    clearTransactionCookie(headers, ctx.txCookie);
    headers.set('location', tx.returnTo);
    return new Response(null, { status: 303, headers });
  }
  const incoming = validateLogoutRequest(rawQuery, expectations);
  // A signed logout URL ends sessions on the server now: used once, never again (it is at most five
  // minutes old, so the cache keeps its id past that). Recorded before acting, so a replay never ends a
  // session started since; if the revocation below fails, the user signs out at the IdP again.
  if (!(await ctx.storage.replay.firstSeen(`saml-logout\u0000${c.id}\u0000${incoming.id}`, 15 * 60_000)))
    throw new SsoError('saml_replay', 'This LogoutRequest was already used.', {
      details: { reason: 'replay' },
    });
  const sloUrl = idp.slo.redirect;
  if (!sloUrl)
    throw new ConfigError([
      { path: 'saml', message: 'the IdP metadata has no SingleLogoutService (HTTP-Redirect) to answer.' },
    ]);
  // The IdP's sessions for the NameID (and SessionIndex) end on every instance. The browser carrying
  // the request also loses its cookie if it holds such a session (another session is left alone);
  // with cookie sessions that is the only session that can end.
  const data = await readSession(ctx, request);
  await endIdpSessions(ctx, 'saml_logout', c.id, incoming.nameId, incoming.sessionIndexes);
  if (data && data.connectionId === c.id && data.nameId === incoming.nameId)
    await endSession(ctx, headers, request, data);
  const answer = createLogoutResponse({
    sloUrl,
    spEntityId: c.saml.spEntityId,
    inResponseTo: incoming.id,
    ...(incoming.relayState !== undefined ? { relayState: incoming.relayState } : {}),
    ...(c.saml.spPrivateKey ? { signing: { privateKeyPem: c.saml.spPrivateKey } } : {}),
  });
  headers.set('location', answer.href);
  return new Response(null, { status: 303, headers });
}
