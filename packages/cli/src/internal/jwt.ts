/**
 * `decode` for JWTs: the header and payload (read by `@ssokit/oidc`'s `readUnverifiedClaims`), the
 * time claims as dates, and the signature checked by `createAccessTokenVerifier` against keys from
 * `--jwks` (a file or URL) or `--issuer` (its discovery document), at a moment inside the token's own
 * validity, so that an old token can still show whether its signature is good.
 *
 * @module
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import { customFetch, isSsoError, now as nowSymbol } from '@ssokit/core';
import { createAccessTokenVerifier, readUnverifiedClaims } from '@ssokit/oidc';
import { CliError } from '../errors.ts';
import type { Status } from '../output.ts';
import { isUrl, readTextFile } from './read-input.ts';

/**
 * How a signature came out: `valid`; `invalid` (computed, and it does not verify with the keys);
 * `refused` (keys were given, and the value was turned away before its signature was computed: an
 * algorithm such as `none`, a `crit` header, a SAML response of the wrong shape); `not-checked` (no
 * keys were given).
 */
export type SignatureStatus = 'valid' | 'invalid' | 'refused' | 'not-checked';

/** A time claim, as a date and against the current time. */
export interface TimeClaim {
  claim: 'iat' | 'nbf' | 'exp' | 'auth_time';
  /** ISO 8601, UTC. */
  date: string;
  status: Status;
  note: string;
}

/** A decoded JWT. */
export interface DecodedJwt {
  kind: 'jwt';
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  times: TimeClaim[];
  signature: { status: SignatureStatus; message: string; keys?: string };
  /** Checks beyond the signature that failed against --issuer (issuer, token kind); warnings. */
  notes: string[];
}

/**
 * The refusals `createAccessTokenVerifier` makes only once the signature has verified (its
 * `checkAccessToken` checks the signature first, then these): the issuer (`iss`, `tid`), the times,
 * the token's kind (an ID token is no access token, which is fine here) and the audience. Anything
 * else was refused before the signature was computed, or is a failure of the keys.
 */
const AFTER_SIGNATURE = new Set(['iss', 'tid', 'aud', 'exp', 'nbf', 'iat', 'token_kind']);
/** The claim checks made after the token verified (a user id the mapping cannot find, say). */
const AFTER_SIGNATURE_CODES = new Set(['claim_missing', 'claim_invalid']);
/** How deep the header or payload may nest: far beyond any IdP's claims, far below a stack's limit. */
const MAX_DEPTH = 64;

/** Decodes `token`; with `keys`, verifies its signature. Malformed input is a `CliError`. */
export async function decodeJwt(
  token: string,
  keys: { jwks?: string; issuer?: string; cwd: string },
  nowMs = Date.now(),
): Promise<DecodedJwt> {
  let payload: Record<string, unknown>;
  try {
    payload = readUnverifiedClaims(token);
  } catch (error) {
    throw new CliError(isSsoError(error) ? error.message : 'The value is not a JWT.');
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(token.trim().split('.')[0] as string, 'base64url').toString('utf8'));
  } catch {
    throw new CliError("The token's header is not JSON; copy the whole token.");
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new CliError("The token's header is not a JSON object; copy the whole token.");
  for (const [part, value] of [
    ['header', header],
    ['payload', payload],
  ] as const)
    if (deeperThan(value, MAX_DEPTH))
      throw new CliError(
        `The token's ${part} nests JSON more than ${MAX_DEPTH} levels deep; no identity provider issues such a token, so it is not shown.`,
      );
  const times = timeClaims(payload, nowMs);
  const notes: string[] = [];
  if (keys.jwks === undefined && keys.issuer === undefined)
    return {
      kind: 'jwt',
      header,
      payload,
      times,
      signature: {
        status: 'not-checked',
        message: 'not checked: pass --jwks <file|url> or --issuer <url> to verify it.',
      },
      notes,
    };
  const source = keys.jwks ?? `the keys of ${keys.issuer}`;
  const jwksFromFile =
    keys.jwks !== undefined && !isUrl(keys.jwks) ? jwksDocument(keys.jwks, keys.cwd) : undefined;
  const aud = ([] as unknown[])
    .concat(payload.aud ?? [])
    .filter((a): a is string => typeof a === 'string' && a !== '');
  const verifier = createAccessTokenVerifier({
    ...(keys.issuer !== undefined ? { issuer: keys.issuer } : {}),
    ...(keys.jwks !== undefined ? { jwksUri: jwksFromFile ? 'http://127.0.0.1/jwks-file' : keys.jwks } : {}),
    audience: aud.length > 0 ? aud : ['(no audience)'],
    cache: false,
    [nowSymbol]: () => insideValidity(payload, nowMs),
    ...(jwksFromFile
      ? {
          [customFetch]: async () =>
            new Response(jwksFromFile, { headers: { 'content-type': 'application/json' } }),
        }
      : {}),
  });
  try {
    await verifier.verify(token.trim());
    return {
      kind: 'jwt',
      header,
      payload,
      times,
      signature: { status: 'valid', message: `valid: verified with ${source}.`, keys: source },
      notes,
    };
  } catch (error) {
    if (!isSsoError(error)) throw error;
    const reason = String(error.details?.reason ?? '');
    if (error.code === 'idp_unreachable' || error.code === 'discovery_failed')
      throw new CliError(`${keys.jwks !== undefined ? '--jwks' : '--issuer'}: ${error.message}`);
    const result = (signature: DecodedJwt['signature']): DecodedJwt => ({
      kind: 'jwt',
      header,
      payload,
      times,
      signature,
      notes,
    });
    if (error.code === 'access_token_invalid' && (reason === 'signature' || reason === 'kid'))
      return result({ status: 'invalid', message: `invalid: ${error.message}`, keys: source });
    const afterSignature =
      (error.code === 'access_token_invalid' && AFTER_SIGNATURE.has(reason)) ||
      AFTER_SIGNATURE_CODES.has(error.code);
    if (!afterSignature)
      return result({ status: 'refused', message: `refused before verification: ${error.message}` });
    // The signature verified; a check after it failed. Only the issuer's matters here: the others
    // judge the token as an access token for one API, which a token being decoded need not be.
    if (reason === 'iss' || reason === 'tid') notes.push(error.message);
    return result({ status: 'valid', message: `valid: verified with ${source}.`, keys: source });
  }
}

