/**
 * ID token validation (OpenID Connect Core §3.1.3.7), on every path: the token endpoint's answer, the
 * implicit form_post, and anything else.
 *
 * @module
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { Clock } from '@ssokit/core';
import { now as nowSymbol, SsoError } from '@ssokit/core';
import {
  checkHeader,
  isStrictBase64url,
  type JwsAlgorithm,
  JwsError,
  type ParsedJws,
  parseCompactJws,
  supportedAlgorithms,
  verifySignature,
} from './internal/jws.ts';
import type { JwksCache } from './jwks.ts';

/** The claims of a validated ID token. */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  [claim: string]: unknown;
}

/** What an ID token must satisfy. */
export interface IdTokenExpectations {
  /**
   * The expected issuer, exactly as discovery gave it. A `{tenantid}` placeholder (Entra's `common`
   * and `organizations` endpoints) is filled from the token's `tid` claim, which must then be allowed
   * by `tenants`.
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
  /** Allowed signature algorithms. Default: every asymmetric algorithm (RS*, PS*, ES*, EdDSA); never `none` or HMAC. */
  algorithms?: readonly JwsAlgorithm[];
  /** Allowed clock skew, in seconds, between 0 and 300. Default: 60. */
  clockToleranceSec?: number;
  /** The access token from the same response, to check `at_hash` when the token has one. */
  accessToken?: string;
  /** The authorization code from the same response, to check `c_hash` when the token has one. */
  code?: string;
  [nowSymbol]?: Clock;
}

const MAX_TOLERANCE = 300;

/** Turns an expectations' clock tolerance into seconds, refusing values out of range. */
export function clockTolerance(value: number | undefined): number {
  if (value === undefined) return 60;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TOLERANCE) {
    throw Object.assign(
      new TypeError(
        `"clockToleranceSec" must be a number of seconds from 0 to ${MAX_TOLERANCE}. Received ${String(value)}.`,
      ),
      {
        code: 'ERR_INVALID_ARG_VALUE',
      },
    );
  }
  return value;
}

/**
 * Validates an ID token and returns its claims. Every failure is an `SsoError` with code
 * `id_token_invalid` whose `details.reason` names the check (`malformed`, `alg`, `crit`, `kid`,
 * `signature`, `iss`, `tid`, `aud`, `azp`, `exp`, `iat`, `nbf`, `sub`, `nonce`, `at_hash`, `c_hash`).
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
  const allowed = new Set<string>(expected.algorithms ?? supportedAlgorithms);
  const { claims, alg, key } = await verifyJwt(token, allowed, expected.jwksUri, expected.keys);
  const nowSec = Math.floor((expected[nowSymbol] ?? Date.now)() / 1000);
  checkIssuer(claims, expected.issuer, expected.tenants);
  checkAudience(claims, expected.clientId, expected.audience ?? []);
  checkTimes(claims, nowSec, tolerance, true);
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

/** Parses, checks the header, finds the key and verifies the signature. Shared with the bearer verifier. */
export async function verifyJwt(
  token: string,
  allowed: ReadonlySet<string>,
  jwksUri: string,
  keys: JwksCache,
): Promise<VerifiedJwt> {
  const parsed = parseJwt(token, allowed);
  const key =
    keys.cachedKey?.(jwksUri, parsed.header, parsed.alg) ??
    (await keys.keyFor(jwksUri, parsed.header, parsed.alg));
  return checkJwtSignature(parsed, key);
}

/** A token whose signature verified, with the algorithm and key that verified it. */
export interface VerifiedJwt {
  claims: Record<string, unknown>;
  alg: JwsAlgorithm;
  key: KeyObject;
}

