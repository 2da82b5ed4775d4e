/**
 * Compact JWS parsing and signature verification on `node:crypto` KeyObjects. Only asymmetric
 * algorithms exist here (see `../algorithms.ts`): an HMAC can never be keyed with a public key because
 * there is no HMAC path.
 */
import { isAscii } from 'node:buffer';
import { constants, type KeyObject, verify } from 'node:crypto';
import type { JwsAlgorithm } from '../algorithms.ts';

const hashOf: Record<JwsAlgorithm, string | null> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
  Ed25519: null,
};
const curveOf: Partial<Record<JwsAlgorithm, string>> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};
/** The byte length of r || s for each ECDSA algorithm (RFC 7518 §3.4). */
const ecSignatureSize: Partial<Record<JwsAlgorithm, number>> = { ES256: 64, ES384: 96, ES512: 132 };
const B64URL = /^[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?$/;
/** The longest token parsed, in characters (a token with 200 groups is about 6 KB). */
export const MAX_TOKEN_LENGTH = 64 * 1024;

/**
 * A parsed compact JWS. The signature covers the ASCII `header.payload`, the first `signedLength`
 * characters of `token`; it is turned into bytes only at verification (see `verifySignature`).
 */
export interface ParsedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  token: string;
  signedLength: number;
  signature: Buffer;
}

/** Why a token was refused; the caller turns it into an SsoError with its own code. */
export class JwsError extends Error {
  readonly reason: string;

  constructor(message: string, reason: string) {
    super(message);
    this.name = 'JwsError';
    this.reason = reason;
  }
}

/** Parses a compact JWS with a JSON object payload. Throws JwsError for anything malformed. */
export function parseCompactJws(token: string, maxLength = MAX_TOKEN_LENGTH): ParsedJws {
  if (typeof token !== 'string' || token.length === 0)
    throw new JwsError('The token is empty or not a string.', 'malformed');
  if (token.length > maxLength)
    throw new JwsError(`The token is longer than ${maxLength} characters.`, 'malformed');
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second < 0 || token.indexOf('.', second + 1) !== -1) {
    throw new JwsError(
      'The token is not a compact JWS (three base64url parts separated by dots). Encrypted (JWE) ID tokens are not supported.',
      'malformed',
    );
  }
  const h = token.slice(0, first);
  const p = token.slice(first + 1, second);
  const s = token.slice(second + 1);
  // The signature is short: check it strictly now. The header and payload are checked only when the
  // signature fails (see `isStrictBase64url`): a signature that verifies covers their exact bytes.
  if (s.length === 0 || p.length === 0 || !B64URL.test(s)) {
    throw new JwsError(
      'The token has an empty payload or signature, or a signature that is not base64url.',
      'malformed',
    );
  }
  const header = decodeJsonObject(h, 'header');
  const payload = decodeJsonObject(p, 'payload');
  return { header, payload, token, signedLength: second, signature: Buffer.from(s, 'base64url') };
}

/** Whether the header and payload of a token are strict base64url (no other characters). */
export function isStrictBase64url(jws: ParsedJws): boolean {
  return B64URL.test(jws.token.slice(0, jws.signedLength));
}

/** Whether one part of a compact token is strict base64url (no padding, no other characters). */
export function isBase64urlPart(part: string): boolean {
  return !part.includes('.') && B64URL.test(part);
}

/**
 * Scratch space for the bytes of a token's parts. Tokens of 4 KB and more (a 200-group token is 6 KB)
 * would otherwise each take a fresh, unpooled allocation for the signing input and for the decoded
 * payload. Safe to share: every use is synchronous (written, read, done) and no reference to it
 * survives the call that wrote it.
 */
const scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Decodes one base64url part (of at most {@link MAX_TOKEN_LENGTH} characters) holding a JSON object.
 * Throws JwsError (`malformed`) when it is empty, not JSON, or not an object.
 */
