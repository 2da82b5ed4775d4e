/**
 * Logout token validation (OpenID Connect Back-Channel Logout 1.0 §2.6): what an IdP POSTs to the
 * relying party to end a user's sessions. The checks every JWT gets (signature, algorithm, issuer)
 * come from `internal/jwt.ts`; this module adds the logout token's own rules: its `typ`, the client as
 * audience, `iat` required and recent, `exp` required (errata set 1) unless the IdP is known to omit
 * it, the back-channel logout event, `sub` and/or `sid`, no `nonce`, and a `jti` for replay checks.
 *
 * @module
 */
import type { Clock } from '@ssokit/core';
import { now as nowSymbol, SsoError } from '@ssokit/core';
import { type JwsAlgorithm, supportedAlgorithms } from './algorithms.ts';
import { checkIssuer, clockTolerance, verifyJwt } from './internal/jwt.ts';
import type { JwksCache } from './jwks.ts';

/**
 * The event a logout token must carry (§2.4): the member of its `events` claim that
 * {@link validateLogoutToken} requires.
 *
 * @example
 * ```ts
 * import { BACKCHANNEL_LOGOUT_EVENT } from '@ssokit/oidc';
 *
 * // The claims of a logout token a test IdP signs.
 * const claims = { iss, aud: 'my-app', sid, jti: crypto.randomUUID(), iat: Math.floor(Date.now() / 1000),
 *   events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } };
 * ```
 *
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken
 */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * What a logout token names: the IdP user (`sub`), the IdP session (`sid`), or both; and its `jti`,
 * which the caller records to refuse the same token twice.
 *
 * @example
 * ```ts
 * import type { LogoutTokenClaims } from '@ssokit/oidc';
 *
 * const filterOf = (t: LogoutTokenClaims) => ({ subject: t.sub, idpSessionId: t.sid });
 * ```
 */
export interface LogoutTokenClaims {
  iss: string;
  sub?: string;
  sid?: string;
  jti: string;
  iat: number;
  exp?: number;
}

/**
 * What a logout token must satisfy: the second argument of {@link validateLogoutToken}.
 *
 * @example
 * ```ts
 * import { createJwksCache, type LogoutTokenExpectations } from '@ssokit/oidc';
 *
 * const expected: LogoutTokenExpectations = {
 *   issuer: metadata.issuer,
 *   clientId: 'app',
 *   jwksUri: metadata.jwks_uri,
 *   keys: createJwksCache(),
 * };
 * ```
 */
export interface LogoutTokenExpectations {
  /** The expected issuer, exactly as discovery gave it (Entra's `{tenantid}` template as for ID tokens). */
  issuer: string;
  /** For a `{tenantid}` issuer: the tenant ids accepted, or `'any'`. */
  tenants?: readonly string[] | 'any';
  clientId: string;
  jwksUri: string;
  keys: JwksCache;
  /** Allowed signature algorithms. Default: every asymmetric algorithm (RS*, PS*, ES*, EdDSA). */
  algorithms?: readonly JwsAlgorithm[];
  /**
   * Accept a token without `exp`. Errata set 1 of the spec requires it; Keycloak before 23 (late 2023)
   * and some older IdPs omit it. A token that has one is still checked. Default: `false`.
   */
  allowMissingExp?: boolean;
  /** The oldest a token may be, in seconds after its `iat` (plus the clock tolerance). Default: 300. */
  maxAgeSec?: number;
  /** Allowed clock skew, in seconds, between 0 and 300. Default: 60. */
  clockToleranceSec?: number;
  [nowSymbol]?: Clock;
}

/**
 * Validates a back-channel logout token and returns what it names. Every failure is an `SsoError`
 * with code `logout_token_invalid` whose `details.reason` names the check (`malformed`, `alg`, `typ`,
 * `kid`, `signature`, `iss`, `aud`, `iat`, `exp`, `events`, `sub`, `sid`, `nonce`, `jti`). The caller
 * must still refuse a `jti` it has seen (a replay cache) and end the sessions the claims name.
 *
 * @example
 * ```ts
 * import { validateLogoutToken } from '@ssokit/oidc';
 *
 * const claims = await validateLogoutToken(form.get('logout_token') ?? '', {
 *   issuer: 'https://sso.example.com/realms/acme',
 *   clientId: 'app',
 *   jwksUri: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
 *   keys,
 * });
 * if (!(await replay.firstSeen(`logout:${claims.iss}:${claims.jti}`, 600_000))) throw new Error('replayed');
 * ```
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation
 */
