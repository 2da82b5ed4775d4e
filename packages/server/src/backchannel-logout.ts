/**
 * `POST /oidc/backchannel-logout/:id`: OpenID Connect Back-Channel Logout 1.0. The IdP posts a logout
 * token server to server (no browser, no cookie); once it validates (`validateLogoutToken`) and its
 * `jti` is new, the sessions it names at this connection end on every instance: by `sid`, by `sub`,
 * or by both. Answers 200 with an empty body, or 400 with the reason (§2.8).
 *
 * @module
 */
import { now as nowSymbol, SsoError } from '@ssokit/core';
import { resolveProviderMetadata, validateLogoutToken } from '@ssokit/oidc';
import type { SsoContext } from './context.ts';
import { BODY_LIMITS, readBody } from './respond.ts';
import { endIdpSessions } from './revocation.ts';

/** How long a logout token's `jti` is remembered: past its accepted age (300 s) and clock tolerance. */
const JTI_TTL_MS = 15 * 60_000;

/** Serves the back-channel logout route of one OIDC connection. */
export async function backchannelLogout(ctx: SsoContext, request: Request, id: string): Promise<Response> {
  const c = await ctx.connection(id);
  if (c.protocol !== 'oidc') throw new SsoError('connection_not_found', 'No OIDC connection has this id.');
  if (!ctx.sessionStore) {
    throw new SsoError(
      'invalid_request',
      'Sessions here are sealed into cookies (sessionMode "cookie"), so the identity provider cannot end them; use server-side sessions.',
      { details: { reason: 'cookie_sessions' } },
    );
  }
  const text = await readBody(request, BODY_LIMITS.backchannelLogout, 'The logout request body');
  if (
    !(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')
  )
    throw new SsoError(
      'invalid_request',
      'Send the logout token as a form (application/x-www-form-urlencoded).',
    );
  const token = new URLSearchParams(text).get('logout_token') ?? '';
  // Anything that cannot be a signed JWT is refused before the IdP's metadata is fetched: anonymous
  // junk never makes this server call out.
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token))
    throw new SsoError('logout_token_invalid', 'Send one signed JWT as the form field "logout_token".', {
      details: { reason: 'malformed' },
    });
  const metadata = await resolveProviderMetadata(c.oidc, ctx.discovery, ctx.http);
  const claims = await validateLogoutToken(token, {
    issuer: metadata.issuer,
    ...(c.oidc.tenants ? { tenants: c.oidc.tenants } : {}),
    clientId: c.oidc.clientId,
    jwksUri: String(metadata.jwks_uri ?? ''),
    keys: ctx.keys,
    ...(c.oidc.idTokenSigningAlgorithms ? { algorithms: c.oidc.idTokenSigningAlgorithms } : {}),
    allowMissingExp: c.oidc.logoutTokenWithoutExp === true,
    [nowSymbol]: ctx.clock,
  });
  // The sessions end first, and the jti is recorded only then: an IdP retries a logout that failed
  // (a storage outage answers 503), and its retry must not be refused as a replay. A replay within the
  // token's five minutes ends at most what the token names again.
  // A multi-tenant connection has one `sub` namespace per tenant: only the token's issuer's sessions.
  const issuer = c.oidc.tenants ? claims.iss : undefined;
  await endIdpSessions(ctx, 'backchannel_logout', c.id, claims.sub, claims.sid ? [claims.sid] : [], issuer);
  if (!(await ctx.storage.replay.firstSeen(`oidc-logout\u0000${c.id}\u0000${claims.jti}`, JTI_TTL_MS))) {
    throw new SsoError('logout_token_invalid', 'This logout token was already used ("jti" seen before).', {
      details: { reason: 'replay' },
    });
  }
  return new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } });
}