export function decodeJsonObject(part: string, what: string): Record<string, unknown> {
  if (part.length === 0) throw new JwsError(`The token's ${what} is empty.`, 'malformed');
  let value: unknown;
  try {
    // base64url decodes to at most 3/4 of its length: a part of up to 64 K characters fits.
    const length = scratch.write(part, 0, 'base64url');
    value = JSON.parse(scratch.toString('utf8', 0, length));
  } catch {
    throw new JwsError(`The token's ${what} is not JSON.`, 'malformed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwsError(`The token's ${what} is not a JSON object.`, 'malformed');
  }
  return value as Record<string, unknown>;
}

/**
 * Checks the protected header: `alg` on the allow-list, no `crit` (no extension is understood), and
 * returns the algorithm. `jku`, `x5u`, `jwk` and `x5c` are ignored: keys come only from the configured
 * JWKS.
 */
export function checkHeader(header: Record<string, unknown>, allowed: ReadonlySet<string>): JwsAlgorithm {
  const alg = header.alg;
  if (typeof alg !== 'string') throw new JwsError('The token header has no "alg".', 'alg');
  if (alg === 'none' || !allowed.has(alg) || !(alg in hashOf)) {
    throw new JwsError(
      `The token is signed with "${alg}", which is not an allowed algorithm (${[...allowed].join(', ')}).`,
      'alg',
    );
  }
  if (header.crit !== undefined)
    throw new JwsError('The token header has a "crit" extension, which is not supported.', 'crit');
  if (header.b64 !== undefined)
    throw new JwsError('The token header has "b64", which is not supported.', 'crit');
  return alg as JwsAlgorithm;
}

/** Whether `key` is of the type and size `alg` needs. */
export function keyFitsAlgorithm(key: KeyObject, alg: JwsAlgorithm): boolean {
  const type = key.asymmetricKeyType;
  if (key.type !== 'public') return false;
  if (alg.startsWith('RS')) return type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
  if (alg.startsWith('PS'))
    return (type === 'rsa' || type === 'rsa-pss') && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
  if (alg.startsWith('ES')) return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === curveOf[alg];
  if (alg === 'Ed25519') return type === 'ed25519';
  return type === 'ed25519' || type === 'ed448';
}

/** Verifies the signature of a parsed JWS with one key. */
export function verifySignature(jws: ParsedJws, alg: JwsAlgorithm, key: KeyObject): boolean {
  const hash = hashOf[alg];
  // Written as UTF-8, never latin1: latin1 keeps only the low byte of a character, so "Ł" (U+0141)
  // would stand in for the "A" that was signed while the base64url decoder skips it, changing the
  // payload under a valid signature. In UTF-8 any non-ASCII character gives bytes of 0x80 and above,
  // which no IdP's (base64url, ASCII) signing input holds, or makes the written length fall short.
  const signingInput = jws.signedLength < scratch.length ? scratch : Buffer.allocUnsafe(jws.signedLength + 1);
  const written = signingInput.write(jws.token, 0, jws.signedLength, 'utf8');
  const signed = signingInput.subarray(0, written);
  if (written !== jws.signedLength || !isAscii(signed)) return false;
  try {
    if (alg.startsWith('PS')) {
      return verify(
        hash,
        signed,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
        jws.signature,
      );
    }
    if (alg.startsWith('ES')) {
      // JOSE carries ECDSA signatures as r || s (IEEE P1363). Node verifies DER with a bare KeyObject
      // about a third faster than it verifies P1363 given through a `{ key, dsaEncoding }` object (which
      // converts the key on every call), so the signature is re-encoded here.
      const der = p1363ToDer(jws.signature, ecSignatureSize[alg] as number);
      return der !== undefined && verify(hash, signed, key, der);
    }
    return verify(hash, signed, key, jws.signature);
  } catch {
    return false;
  }
}

/**
 * Re-encodes an IEEE P1363 ECDSA signature (r || s, each `size / 2` bytes) as the DER
 * `SEQUENCE { INTEGER r, INTEGER s }` that OpenSSL verifies natively. Returns undefined when the length
 * is wrong for the curve, so such a signature never verifies.
 */
export function p1363ToDer(signature: Buffer, size: number): Buffer | undefined {
  if (signature.length !== size) return undefined;
  const half = size / 2;
  const r = derInteger(signature, 0, half);
  const s = derInteger(signature, half, size);
  const body = r.length + s.length;
  // ES512's sequence can pass 127 bytes, which needs the long form of the length.
  const head = body < 128 ? [0x30, body] : [0x30, 0x81, body];
  const out = Buffer.allocUnsafe(head.length + body);
  out.set(head, 0);
  r.copy(out, head.length);
  s.copy(out, head.length + r.length);
  return out;
}

/** A DER INTEGER for the unsigned big-endian bytes `source[start, end)`: minimal, and positive. */
function derInteger(source: Buffer, start: number, end: number): Buffer {
  let first = start;
  while (first < end - 1 && source[first] === 0) first++;
  const pad = (source[first] as number) >= 0x80 ? 1 : 0;
  const length = end - first + pad;
  const out = Buffer.allocUnsafe(2 + length);
  out[0] = 0x02;
  out[1] = length;
  if (pad) out[2] = 0;
  source.copy(out, 2 + pad, first, end);
  return out;
}
