/**
 * EncryptedAssertion interop: samlify (through @authenio/xml-encryption) encrypts to the certificate
 * in our SP metadata; ssokit decrypts with the SP key, then validates the decrypted assertion in full.
 */
import { createPrivateKey } from 'node:crypto';
import { memoryStorage } from '@ssokit/storage';
import * as samlify from 'samlify';
import { makeCertificate, type TestKeyPair } from 'ssokit-test-fixtures/keys';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { ACS_URL, SP_ENTITY_ID } from 'ssokit-test-fixtures/saml-idp';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSpMetadata, validateSamlResponse } from '../src/index.ts';
import { idpKeysFor } from './helpers/idp-keys.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

let idpKeys: TestKeyPair;
let spKeys: TestKeyPair;
let otherKeys: TestKeyPair;
beforeAll(async () => {
  [idpKeys, spKeys, otherKeys] = await Promise.all([
    makeCertificate('idp.example.com'),
    makeCertificate('sp.example.com'),
    makeCertificate('other.example.com'),
  ]);
}, 30_000);

const IDP = 'https://idp.example.com/metadata';

async function encryptedResponse(options: {
  data: string;
  key: string;
  signAssertion?: boolean;
  signResponse?: boolean;
}): Promise<string> {
  const idp = samlify.IdentityProvider({
    entityID: IDP,
    privateKey: idpKeys.privateKeyPem,
    signingCert: idpKeys.certificatePem,
    isAssertionEncrypted: true,
    dataEncryptionAlgorithm: options.data,
    keyEncryptionAlgorithm: options.key,
    singleSignOnService: [
      { Binding: samlify.Constants.namespace.binding.post, Location: 'https://idp.example.com/sso' },
    ],
  } as never);
  const sp = samlify.ServiceProvider({
    metadata: buildSpMetadata({
      entityId: SP_ENTITY_ID,
      acsUrl: ACS_URL,
      encryptionCertificate: spKeys.certificatePem,
      wantAssertionsSigned: options.signAssertion !== false,
    }),
    wantMessageSigned: options.signResponse === true,
  } as never);
  // The response signature must cover the EncryptedAssertion that is sent: encrypt, then sign. (With
  // samlify's default order the response is signed first and its assertion swapped for the encryption
  // afterwards, which no verifier can accept.)
  const result = (await idp.createLoginResponse(
    sp,
    { extract: { request: { id: '_req-1' } } } as never,
    'post',
    { email: 'ada@example.com' } as never,
    {
      encryptThenSign: true,
    } as never,
  )) as { context: string };
  return result.context;
}

const expectations = (decryptionKeyPem = spKeys.privateKeyPem) => ({
  idpEntityId: IDP,
  idpKeys: idpKeysFor(idpKeys.certificateBase64),
  spEntityId: SP_ENTITY_ID,
  acsUrl: ACS_URL,
  requestId: '_req-1',
  replay: memoryStorage().replay,
  decryptionKey: createPrivateKey(decryptionKeyPem),
});

const CBC256 = 'http://www.w3.org/2001/04/xmlenc#aes256-cbc';
const GCM128 = 'http://www.w3.org/2009/xmlenc11#aes128-gcm';
const GCM256 = 'http://www.w3.org/2009/xmlenc11#aes256-gcm';
const OAEP = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
const RSA15 = 'http://www.w3.org/2001/04/xmlenc#rsa-1_5';

const refused = expectRefusal;

/**
 * An encrypted assertion that does not decrypt to one the IdP signed fails with one outward error,
 * whatever went wrong inside (which stays in `cause`, for the host's log): a changed ciphertext must
 * not learn why it failed.
 */
async function refusedEncrypted(promise: Promise<unknown>, innerReason: string) {
  const error = await refused(promise, 'saml_signature_invalid', 'encrypted_assertion');
  expect(error.message).toBe(
    'The encrypted assertion does not decrypt to an assertion signed by the identity provider.',
  );
  expect((error.cause as { details?: { reason?: string } }).details?.reason).toBe(innerReason);
}

describe('encrypted assertions from samlify', () => {
  it.each([
    ['AES-128-GCM', GCM128],
    ['AES-256-GCM', GCM256],
  ])(
    'decrypts %s with RSA-OAEP key transport and validates the signed assertion inside',
    async (_name, data) => {
      const response = await encryptedResponse({ data, key: OAEP });
      expect(Buffer.from(response, 'base64').toString()).toContain('EncryptedAssertion');
      await expect(validateSamlResponse(response, expectations())).resolves.toMatchObject({
        nameId: 'ada@example.com',
      });
    },
  );

  it('refuses AES-CBC in an unsigned Response by default (its ciphertext could be changed), and takes it when allowed', async () => {
    const response = await encryptedResponse({ data: CBC256, key: OAEP });
    await refused(validateSamlResponse(response, expectations()), 'saml_invalid', 'cbc_unsigned');
    await expect(
      validateSamlResponse(response, { ...expectations(), allowUnsignedCbcEncryption: true }),
    ).resolves.toMatchObject({ nameId: 'ada@example.com' });
  });

  it('decrypts inside a signed response too', async () => {
    const response = await encryptedResponse({ data: CBC256, key: OAEP, signResponse: true });
    await expect(
      validateSamlResponse(response, { ...expectations(), wantResponseSigned: true }),
    ).resolves.toMatchObject({ nameId: 'ada@example.com' });
  });

  it('refuses RSA 1.5 key transport', async () => {
    const response = await encryptedResponse({ data: GCM256, key: RSA15 }).catch(() => undefined);
    if (response) await refusedEncrypted(validateSamlResponse(response, expectations()), 'encrypted');
  });

  it('refuses an encrypted assertion whose inner assertion is unsigned', async () => {
    const response = await encryptedResponse({
      data: CBC256,
      key: OAEP,
      signAssertion: false,
      signResponse: true,
    });
    await refusedEncrypted(validateSamlResponse(response, expectations()), 'unsigned');
  });

  it('refuses decryption with another key, and without one', async () => {
    const response = await encryptedResponse({ data: GCM256, key: OAEP });
    await refusedEncrypted(validateSamlResponse(response, expectations(otherKeys.privateKeyPem)), 'decrypt');
    const { decryptionKey: _k, ...withoutKey } = expectations();
    await refused(validateSamlResponse(response, withoutKey), 'saml_invalid', 'encrypted');
  });

  it('refuses a tampered ciphertext (GCM authentication)', async () => {
    const xml = Buffer.from(await encryptedResponse({ data: GCM256, key: OAEP }), 'base64').toString();
    const values = [...xml.matchAll(/<xenc:CipherValue>([^<]+)<\/xenc:CipherValue>/g)].map(
      (m) => m[1] as string,
    );
    const content = values.at(-1) as string;
    const bytes = Buffer.from(content, 'base64');
    bytes[20] = (bytes[20] as number) ^ 1;
    const tampered = xml.replace(content, bytes.toString('base64'));
    await refusedEncrypted(
      validateSamlResponse(Buffer.from(tampered).toString('base64'), expectations()),
      'decrypt',
    );
  });
});