export async function validateLogoutToken(
  token: string,
  expected: LogoutTokenExpectations,
): Promise<LogoutTokenClaims> {
  const tolerance = clockTolerance(expected.clockToleranceSec);
  const maxAge = expected.maxAgeSec ?? 300;
  let verified: Awaited<ReturnType<typeof verifyJwt>>;
  let claims: Record<string, unknown>;
  try {
    if (typeof token !== 'string' || token === '') invalid('malformed', 'No logout token was sent.');
    verified = await verifyJwt(
      token,
      new Set<string>(expected.algorithms ?? supportedAlgorithms),
      expected.jwksUri,
      expected.keys,
      {
        typ: 'logout+jwt',
      },
    );
    claims = verified.claims;
    checkIssuer(claims, expected.issuer, expected.tenants);
  } catch (error) {
    // The shared JWT checks speak of ID tokens; a refused logout token gets its own code.
    if (error instanceof SsoError && error.code === 'id_token_invalid') {
      throw new SsoError('logout_token_invalid', error.message.replace(/ID token/g, 'logout token'), {
        details: { ...error.details },
      });
    }
    throw error;
  }
  const aud = claims.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(expected.clientId))
    invalid(
      'aud',
      `The logout token is not meant for this client (its audience does not include "${expected.clientId}").`,
    );
  const nowSec = Math.floor((expected[nowSymbol] ?? Date.now)() / 1000);
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    invalid('iat', 'The logout token has no issue time ("iat").');
  if (iat > nowSec + tolerance)
    invalid('iat', 'The logout token was issued in the future; check the clocks of this server and the IdP.');
  if (iat < nowSec - tolerance - maxAge)
    invalid(
      'iat',
      `The logout token was issued ${nowSec - iat} s ago; logout tokens are accepted for ${maxAge} s.`,
    );
  if (exp === undefined) {
    if (!expected.allowMissingExp)
      invalid(
        'exp',
        'The logout token has no expiry ("exp"), which the spec requires. If this IdP omits it (Keycloak before 23), turn on the connection\'s "logoutTokenWithoutExp".',
      );
  } else if (typeof exp !== 'number' || !Number.isFinite(exp) || nowSec - tolerance >= exp) {
    invalid('exp', 'The logout token has expired.');
  }
  const events = claims.events;
  const event =
    typeof events === 'object' && events !== null && !Array.isArray(events)
      ? (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT]
      : undefined;
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    invalid(
      'events',
      `The token carries no back-channel logout event ("events" with "${BACKCHANNEL_LOGOUT_EVENT}").`,
    );
  if (claims.nonce !== undefined)
    invalid('nonce', 'The token carries a "nonce": it is an ID token, not a logout token.');
  const { sub, sid, jti } = claims;
  if (sub !== undefined && (typeof sub !== 'string' || sub === '' || sub.length > 255))
    invalid('sub', 'The logout token "sub" is not a valid subject.');
  if (sid !== undefined && (typeof sid !== 'string' || sid === '' || sid.length > 255))
    invalid('sid', 'The logout token "sid" is not a valid session id.');
  if (sub === undefined && sid === undefined)
    invalid('sub', 'The logout token names neither a user ("sub") nor a session ("sid").');
  if (typeof jti !== 'string' || jti === '' || jti.length > 255)
    invalid('jti', 'The logout token has no valid "jti", so a replay could not be recognised.');
  return {
    iss: claims.iss as string,
    ...(sub !== undefined ? { sub: sub as string } : {}),
    ...(sid !== undefined ? { sid: sid as string } : {}),
    jti,
    iat,
    ...(typeof exp === 'number' ? { exp } : {}),
  };
}

function invalid(reason: string, message: string): never {
  throw new SsoError('logout_token_invalid', message, { details: { reason } });
}
