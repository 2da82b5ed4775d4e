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

/** How a signature came out. */
export type SignatureStatus = 'valid' | 'invalid' | 'not-checked';

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

/** Checks that fail before the key is used: the signature was never computed. */
const BEFORE_SIGNATURE = new Set(['malformed', 'alg', 'crit', 'typ']);

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
  const header = JSON.parse(Buffer.from(token.trim().split('.')[0] as string, 'base64url').toString('utf8'));
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
    if (error.code === 'access_token_invalid' && (reason === 'signature' || reason === 'kid'))
      return {
        kind: 'jwt',
        header,
        payload,
        times,
        signature: { status: 'invalid', message: `invalid: ${error.message}`, keys: source },
        notes,
      };
    if (error.code === 'access_token_invalid' && BEFORE_SIGNATURE.has(reason))
      return {
        kind: 'jwt',
        header,
        payload,
        times,
        signature: { status: 'not-checked', message: `not checked: ${error.message}` },
        notes,
      };
    // Everything else is checked after the signature verified: the issuer against --issuer, the
    // token's kind (an ID token is no access token, which is fine here), the claims.
    if (reason === 'iss' || reason === 'tid') notes.push(error.message);
    return {
      kind: 'jwt',
      header,
      payload,
      times,
      signature: { status: 'valid', message: `valid: verified with ${source}.`, keys: source },
      notes,
    };
  }
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
