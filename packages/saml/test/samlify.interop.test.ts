/**
 * Interop with an independent SAML IdP: samlify's IdentityProvider signs the responses with its own
 * code, and ssokit verifies them with the certificate from the IdP's metadata.
 */
import { now } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import { makeCertificate } from 'ssokit-test-fixtures/keys';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import {
  ACS_URL,
  IDP_ENTITY_ID,
  type SamlifyIdp,
  SP_ENTITY_ID,
  startSamlifyIdp,
} from 'ssokit-test-fixtures/saml-idp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SamlResponseExpectations, validateSamlResponse } from '../src/index.ts';
import { idpKeysFor } from './helpers/idp-keys.ts';

let idp: SamlifyIdp;
beforeAll(async () => {
  idp = await startSamlifyIdp();
}, 30_000);

const expectations = (overrides: Partial<SamlResponseExpectations> = {}): SamlResponseExpectations => ({
  idpEntityId: IDP_ENTITY_ID,
  idpKeys: idpKeysFor(idp.keys.certificateBase64),
  spEntityId: SP_ENTITY_ID,
  acsUrl: ACS_URL,
  requestId: '_req-1',
  replay: memoryStorage().replay,
  ...overrides,
});

const refused = expectRefusal;

describe('responses from samlify', () => {
  it('accepts a signed assertion', async () => {
    const response = await idp.respond({ requestId: '_req-1' });
    const assertion = await validateSamlResponse(response, expectations());
    expect(assertion.identity).toEqual({ issuer: IDP_ENTITY_ID, subject: 'ada@example.com' });
    expect(assertion.nameIdFormat).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    expect(assertion.assertionId).toMatch(/^_/);
  });

  it('accepts a signed response with a signed assertion', async () => {
    const response = await idp.respond({ requestId: '_req-1', signResponse: true });
    await expect(
      validateSamlResponse(response, expectations({ wantResponseSigned: true })),
    ).resolves.toMatchObject({ nameId: 'ada@example.com' });
  });

  it('accepts a signed response with an unsigned assertion only when assertions need not be signed', async () => {
    const response = await idp.respond({ requestId: '_req-1', signResponse: true, signAssertion: false });
    await refused(validateSamlResponse(response, expectations()), 'saml_signature_invalid', 'unsigned');
    await expect(
      validateSamlResponse(response, expectations({ wantAssertionsSigned: false })),
    ).resolves.toMatchObject({ nameId: 'ada@example.com' });
  });

  it('refuses a response signed by a key that is not in the metadata', async () => {
    const other = await makeCertificate('attacker.example.com');
    const response = await idp.respond({ requestId: '_req-1' });
    await refused(
      validateSamlResponse(response, expectations({ idpKeys: idpKeysFor(other.certificateBase64) })),
      'saml_signature_invalid',
      'signature',
    );
  });

  it('accepts any of several metadata certificates (rotation)', async () => {
    const other = await makeCertificate('next.example.com');
    const response = await idp.respond({ requestId: '_req-1' });
    const keys = idpKeysFor(other.certificateBase64, idp.keys.certificateBase64);
    await expect(validateSamlResponse(response, expectations({ idpKeys: keys }))).resolves.toBeTruthy();
  });

  it('refuses a replayed assertion', async () => {
    const replay = memoryStorage().replay;
    const response = await idp.respond({ requestId: '_req-1' });
    await validateSamlResponse(response, expectations({ replay }));
    await refused(validateSamlResponse(response, expectations({ replay })), 'saml_replay');
  });

  it('refuses answers to another request, other audiences and other ACS URLs', async () => {
    await refused(
      validateSamlResponse(await idp.respond({ requestId: '_other' }), expectations()),
      'saml_invalid',
      'in_response_to',
    );
    await refused(
      validateSamlResponse(
        await idp.respond({ requestId: '_req-1', spEntityId: 'https://other-sp.example.com' }),
        expectations(),
      ),
      'saml_invalid',
      'audience',
    );
    await refused(
      validateSamlResponse(
        await idp.respond({ requestId: '_req-1', acsUrl: 'https://evil.example.com/acs' }),
        expectations(),
      ),
      'saml_invalid',
      'destination',
    );
  });

  it('refuses unsolicited responses unless allowed, and a solicited one where none was sent', async () => {
    const response = await idp.respond({ requestId: '_req-1' });
    await refused(
      validateSamlResponse(response, expectations({ requestId: null })),
      'saml_invalid',
      'unsolicited',
    );
    await refused(
      validateSamlResponse(response, expectations({ requestId: null, allowIdpInitiated: true })),
      'saml_invalid',
      'in_response_to',
    );
  });

  it('refuses an expired assertion, and one from the future', async () => {
    const response = await idp.respond({ requestId: '_req-1' });
    await refused(
      validateSamlResponse(response, expectations({ [now]: () => Date.now() + 3_600_000 })),
      'saml_invalid',
      'expired',
    );
    await refused(
      validateSamlResponse(response, expectations({ [now]: () => Date.now() - 3_600_000 })),
      'saml_invalid',
      'not_yet_valid',
    );
  });
});
