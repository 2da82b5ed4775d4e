/**
 * The checks every signed JWT gets, whatever it is for: parse the compact form and check its header
 * against the allowed algorithms, verify the signature with a key from the IdP's JWKS, check the issuer
 * (with Entra's `{tenantid}` template) and the times (`exp`, `iat`, `nbf`) within a bounded clock
 * tolerance. ID token validation (`../id-token.ts`) and the bearer verifier (`../access-token.ts`) are
 * thin callers that add their own audience and claim rules.
 *
 * Every refusal is an `SsoError` `id_token_invalid` whose `details.reason` names the check; the bearer
 * verifier renames the code to `access_token_invalid`. Everything here is synchronous except the key
 * lookup of {@link verifyJwt}, so a verifier whose keys are cached never waits.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-7.2
 * @see https://www.rfc-editor.org/rfc/rfc8725
 */
import type { KeyObject } from 'node:crypto';
import { SsoError } from '@ssokit/core';
import type { JwsAlgorithm } from '../algorithms.ts';
import { isIssuerTemplate, isTenantId, matchIssuer } from '../entra.ts';
import type { JwksCache } from '../jwks.ts';
import {
  checkHeader,
  isStrictBase64url,
  JwsError,
  type ParsedJws,
  parseCompactJws,
  verifySignature,
} from './jws.ts';

/** A parsed token whose header passed the algorithm allow-list. */
export type ParsedJwt = ParsedJws & { alg: JwsAlgorithm };

/** A token whose signature verified, with the algorithm and key that verified it. */
export interface VerifiedJwt {
  claims: Record<string, unknown>;
  alg: JwsAlgorithm;
  key: KeyObject;
}

/** The issuer setting `tenants` of a connection (see `matchIssuer`). */
export type Tenants = readonly string[] | 'any' | undefined;

const DEFAULT_TOLERANCE = 60;
const MAX_TOLERANCE = 300;

/**
 * The clock-tolerance rule: seconds of skew allowed between this server and the IdP, 60 by default,
 * at most 300 (a tolerance of hours would keep expired tokens alive). A value out of range is a host
 * mistake: a `TypeError` with `ERR_INVALID_ARG_VALUE`.
 */
export function clockTolerance(value: number | undefined): number {
  if (value === undefined) return DEFAULT_TOLERANCE;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TOLERANCE) {
    throw Object.assign(
      new TypeError(
        `"clockToleranceSec" must be a number of seconds from 0 to ${MAX_TOLERANCE}. Received ${String(value)}.`,
      ),
      { code: 'ERR_INVALID_ARG_VALUE' },
    );
  }
  return value;
}

/** Parses a compact JWS and checks its header against the allowed algorithms (`malformed`, `alg`, `crit`). */
export function parseJwt(token: string, allowed: ReadonlySet<string>): ParsedJwt {
  try {
    const parsed = parseCompactJws(token);
    return Object.assign(parsed, { alg: checkHeader(parsed.header, allowed) });
  } catch (error) {
    if (error instanceof JwsError)
      throw new SsoError('id_token_invalid', error.message, { details: { reason: error.reason } });
    throw error;
  }
}

/** Verifies a parsed token's signature with `key` (`signature`, or `malformed` for non-base64url parts). */
export function checkJwtSignature(parsed: ParsedJwt, key: KeyObject): VerifiedJwt {
  if (!verifySignature(parsed, parsed.alg, key)) {
    if (!isStrictBase64url(parsed)) fail('malformed', 'The token has a part that is not base64url.');
    fail('signature', "The token signature does not verify with the identity provider's key.");
  }
  return { claims: parsed.payload, alg: parsed.alg, key };
}

/**
 * Parses a token, finds its key in `keys` (from the cache when it can, fetching the key set when it
 * must) and verifies the signature.
 */
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

/**
 * The issuer check (`iss`, `tid`), by `matchIssuer`. For Entra's `{tenantid}` template the token
 * must also carry a `tid` claim naming the tenant its `iss` names, and that tenant must be accepted by
 * `tenants`. With several issuers, the token must match one of them; the last refusal is reported.
 */
export function checkIssuer(
  claims: Record<string, unknown>,
  issuers: string | readonly string[],
  tenants: Tenants,
): void {
  if (typeof issuers === 'string') {
    checkOneIssuer(claims, issuers, tenants);
    return;
  }
  let last: unknown;
  for (const issuer of issuers) {
    try {
      checkOneIssuer(claims, issuer, tenants);
      return;
    } catch (error) {
      last = error;
    }
  }
  if (last !== undefined) throw last;
  fail('iss', 'No issuer is configured to check the token against.');
}

function checkOneIssuer(claims: Record<string, unknown>, issuer: string, tenants: Tenants): void {
  const iss = claims.iss;
  if (typeof iss !== 'string') fail('iss', 'The token has no issuer ("iss").');
  const match = matchIssuer(iss, issuer, tenants);
  // The common case first: a plain issuer that matched (a template match always names a tenant).
  if (match.matches && match.tenant === undefined) return;
  if (!isIssuerTemplate(issuer))
    fail('iss', `The token issuer "${clip(iss)}" is not the expected "${issuer}".`);
  const tid = claims.tid;
  if (!isTenantId(tid))
    fail('tid', 'The issuer is a multi-tenant template, and the token has no usable tenant id ("tid").');
  if (match.tenant !== tid)
    fail('iss', `The token issuer "${clip(iss)}" does not match the template "${issuer}" for tenant ${tid}.`);
  if (match.matches) return;
  fail(
    'tid',
    match.reason === 'tenants_unset'
      ? 'The issuer is a multi-tenant template; set "tenants" to the tenant ids to accept, or to "any" to accept every tenant.'
      : `The tenant ${tid} is not one of the accepted tenants.`,
  );
}

/**
 * The time checks: `exp` required and in the future, `iat` (required when `requireIat`, as for ID
 * tokens) not in the future, `nbf` honoured; each within `tolerance` seconds.
 */
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

/** Refuses a token: `id_token_invalid` with `details.reason`. */
export function fail(reason: string, message: string): never {
  throw new SsoError('id_token_invalid', message, { details: { reason } });
}

/** Token-supplied text, clipped for a message. */
export function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
