/**
 * ID token validation (OpenID Connect Core §3.1.3.7), on every path: the token endpoint's answer, the
 * implicit form_post, and anything else. The checks every JWT gets (signature, algorithm, issuer,
 * times) are in `internal/jwt.ts`; this module adds what only an ID token has: the client as audience
 * and `azp`, `sub`, `nonce`, `at_hash` and `c_hash`.
 *
 * @module
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { Clock } from '@ssokit/core';
import { now as nowSymbol } from '@ssokit/core';
import { type JwsAlgorithm, supportedAlgorithms } from './algorithms.ts';
import { checkIssuer, checkTimes, clip, clockTolerance, fail, verifyJwt } from './internal/jwt.ts';
import type { JwksCache } from './jwks.ts';

/**
 * The claims of a validated ID token: the registered claims every ID token has, and the rest as sent.
 *
 * @example
 * ```ts
 * import type { IdTokenClaims } from '@ssokit/oidc';
 *
 * function identityOf(claims: IdTokenClaims) {
 *   return { issuer: claims.iss, subject: claims.sub };
 * }
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  [claim: string]: unknown;
}

/**
 * What an ID token must satisfy: the second argument of {@link validateIdToken}.
 *
 * @example
 * ```ts
 * import { createJwksCache, type IdTokenExpectations } from '@ssokit/oidc';
 *
 * const expected: IdTokenExpectations = {
 *   issuer: metadata.issuer,
 *   clientId: 'app',
 *   nonce: transaction.nonce,
 *   jwksUri: metadata.jwks_uri,
 *   keys: createJwksCache(),
 *   clockToleranceSec: 30,
 * };
 * ```
 */
export interface IdTokenExpectations {
  /**
   * The expected issuer, exactly as discovery gave it. For Entra's `{tenantid}` template (the `common`
   * and `organizations` endpoints) the token's `iss` must be the template filled with the tenant its
   * `tid` claim names, and that tenant must be accepted by `tenants` (see `matchIssuer`).
   */
  issuer: string;
  /** For a `{tenantid}` issuer: the tenant ids accepted, or `'any'` to accept every tenant on purpose. */
  tenants?: readonly string[] | 'any';
  clientId: string;
  /** Audiences trusted besides the client id. A token naming any other audience is refused. Default: none. */
  audience?: readonly string[];
  /**
   * The nonce sent with the authorization request. The token must carry exactly this value. Pass
   * `null` only where no nonce was sent (never for a login); then a token with a nonce is refused too.
   */
  nonce: string | null;
  /** Where the IdP publishes its keys. */
  jwksUri: string;
  keys: JwksCache;
  /**
   * Allowed signature algorithms: the client's own choice (its registered
   * `id_token_signed_response_alg`). Default: every asymmetric algorithm (RS*, PS*, ES*, EdDSA) when
   * `advertisedAlgorithms` is unset or lists some, RS256 alone when it lists none. Never `none` or HMAC.
   */
  algorithms?: readonly JwsAlgorithm[];
  /**
   * The OP's `id_token_signing_alg_values_supported`, from its discovery document. When it lists
   * algorithms, the token's `alg` must be one of them as well as one of `algorithms`. `null` (or an
   * empty list) says the OP lists none: then the token must be RS256, the default of OIDC Core
   * §3.1.3.7 step 7, unless `algorithms` is set. Default: `undefined`, the OP's list is not consulted
   * (`processCallback` always passes it).
   */
  advertisedAlgorithms?: readonly string[] | null;
  /** Allowed clock skew, in seconds, between 0 and 300. Default: 60. */
  clockToleranceSec?: number;
  /**
   * The oldest the token may be, in seconds after its `iat` (plus the clock tolerance). Meant for ID
   * tokens the browser delivers (the implicit flow's form_post), which nothing else proves fresh; a
   * token from the token endpoint was just issued. Default: `undefined`, not checked
   * (`processCallback` sets it for the implicit flow from `maxIdTokenAgeSec`, 300 s by default).
   */
  maxIdTokenAgeSec?: number;
  /** The access token from the same response, to check `at_hash` when the token has one. */
  accessToken?: string;
  /** The authorization code from the same response, to check `c_hash` when the token has one. */
  code?: string;
  [nowSymbol]?: Clock;
}

