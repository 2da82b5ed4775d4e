/**
 * Invariant family: an IdP's signature counts only when made with a key ssokit accepts, RSA of 2048
 * bits or more, or EC. A response or logout message that only a weaker key verifies is refused
 * (`saml_signature_invalid`, reason `weak_key`), even though the key comes from the IdP's own
 * metadata; `decodeCertificate` reports the same key as refused, so the Test Provider's "ssokit
 * refuses it" and the validators say one thing.
 */
import { memoryStorage } from '@ssokit/storage';
import { generate } from 'selfsigned';
import { makeCertificate, type TestKeyPair } from 'ssokit-test-fixtures/keys';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { ACS_URL, IDP_ENTITY_ID, SP_ENTITY_ID } from 'ssokit-test-fixtures/saml-idp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLogoutRequest,
  decodeCertificate,
  idpMetadataFromDescriptor,
  idpSigningKeys,
  type SamlResponseExpectations,
  validateLogoutRequest,
  validateSamlResponse,
} from '../src/index.ts';
import { assertionXml, b64, responseXml, sign } from './helpers/forge.ts';

let strong: TestKeyPair;
let weak: TestKeyPair;
beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'weak.idp.example.com' }], {
    keySize: 1024,
    algorithm: 'sha256',
  });
  weak = {
    privateKeyPem: pems.private,
    certificatePem: pems.cert,
    certificateBase64: pems.cert.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''),
  };
  strong = await makeCertificate('idp.example.com');
}, 30_000);

const idpWith = (...pairs: TestKeyPair[]) =>
  idpMetadataFromDescriptor({
    entityId: IDP_ENTITY_ID,
    ssoUrl: 'https://idp.example.com/sso',
    sloUrl: 'https://idp.example.com/slo',
    certificates: pairs.map((p) => p.certificatePem),
  });

const expectations = (...pairs: TestKeyPair[]): SamlResponseExpectations => ({
  idpEntityId: IDP_ENTITY_ID,
  idpKeys: idpSigningKeys(idpWith(...pairs)),
  spEntityId: SP_ENTITY_ID,
  acsUrl: ACS_URL,
  requestId: '_req-1',
  replay: memoryStorage().replay,
});

const signedBy = (pair: TestKeyPair, target: 'Assertion' | 'Response') =>
  target === 'Assertion'
    ? b64(responseXml(sign(assertionXml(), { target, privateKeyPem: pair.privateKeyPem })))
    : b64(sign(responseXml(assertionXml()), { target, privateKeyPem: pair.privateKeyPem }));

describe('RSA keys under 2048 bits', () => {
  it('are reported as refused by decodeCertificate, the fact the Test Provider shows', () => {
    expect(decodeCertificate(weak.certificatePem, IDP_ENTITY_ID)).toMatchObject({
      keyType: 'rsa',
      keyBits: 1024,
      keyProblem: expect.stringContaining('2048'),
    });
    expect(decodeCertificate(strong.certificatePem, IDP_ENTITY_ID).keyProblem).toBeUndefined();
  });

  it.each(['Assertion', 'Response'] as const)(
    'refuse a signed %s that only a weak key from the metadata verifies',
    async (target) => {
      const error = await expectRefusal(
        validateSamlResponse(signedBy(weak, target), expectations(weak)),
        'saml_signature_invalid',
        'weak_key',
      );
      expect(error.message).toMatch(/RSA key of 1024 bits; ssokit requires 2048 bits or more/);
    },
  );

  it('do not stop a rotation: the strong key of the metadata still verifies', async () => {
    const assertion = await validateSamlResponse(signedBy(strong, 'Assertion'), expectations(weak, strong));
    expect(assertion.nameId).toBe('ada@example.com');
    await expectRefusal(
      validateSamlResponse(signedBy(weak, 'Assertion'), expectations(weak, strong)),
      'saml_signature_invalid',
      'weak_key',
    );
  });

  it('say "signature" rather than "weak_key" when no key verifies at all', async () => {
    await expectRefusal(
      validateSamlResponse(signedBy(strong, 'Assertion'), expectations(weak)),
      'saml_signature_invalid',
      'signature',
    );
  });

  it('refuse a logout message signed with a weak key', async () => {
    const expected = { idpEntityId: IDP_ENTITY_ID, sloUrl: 'https://app.example.com/sso/saml/slo/c1' };
    const message = (pair: TestKeyPair) =>
      createLogoutRequest({
        sloUrl: expected.sloUrl,
        spEntityId: IDP_ENTITY_ID,
        nameId: 'ada@example.com',
        signing: { privateKeyPem: pair.privateKeyPem },
      }).url.search;
    const error = await expectRefusal(
      (async () =>
        validateLogoutRequest(message(weak), { ...expected, idpKeys: idpSigningKeys(idpWith(weak)) }))(),
      'saml_signature_invalid',
      'weak_key',
    );
    expect(error.message).toMatch(/1024 bits/);
    const incoming = validateLogoutRequest(message(strong), {
      ...expected,
      idpKeys: idpSigningKeys(idpWith(weak, strong)),
    });
    expect(incoming.nameId).toBe('ada@example.com');
  });
});
