/** Self-signed certificates for test IdPs and attackers (selfsigned, a dev dependency). */
import { generate } from 'selfsigned';

export interface TestKeyPair {
  privateKeyPem: string;
  certificatePem: string;
  /** The certificate's base64 DER, as metadata carries it. */
  certificateBase64: string;
}

export async function makeCertificate(
  commonName: string,
  options: { notAfter?: Date } = {},
): Promise<TestKeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 86_400_000),
    notAfterDate: options.notAfter ?? new Date(Date.now() + 365 * 86_400_000),
  });
  return {
    privateKeyPem: pems.private,
    certificatePem: pems.cert,
    certificateBase64: pems.cert.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''),
  };
}