/**
 * Validates an ID token and returns its claims. Every failure is an `SsoError` with code
 * `id_token_invalid` whose `details.reason` names the check (`malformed`, `alg`, `crit`, `typ`, `kid`,
 * `signature`, `iss`, `tid`, `aud`, `azp`, `exp`, `iat`, `nbf`, `sub`, `nonce`, `at_hash`, `c_hash`).
 * The header is checked before any key is fetched: the algorithm against both `algorithms` and the
 * OP's `advertisedAlgorithms`, and the `typ`, which must not mark a JWT made for another purpose
 * (`at+jwt`, `logout+jwt`, `secevent+jwt`, ...; `JWT` or none is fine).
 *
 * @example
 * ```ts
 * import { createJwksCache, validateIdToken } from '@ssokit/oidc';
 *
 * const keys = createJwksCache();
 * const claims = await validateIdToken(idToken, {
 *   issuer: 'https://sso.example.com/realms/acme',
 *   clientId: 'app',
 *   nonce: transaction.nonce,
 *   jwksUri: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
 *   keys,
 * });
 * claims.sub;
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export async function validateIdToken(token: string, expected: IdTokenExpectations): Promise<IdTokenClaims> {
  const tolerance = clockTolerance(expected.clockToleranceSec);
  const maxAge = maxIdTokenAge(expected.maxIdTokenAgeSec);
  const { allowed, hint } = idTokenAlgorithms(expected.algorithms, expected.advertisedAlgorithms);
  // RFC 8725 §3.11: the `typ` must not say the JWT was made for another purpose; checked with the
  // algorithm, before any key is fetched.
  const { claims, alg, key } = await verifyJwt(token, allowed, expected.jwksUri, expected.keys, {
    typ: 'id_token',
    algHint: hint,
  });
  const nowSec = Math.floor((expected[nowSymbol] ?? Date.now)() / 1000);
  checkIssuer(claims, expected.issuer, expected.tenants);
  checkAudience(claims, expected.clientId, expected.audience ?? []);
  checkTimes(claims, nowSec, tolerance, true);
  // OIDC Core §3.2.2.11: "The iat Claim can be used to reject tokens that were issued too far away
  // from the current time". checkTimes made `iat` a number.
  if (maxAge !== undefined && (claims.iat as number) < nowSec - tolerance - maxAge) {
    fail(
      'iat',
      `The ID token was issued ${nowSec - (claims.iat as number)} s ago; a token delivered through the browser is accepted for ${maxAge} s (plus ${tolerance} s of clock tolerance). Start the login again; if this keeps happening, check the clocks of this server and the IdP.`,
    );
  }
  checkSubject(claims);
  if (expected.nonce === null) {
    if (claims.nonce !== undefined) fail('nonce', 'The ID token carries a nonce, but none was sent.');
  } else if (typeof expected.nonce !== 'string' || expected.nonce === '') {
    fail(
      'nonce',
      'No nonce was stored for this login, so the ID token cannot be checked; start the login again.',
    );
  } else if (claims.nonce !== expected.nonce) {
    fail(
      'nonce',
      claims.nonce === undefined
        ? 'The ID token has no nonce.'
        : 'The ID token nonce does not match the one sent.',
    );
  }
  if (claims.at_hash !== undefined) {
    if (
      expected.accessToken === undefined ||
      claims.at_hash !== leftHalfHash(expected.accessToken, alg, key)
    ) {
      fail('at_hash', 'The ID token at_hash does not match the access token.');
    }
  }
  if (claims.c_hash !== undefined) {
    if (expected.code === undefined || claims.c_hash !== leftHalfHash(expected.code, alg, key)) {
      fail('c_hash', 'The ID token c_hash does not match the authorization code.');
    }
  }
  return claims as IdTokenClaims;
}

/**
 * The algorithms an ID token may use (OIDC Core §3.1.3.7 step 7): those the client allows that the OP
 * also lists in `id_token_signing_alg_values_supported` (OIDC Discovery §3, a REQUIRED member); RS256
 * alone when the OP lists none and the client chose nothing; never `none` or HMAC (no such algorithm
 * exists here). Also the hint an `alg` refusal carries.
 */