/** Whether JSON `value` nests objects or arrays more than `limit` levels deep (measured without recursion). */
export function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** A moment inside the token's validity (its `iat`, `nbf`, or just before `exp`), for the verifier's clock. */
function insideValidity(payload: Record<string, unknown>, nowMs: number): number {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v * 1000 : undefined);
  const start = Math.max(num(payload.iat) ?? 0, num(payload.nbf) ?? 0);
  const exp = num(payload.exp);
  if (start > 0 && (exp === undefined || start < exp)) return start + 1000;
  if (exp !== undefined) return exp - 1000;
  return nowMs;
}

/** The time claims, each as a date and how it stands now. */
export function timeClaims(payload: Record<string, unknown>, nowMs: number): TimeClaim[] {
  const out: TimeClaim[] = [];
  for (const claim of ['iat', 'auth_time', 'nbf', 'exp'] as const) {
    const value = payload[claim];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const at = value * 1000;
    const when = relative(at - nowMs);
    let status: Status = 'ok';
    let note = when;
    if (claim === 'exp' && at <= nowMs) {
      status = 'warning';
      note = `expired ${when}`;
    } else if (claim === 'nbf' && at > nowMs) {
      status = 'warning';
      note = `not valid yet: ${when}`;
    } else if ((claim === 'iat' || claim === 'auth_time') && at > nowMs + 60_000) {
      status = 'warning';
      note = `in the future (${when}): check the clocks`;
    }
    out.push({ claim, date: new Date(at).toISOString(), status, note });
  }
  return out;
}

/** "in 5 minutes", "3 hours ago". */
export function relative(deltaMs: number): string {
  const abs = Math.abs(deltaMs);
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  const [size, unit] = units.find(([s]) => abs >= s) ?? [1000, 'second'];
  const n = Math.round(abs / size);
  const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return deltaMs >= 0 ? `in ${text}` : `${text} ago`;
}

/** A key file as a JWKS: a JWKS, one JWK, a PEM public key or a PEM certificate. */
function jwksDocument(path: string, cwd: string): string {
  const text = readTextFile(path, '--jwks', cwd).trim();
  if (text.startsWith('-----BEGIN')) {
    try {
      const key = text.includes('CERTIFICATE') ? new X509Certificate(text).publicKey : createPublicKey(text);
      return JSON.stringify({ keys: [{ ...key.export({ format: 'jwk' }), use: 'sig' }] });
    } catch {
      throw new CliError(`--jwks: ${path} is not a PEM public key or certificate.`);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CliError(`--jwks: ${path} is neither JSON (a JWKS or a JWK) nor a PEM key.`);
  }
  if (typeof data === 'object' && data !== null && Array.isArray((data as { keys?: unknown }).keys))
    return text;
  if (typeof data === 'object' && data !== null && typeof (data as { kty?: unknown }).kty === 'string')
    return JSON.stringify({ keys: [data] });
  throw new CliError(`--jwks: ${path} holds JSON that is neither a JWKS ({ "keys": [...] }) nor a JWK.`);
}
