/**
 * Which keys may verify an identity provider's signatures, written once: RSA of at least
 * {@link MIN_RSA_BITS} bits (NIST SP 800-131A has disallowed shorter RSA signature keys since 2013,
 * and a 1024-bit modulus is within reach of a well-funded attacker), or EC. Response signatures
 * (`signature.ts`), logout query signatures (`slo.ts`), the facts `decodeCertificate` reports and
 * `generateSpKeyPair`'s lower bound all come from here. Also the one reader of certificate text.
 */
import { type KeyObject, X509Certificate } from 'node:crypto';

/** The smallest RSA modulus ssokit signs or verifies with, in bits. */
export const MIN_RSA_BITS = 2048;

/** A certificate's public key type, as `node:crypto` names it (`other` for anything else). */
export type KeyType = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'other';

/** What a public key is: its type and size. */
export interface KeyFacts {
  keyType: KeyType;
  /** RSA and DSA: the modulus length; EC: the curve's size (256 for P-256); EdDSA: 256 or 448. */
  keyBits?: number;
}

/** The signature families XML-DSig and the redirect binding use that ssokit verifies. */
export type SignatureFamily = 'rsa' | 'ec';

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
};

const UNUSABLE: Partial<Record<KeyType, string>> = {
  dsa: 'a DSA key',
  ed25519: 'an Ed25519 key',
  ed448: 'an Ed448 key',
};

/** The type and size of a public (or private) key. */
export function keyFacts(key: KeyObject): KeyFacts {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  switch (type) {
    case 'rsa':
    case 'rsa-pss':
    case 'dsa':
      return details.modulusLength === undefined
        ? { keyType: type }
        : { keyType: type, keyBits: details.modulusLength };
    case 'ec': {
      const bits = CURVE_BITS[details.namedCurve ?? ''];
      return bits === undefined ? { keyType: 'ec' } : { keyType: 'ec', keyBits: bits };
    }
    case 'ed25519':
      return { keyType: 'ed25519', keyBits: 256 };
    case 'ed448':
      return { keyType: 'ed448', keyBits: 448 };
    default:
      return { keyType: 'other' };
  }
}

/** The signature family a key can verify, or `undefined` when ssokit verifies none with it. */
export function familyOf(key: KeyObject): SignatureFamily | undefined {
  const type = key.asymmetricKeyType;
  return type === 'rsa' || type === 'rsa-pss' ? 'rsa' : type === 'ec' ? 'ec' : undefined;
}

/**
 * Why ssokit will not verify signatures with `key` (a phrase naming the key: `"an RSA key of 1024
 * bits; ssokit requires 2048 bits or more"`), or `undefined` when it will.
 */
export function keyProblem(key: KeyObject): string | undefined {
  const facts = keyFacts(key);
  if (familyOf(key) === undefined)
    return `${UNUSABLE[facts.keyType] ?? 'a key of another type'}; SAML signatures are verified with RSA or EC keys only`;
  if (facts.keyType !== 'ec' && !((facts.keyBits ?? 0) >= MIN_RSA_BITS))
    return `an RSA key of ${facts.keyBits ?? 'unknown'} bits; ssokit requires ${MIN_RSA_BITS} bits or more`;
  return undefined;
}

/** The outcome of {@link verifyWithIdpKeys}. */
export type KeyVerification = { ok: true } | { ok: false; refusedKey?: string };

/**
 * Runs `attempt` with each of the IdP's keys of `family` that the rule accepts, until one verifies.
 * When none does, tells whether a refused key would have (`refusedKey` is then its problem), so the
 * admin learns the IdP signs with a weak key rather than that the signature is wrong.
 */
export function verifyWithIdpKeys(
  keys: readonly KeyObject[],
  family: SignatureFamily,
  attempt: (key: KeyObject) => boolean,
): KeyVerification {
  const candidates = keys.filter((key) => familyOf(key) === family);
  if (candidates.some((key) => keyProblem(key) === undefined && attempt(key))) return { ok: true };
  for (const key of candidates) {
    const problem = keyProblem(key);
    if (problem !== undefined && attempt(key)) return { ok: false, refusedKey: problem };
  }
  return { ok: false };
}

/** A certificate's base64 DER from PEM or base64 text (armor and whitespace removed). */
export function certificateBase64(text: string): string {
  return text.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
}

/** Reads a PEM or base64 DER certificate; throws (a Node error) when it is not one. */
export function readCertificate(text: string): X509Certificate {
  return new X509Certificate(Buffer.from(certificateBase64(text), 'base64'));
}
