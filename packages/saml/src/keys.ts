/**
 * The SP's key pair: an RSA key and a self-signed certificate made in code, what ClearML asks admins to
 * do with `openssl genrsa` and `openssl x509 -req`.
 *
 * @module
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';

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
  const modulusLength = options.modulusLength ?? 2048;
  if (!Number.isInteger(modulusLength) || modulusLength < 2048 || modulusLength > 4096) {
    throw Object.assign(
      new TypeError('"options.modulusLength" must be a whole number of bits from 2048 to 4096.'),
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

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const header =
    length < 0x80
      ? Buffer.from([tag, length])
      : (() => {
          const bytes: number[] = [];
          for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
          return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
        })();
  return Buffer.concat([header, content]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [40 * a + b];
  for (const value of rest) {
    const chunk = [value & 0x7f];
    for (let v = value >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from 2050 on (RFC 5280 §4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
}