function idTokenAlgorithms(
  configured: readonly JwsAlgorithm[] | undefined,
  advertised: readonly string[] | null | undefined,
): { allowed: ReadonlySet<string>; hint: string | undefined } {
  const own = configured ?? supportedAlgorithms;
  if (advertised === undefined) return { allowed: new Set<string>(own), hint: undefined };
  if (advertised === null || advertised.length === 0) {
    if (configured !== undefined) return { allowed: new Set<string>(own), hint: undefined };
    return {
      allowed: new Set<string>(['RS256']),
      hint: 'The identity provider lists no "id_token_signing_alg_values_supported", so only RS256 is accepted (OIDC Core §3.1.3.7); set "algorithms" to the algorithm this client is registered with.',
    };
  }
  const listed = new Set(advertised);
  return {
    allowed: new Set<string>(own.filter((alg) => listed.has(alg))),
    hint: `The identity provider lists ${advertised.map((a) => clip(String(a))).join(', ')} in "id_token_signing_alg_values_supported", and a token must use one of those that this client allows (${own.join(', ')}).`,
  };
}

/** The `maxIdTokenAgeSec` rule: a finite number of seconds, 0 or more; a host mistake otherwise. */
function maxIdTokenAge(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw Object.assign(
      new TypeError(`"maxIdTokenAgeSec" must be a number of seconds, 0 or more. Received ${String(value)}.`),
      { code: 'ERR_INVALID_ARG_VALUE' },
    );
  }
  return value;
}

/**
 * `aud` contains the client id and nothing untrusted; `azp`, when present or needed, is the client
 * (OIDC Core §3.1.3.7, items 3 to 5).
 */
function checkAudience(claims: Record<string, unknown>, clientId: string, trusted: readonly string[]): void {
  const aud = claims.aud;
  const list =
    typeof aud === 'string'
      ? [aud]
      : Array.isArray(aud) && aud.every((a) => typeof a === 'string')
        ? (aud as string[])
        : null;
  if (list === null || list.length === 0) fail('aud', 'The token has no valid audience ("aud").');
  if (!list.includes(clientId))
    fail('aud', `The token is not meant for this client (its audience does not include "${clientId}").`);
  const untrusted = list.filter((a) => a !== clientId && !trusted.includes(a));
  if (untrusted.length > 0)
    fail('aud', `The token names audiences this client does not trust: ${untrusted.map(clip).join(', ')}.`);
  if (claims.azp !== undefined && claims.azp !== clientId)
    fail('azp', 'The token was issued to another client ("azp").');
  if (list.length > 1 && claims.azp === undefined)
    fail('azp', 'The token has several audiences and no authorized party ("azp").');
}

function checkSubject(claims: Record<string, unknown>): void {
  const { sub } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 255)
    fail('sub', 'The ID token has no valid subject ("sub").');
}

/** The left half of the hash of `value`, base64url: `at_hash` and `c_hash` (OIDC Core §3.1.3.6). */
function leftHalfHash(value: string, alg: JwsAlgorithm, key: KeyObject): string {
  let digest: Buffer;
  if (alg === 'EdDSA' || alg === 'Ed25519') {
    digest =
      key.asymmetricKeyType === 'ed448'
        ? createHash('shake256', { outputLength: 114 }).update(value).digest()
        : createHash('sha512').update(value).digest();
  } else {
    digest = createHash(`sha${alg.slice(2)}`)
      .update(value)
      .digest();
  }
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