/** Parses a token and checks its header against the allowed algorithms: `id_token_invalid` if not. */
export function parseJwt(token: string, allowed: ReadonlySet<string>): ParsedJws & { alg: JwsAlgorithm } {
  try {
    const parsed = parseCompactJws(token);
    return Object.assign(parsed, { alg: checkHeader(parsed.header, allowed) });
  } catch (error) {
    if (error instanceof JwsError)
      throw new SsoError('id_token_invalid', error.message, { details: { reason: error.reason } });
    throw error;
  }
}

/** Verifies a parsed token's signature with `key`: `id_token_invalid` if it does not verify. */
export function checkJwtSignature(parsed: ParsedJws & { alg: JwsAlgorithm }, key: KeyObject): VerifiedJwt {
  if (!verifySignature(parsed, parsed.alg, key)) {
    if (!isStrictBase64url(parsed)) fail('malformed', 'The token has a part that is not base64url.');
    fail('signature', "The token signature does not verify with the identity provider's key.");
  }
  return { claims: parsed.payload, alg: parsed.alg, key };
}

/** The issuer check, with Entra's `{tenantid}` template. */
export function checkIssuer(
  claims: Record<string, unknown>,
  issuer: string,
  tenants: readonly string[] | 'any' | undefined,
): void {
  const iss = claims.iss;
  if (typeof iss !== 'string') fail('iss', 'The token has no issuer ("iss").');
  if (!issuer.includes('{tenantid}')) {
    if (iss !== issuer) fail('iss', `The token issuer "${clip(iss)}" is not the expected "${issuer}".`);
    return;
  }
  const tid = claims.tid;
  if (typeof tid !== 'string' || !/^[0-9A-Za-z-]{1,64}$/.test(tid)) {
    fail('tid', 'The issuer is a multi-tenant template, and the token has no usable tenant id ("tid").');
  }
  if (iss !== issuer.replace('{tenantid}', tid))
    fail('iss', `The token issuer "${clip(iss)}" does not match the template "${issuer}" for tenant ${tid}.`);
  if (tenants === undefined) {
    fail(
      'tid',
      'The issuer is a multi-tenant template; set "tenants" to the tenant ids to accept, or to "any" to accept every tenant.',
    );
  }
  if (tenants !== 'any' && !tenants.includes(tid))
    fail('tid', `The tenant ${tid} is not one of the accepted tenants.`);
}

/** `aud` contains the client id and nothing untrusted; `azp`, when present or needed, is the client. */
export function checkAudience(
  claims: Record<string, unknown>,
  clientId: string,
  trusted: readonly string[],
): void {
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

/** `exp` required and in the future, `iat` required and not in the future, `nbf` honoured. */
export function checkTimes(
  claims: Record<string, unknown>,
  nowSec: number,
  tolerance: number,
  requireIat: boolean,
): void {
  const { exp, iat, nbf } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) fail('exp', 'The token has no expiry ("exp").');
  if (nowSec - tolerance >= exp) fail('exp', 'The token has expired.');
  if (iat !== undefined || requireIat) {
    if (typeof iat !== 'number' || !Number.isFinite(iat)) fail('iat', 'The token has no issue time ("iat").');
    if (iat > nowSec + tolerance)
      fail('iat', 'The token was issued in the future; check the clocks of this server and the IdP.');
  }
  if (nbf !== undefined) {
    if (typeof nbf !== 'number' || !Number.isFinite(nbf)) fail('nbf', 'The token "nbf" is not a number.');
    if (nbf > nowSec + tolerance) fail('nbf', 'The token is not valid yet ("nbf").');
  }
}

function checkSubject(claims: Record<string, unknown>): void {
  const { sub } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 255)
    fail('sub', 'The ID token has no valid subject ("sub").');
}

/** The left half of the hash of `value`, base64url: `at_hash` and `c_hash` (OIDC Core §3.1.3.6). */
export function leftHalfHash(value: string, alg: JwsAlgorithm, key: KeyObject): string {
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

function fail(reason: string, message: string): never {
  throw new SsoError('id_token_invalid', message, { details: { reason } });
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
