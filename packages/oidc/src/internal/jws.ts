/**
 * Compact JWS parsing and signature verification on `node:crypto` KeyObjects. Only asymmetric
 * algorithms exist here: an HMAC can never be keyed with a public key because there is no HMAC path.
 */
import { constants, type KeyObject, verify } from 'node:crypto';

/** The signature algorithms ssokit verifies (RFC 7518 §3, RFC 8037). */
export type JwsAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

/** Every supported algorithm, the default allow-list. `none` and the HMAC family are not among them. */
export const supportedAlgorithms: readonly JwsAlgorithm[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);

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
const B64URL = /^[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?$/;

/** A parsed compact JWS. `signingInput` is the ASCII `header.payload` the signature covers. */
export interface ParsedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Buffer;
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
export function parseCompactJws(token: string, maxLength = 64 * 1024): ParsedJws {
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
  return {
    header,
    payload,
    signingInput: Buffer.from(token.slice(0, second), 'latin1'),
    signature: Buffer.from(s, 'base64url'),
  };
}

/** Whether the header and payload of a token are strict base64url (no other characters). */
export function isStrictBase64url(jws: ParsedJws): boolean {
  return B64URL.test(jws.signingInput.toString('latin1'));
}

function decodeJsonObject(part: string, what: string): Record<string, unknown> {
  if (part.length === 0) throw new JwsError(`The token's ${what} is empty.`, 'malformed');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
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
  try {
    if (alg.startsWith('PS')) {
      return verify(
        hash,
        jws.signingInput,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
        jws.signature,
      );
    }
    if (alg.startsWith('ES'))
      return verify(hash, jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
    return verify(hash, jws.signingInput, key, jws.signature);
  } catch {
    return false;
  }
}
