/**
 * Keys: the SP's key pair (an RSA key and a self-signed certificate made in code, what ClearML asks
 * admins to do with `openssl genrsa` and `openssl x509 -req`, and a check that a stored key and
 * certificate belong together), and the IdP's signing keys from its metadata.
 *
 * @module
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { ConfigError } from '@ssokit/core';
import { oid, seq, set, time, tlv } from './internal/der.ts';
import { MIN_RSA_BITS, readCertificate } from './internal/key-policy.ts';
import type { IdpMetadata } from './metadata.ts';

/** Options of {@link generateSpKeyPair}. */
export interface SpKeyPairOptions {
  /** The certificate's subject common name. Default: `'ssokit service provider'`. */
  commonName?: string;
  /** How long the certificate is valid, in days. Default: 3650 (10 years, as ClearML's openssl example). */
  validityDays?: number;
  /** The RSA key size in bits, 2048 to 4096. Default: 2048. */
  modulusLength?: number;
}

/** A generated key pair. Keep `privateKeyPem` secret (the connection stores it write-only). */
export interface SpKeyPair {
  privateKeyPem: string;
  certificatePem: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 fingerprint of the certificate, `AA:BB:...`. */
  fingerprint256: string;
}

/**
 * Generates an RSA private key and a self-signed X.509 certificate (SHA-256 with RSA) for signing
 * AuthnRequests and receiving encrypted assertions. Only `node:crypto`: the certificate is encoded
 * here (RFC 5280, version 1, no extensions) and signed with the new key.
 *
 * @example
 * ```ts
 * import { generateSpKeyPair } from '@ssokit/saml';
 *
 * const { privateKeyPem, certificatePem, notAfter } = generateSpKeyPair({ commonName: 'app.example.com' });
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1
 */
export function generateSpKeyPair(options: SpKeyPairOptions = {}): SpKeyPair {
  const modulusLength = options.modulusLength ?? MIN_RSA_BITS;
  if (!Number.isInteger(modulusLength) || modulusLength < MIN_RSA_BITS || modulusLength > 4096) {
    throw Object.assign(
      new TypeError(`"options.modulusLength" must be a whole number of bits from ${MIN_RSA_BITS} to 4096.`),
      { code: 'ERR_INVALID_ARG_VALUE' },
    );
  }
  const days = options.validityDays ?? 3650;
  if (!Number.isFinite(days) || days <= 0) {
    throw Object.assign(new TypeError('"options.validityDays" must be a positive number of days.'), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const serial = randomBytes(16);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01; // positive, no leading zero byte needed
  const name = seq(
    set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(options.commonName ?? 'ssokit service provider', 'utf8')))),
  );
  const algorithm = seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0)));
  const tbs = seq(
    tlv(0x02, serial),
    algorithm,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)
    ?.join('\n')}\n-----END CERTIFICATE-----\n`;
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    certificatePem,
    notBefore,
    notAfter,
    fingerprint256: new X509Certificate(der).fingerprint256,
  };
}

/** Why an SP private key and certificate are not a usable pair. */
export type SpKeyPairProblem = 'private_key_invalid' | 'certificate_invalid' | 'mismatch';

/** The outcome of {@link checkSpKeyPair}: a pair, or the problem and a sentence to show the admin. */
export type SpKeyPairCheck = { ok: true } | { ok: false; problem: SpKeyPairProblem; message: string };

/**
 * Checks that an SP private key (PEM) and an SP certificate (PEM or base64 DER) form a pair: the
 * certificate carries the public half of the key (the same SubjectPublicKeyInfo). A mismatch means
 * the IdP verifies signed requests, and encrypts assertions, with a key the SP does not hold. Never
 * throws: text that is not a key or a certificate is a problem, like a mismatch. The messages never
 * quote the key.
 *
 * @example
 * ```ts
 * import { checkSpKeyPair } from '@ssokit/saml';
 *
 * const check = checkSpKeyPair(connection.saml.spPrivateKey, connection.saml.spCertificate);
 * if (!check.ok) console.warn(check.problem, check.message);
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.7
 */
export function checkSpKeyPair(privateKeyPem: string, certificatePem: string): SpKeyPairCheck {
  let fromKey: Buffer;
  try {
    fromKey = createPublicKey(createPrivateKey(String(privateKeyPem))).export({
      format: 'der',
      type: 'spki',
    });
  } catch {
    return {
      ok: false,
      problem: 'private_key_invalid',
      message: 'The SP private key is not a readable, unencrypted PEM private key.',
    };
  }
  let fromCertificate: Buffer;
  try {
    fromCertificate = readCertificate(String(certificatePem)).publicKey.export({
      format: 'der',
      type: 'spki',
    });
  } catch {
    return {
      ok: false,
      problem: 'certificate_invalid',
      message: 'The SP certificate is not a readable X.509 certificate (PEM or base64 DER).',
    };
  }
  return fromKey.equals(fromCertificate)
    ? { ok: true }
    : {
        ok: false,
        problem: 'mismatch',
        message:
          'The SP private key and the SP certificate do not form a pair: the certificate holds another key.',
      };
}

/**
 * The public keys of the IdP's signing certificates, to verify its responses and logout messages
 * with (`idpKeys` of `validateSamlResponse` and the logout validators). Decode them once per
 * connection and metadata, not per login. Keys come only from metadata, never from a message's
 * KeyInfo. Every certificate's key is returned; the validators themselves refuse signatures that only
 * a weak key verifies (see `IdpCertificate.keyProblem`). A certificate that does not decode (an
 * `IdpMetadata` built by hand) is a `ConfigError`.
 *
 * @example
 * ```ts
 * import { idpSigningKeys, parseIdpMetadata } from '@ssokit/saml';
 *
 * const idp = parseIdpMetadata(metadataXml);
 * const idpKeys = idpSigningKeys(idp);
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf (§2.4.1.1, KeyDescriptor)
 */
export function idpSigningKeys(idp: Pick<IdpMetadata, 'entityId' | 'signingCertificates'>): KeyObject[] {
  return idp.signingCertificates.map((certificate) => {
    try {
      return readCertificate(certificate.base64).publicKey;
    } catch {
      throw new ConfigError([
        {
          path: 'saml.idp.certificates',
          message: `a signing certificate of "${idp.entityId}" is not a valid X.509 certificate.`,
        },
      ]);
    }
  });
}
