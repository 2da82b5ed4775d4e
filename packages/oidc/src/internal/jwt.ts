/**
 * The checks every signed JWT gets, whatever it is for: parse the compact form and check its header
 * against the allowed algorithms and its `typ` against the kind of token expected, verify the
 * signature with a key from the IdP's JWKS, check the issuer (with Entra's `{tenantid}` template) and
 * the times (`exp`, `iat`, `nbf`) within a bounded clock tolerance. ID token validation
 * (`../id-token.ts`) and the bearer verifier (`../access-token.ts`) are thin callers that add their own
 * audience and claim rules.
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

/**
 * Parses a compact JWS and checks its header against the allowed algorithms (`malformed`, `alg`,
 * `crit`). `algHint`, when given, is appended to an `alg` refusal to say where the allowed list comes
 * from and how to change it.
 */
export function parseJwt(token: string, allowed: ReadonlySet<string>, algHint?: string): ParsedJwt {
  try {
    const parsed = parseCompactJws(token);
    return Object.assign(parsed, { alg: checkHeader(parsed.header, allowed) });
  } catch (error) {
    if (error instanceof JwsError) {
      const message =
        algHint !== undefined && error.reason === 'alg' ? `${error.message} ${algHint}` : error.message;
      throw new SsoError('id_token_invalid', message, { details: { reason: error.reason } });
    }
    throw error;
  }
}

/**
 * What a token's `typ` header may say, by what the token must be:
 * - `'id_token'`: anything but an explicitly typed JWT (`<purpose>+jwt`). ID tokens have no media type
 *   of their own; IdPs send `JWT` or nothing, so any `+jwt` type marks a token made for another purpose
 *   (`at+jwt`, `logout+jwt`, `secevent+jwt`, ...), refused (RFC 8725 §3.11).
 * - `'access_token'`: not a type registered for another purpose ({@link OTHER_PURPOSE_TYPES}); `JWT`,
 *   nothing, `at+jwt` and vendor types pass, since many IdPs do not type access tokens.
 * - `'at+jwt'`: exactly `at+jwt` (RFC 9068 §4).
 * - `'logout+jwt'`: `logout+jwt` (OIDC Back-Channel Logout §2.4), or `JWT` or nothing from IdPs that
 *   predate the type; any other type (`at+jwt`, ...) marks a token made for another purpose.
 */
export type TypRule = 'id_token' | 'access_token' | 'at+jwt' | 'logout+jwt';

/**
 * Media types of JWTs that are never ID or access tokens, refused as bearer tokens whatever the
 * verifier's options: back-channel logout tokens (OIDC Back-Channel Logout §2.4), security event
 * tokens (RFC 8417 §2.3), DPoP proofs (RFC 9449 §4.2), request objects (RFC 9101 §10.8) and token
 * introspection responses (RFC 9701 §5).
 */
const OTHER_PURPOSE_TYPES: ReadonlySet<string> = new Set([
  'logout+jwt',
  'secevent+jwt',
  'dpop+jwt',
  'oauth-authz-req+jwt',
  'token-introspection+jwt',
]);

/**
 * The `typ` of a header as a comparable media type: lower case (media types are case-insensitive), and
 * without the `application/` prefix RFC 7515 §4.1.9 lets producers omit ("at+jwt" and
 * "application/at+jwt" are one type). `undefined` when the header has no `typ`.
 */
export function mediaType(typ: unknown): string | undefined {
  if (typ === undefined) return undefined;
  if (typeof typ !== 'string') fail('typ', 'The token "typ" header is not a string.');
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') && lower.indexOf('/', 12) === -1 ? lower.slice(12) : lower;
}

/**
 * Checks the `typ` header against `rule` (`typ`), so a JWT made for one purpose is never accepted for
 * another (RFC 8725 §3.11). Runs on the parsed header, before any key is looked up.
 */
export function checkTyp(header: Record<string, unknown>, rule: TypRule): void {
  const typ = header.typ;
  // The common cases first: no typ, or the plain `JWT` most IdPs send.
  if (rule !== 'at+jwt' && (typ === undefined || typ === 'JWT')) return;
  const type = mediaType(typ);
  if (rule === 'at+jwt') {
    if (type !== 'at+jwt') {
      fail(
        'typ',
        `The token is typed ${type === undefined ? 'with no "typ" header' : `"${clip(String(typ))}"`}, and this API accepts only JWT access tokens typed "at+jwt" (RFC 9068 §4). Have the identity provider issue RFC 9068 access tokens, or turn off "requireJwtAccessTokenType".`,
      );
    }
    return;
  }
  if (type === undefined) return;
  if (rule === 'logout+jwt') {
    if (type !== 'logout+jwt' && type !== 'jwt')
      fail(
        'typ',
        `The token is typed "${clip(String(typ))}": a JWT made for another purpose, not a logout token (OpenID Connect Back-Channel Logout §2.4).`,
      );
    return;
  }
  if (rule === 'id_token' ? type.endsWith('+jwt') : OTHER_PURPOSE_TYPES.has(type)) {
    fail(
      'typ',
      rule === 'id_token'
        ? `The token is typed "${clip(String(typ))}": a JWT made for another purpose, not an ID token (RFC 8725 §3.11). Only the ID token the identity provider issued for this login is accepted here.`
        : `The token is typed "${clip(String(typ))}": a JWT made for another purpose, not an access token (RFC 8725 §3.11). Send the access token the identity provider issued for this API.`,
    );
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
 * Parses a token, checks its `typ` when `options.typ` says how, finds its key in `keys` (from the cache
 * when it can, fetching the key set when it must) and verifies the signature.
 */
export async function verifyJwt(
  token: string,
  allowed: ReadonlySet<string>,
  jwksUri: string,
  keys: JwksCache,
  options: { typ?: TypRule; algHint?: string } = {},
): Promise<VerifiedJwt> {
  const parsed = parseJwt(token, allowed, options.algHint);
  if (options.typ !== undefined) checkTyp(parsed.header, options.typ);
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
