/**
 * The access token of a login, read for its claims (a connection's `userInfo: 'access_token'`, as
 * Arthur reads user info and groups from it). It is checked by the rules of the bearer verifier
 * (`./access-token-rules.ts`), the same implementation, with a login's own inputs: the connection's
 * issuer and audiences, the IdP's JWKS, and the ID token's subject, which the access token must name.
 *
 * Every refusal is an `SsoError` `access_token_invalid` whose `details.reason` names the check.
 */
import type { KeyObject } from 'node:crypto';
import { SsoError } from '@ssokit/core';
import { supportedAlgorithms } from '../algorithms.ts';
import type { JwksCache } from '../jwks.ts';
import {
  type AccessTokenRules,
  asAccessTokenError,
  checkAccessToken,
  describeAudiences,
  parseAccessToken,
} from './access-token-rules.ts';
import { clockTolerance, fail, type Tenants } from './jwt.ts';

/** What the access token of a login must satisfy. */
export interface LoginAccessTokenExpectations {
  /** The issuer the ID token was checked against (Entra's `{tenantid}` template included). */
  issuer: string;
  tenants: Tenants;
  /** The audiences accepted: the client id, the connection's `resource` and its `audience` entries. */
  audience: readonly string[];
  /** The ID token's `sub`: the access token must be for the same user. */
  subject: string;
  jwksUri: string;
  keys: JwksCache;
  clockToleranceSec?: number;
  nowSec: number;
}

/**
 * Verifies the login's access token and returns its claims: a signed JWT (not opaque, not encrypted)
 * passing every rule of the bearer verifier (algorithm allow-list without `none` or HMAC, `typ`, a key
 * from the IdP's JWKS, `iss`, `exp`/`iat`/`nbf` within the clock tolerance, not an ID or logout token,
 * an accepted `aud`), whose subject is the ID token's.
 */
export async function readAccessTokenClaims(
  token: string | undefined,
  expected: LoginAccessTokenExpectations,
): Promise<Record<string, unknown>> {
  if (typeof token !== 'string' || token === '') {
    throw new SsoError(
      'access_token_invalid',
      'The identity provider sent no access token, and this connection reads its claims from one ("oidc.userInfo": "access_token"). Use the code flow, or set "oidc.userInfo" to "id_token".',
      { details: { reason: 'missing' } },
    );
  }
  checkNotOpaque(token);
  const rules: AccessTokenRules = {
    allowed: new Set<string>(supportedAlgorithms),
    typ: 'access_token',
    issuers: [expected.issuer],
    tenants: expected.tenants,
    audience: new Set(expected.audience),
    tolerance: clockTolerance(expected.clockToleranceSec),
    audienceMessage: (named) =>
      `The access token is for ${describeAudiences(named)}, none of the audiences this connection accepts (its client id, "oidc.resource" and "oidc.audience"). Add the audience the identity provider puts in its access tokens to the connection's "oidc.audience" (Okta's default authorization server: "api://default").`,
  };
  const parsed = parseAccessToken(token, rules);
  let key: KeyObject;
  try {
    key =
      expected.keys.cachedKey?.(expected.jwksUri, parsed.header, parsed.alg) ??
      (await expected.keys.keyFor(expected.jwksUri, parsed.header, parsed.alg));
  } catch (error) {
    throw asAccessTokenError(error);
  }
  const claims = checkAccessToken(parsed, key, rules, expected.nowSec);
  try {
    checkSameUser(claims, expected.subject);
  } catch (error) {
    throw asAccessTokenError(error);
  }
  return claims;
}

/**
 * A token that is not a compact JWS cannot be read: an opaque reference (Okta's org authorization
 * server, Auth0 without an API audience, Google) or an encrypted JWT (five parts).
 */
function checkNotOpaque(token: string): void {
  let dots = 0;
  for (let i = token.indexOf('.'); i !== -1; i = token.indexOf('.', i + 1)) dots++;
  if (dots === 2) return;
  const fix =
    'or set the connection\'s "oidc.userInfo" to "id_token" (claims from the ID token) or "userinfo" (from the userinfo endpoint).';
  throw new SsoError(
    'access_token_invalid',
    dots === 4
      ? `The identity provider sent an encrypted (JWE) access token, whose claims this server cannot read. Have it sign access tokens without encrypting them, ${fix}`
      : `The identity provider sent an opaque access token (not a JWT), whose claims cannot be read. Have it issue JWT access tokens (Okta: a custom authorization server such as /oauth2/default, not the org server), ${fix}`,
    { details: { reason: 'opaque' } },
  );
}

/**
 * The access token must be for the user of the ID token: its `sub` is the ID token's, or (Okta's custom
 * authorization servers, whose access tokens carry the user's login in `sub`) its `uid` is.
 */
function checkSameUser(claims: Record<string, unknown>, subject: string): void {
  if (claims.sub === subject || claims.uid === subject) return;
  fail(
    'sub',
    'The access token is for another subject than the ID token ("sub"), so its claims are not this user\'s. Start the login again; if this keeps happening, check the identity provider\'s access token "sub" claim.',
  );
}
