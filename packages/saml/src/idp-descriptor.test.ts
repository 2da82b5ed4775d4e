import { ConfigError, type SamlIdpDescriptor } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import { idpMetadataXml } from 'ssokit-test-fixtures';
import { makeCertificate } from 'ssokit-test-fixtures/keys';
import { ACS_URL, IDP_ENTITY_ID, SP_ENTITY_ID } from 'ssokit-test-fixtures/saml-idp';
import { describe, expect, it } from 'vitest';
import { assertionXml, b64, responseXml, sign } from '../test/helpers/forge.ts';
import { idpMetadataFromDescriptor, toIdpDescriptor } from './idp-descriptor.ts';
import { idpSigningKeys } from './keys.ts';
import { parseIdpMetadata } from './metadata.ts';
import { validateSamlResponse } from './response.ts';

const issues = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('a ConfigError was expected');
};

describe('idpMetadataFromDescriptor', () => {
  it('is the inverse of toIdpDescriptor for real metadata (Keycloak: SSO, SLO, certificate)', () => {
    const parsed = parseIdpMetadata(idpMetadataXml('keycloak-1'));
    const descriptor = toIdpDescriptor(parsed);
    const rebuilt = idpMetadataFromDescriptor(descriptor);
    expect(toIdpDescriptor(rebuilt)).toEqual(descriptor);
    expect(rebuilt.entityId).toBe(parsed.entityId);
    expect(rebuilt.signingCertificates).toEqual(parsed.signingCertificates);
    expect(rebuilt.slo.redirect).toBe(descriptor.sloUrl);
  });

  it('takes the URLs as HTTP-Redirect endpoints and gives the rest its neutral value', async () => {
    const { certificatePem } = await makeCertificate('idp.example.com');
    const idp = idpMetadataFromDescriptor({
      entityId: IDP_ENTITY_ID,
      ssoUrl: 'https://idp.example.com/sso',
      certificates: [certificatePem],
    });
    expect(idp).toMatchObject({
      entityId: IDP_ENTITY_ID,
      sso: { redirect: 'https://idp.example.com/sso' },
      slo: {},
      encryptionCertificates: [],
      nameIdFormats: [],
      wantAuthnRequestsSigned: false,
      expired: false,
    });
    expect(idp.signingCertificates[0]).toMatchObject({
      subject: 'CN=idp.example.com',
      keyType: 'rsa',
      keyBits: 2048,
    });
    expect(idp.signingCertificates[0]?.base64).not.toContain('BEGIN');
  }, 30_000);

  it('gives keys that verify the IdP’s responses', async () => {
    const keys = await makeCertificate('idp.example.com');
    const idp = idpMetadataFromDescriptor({
      entityId: IDP_ENTITY_ID,
      ssoUrl: 'https://idp.example.com/sso',
      certificates: [keys.certificateBase64],
    });
    const xml = responseXml(sign(assertionXml(), { target: 'Assertion', privateKeyPem: keys.privateKeyPem }));
    const assertion = await validateSamlResponse(b64(xml), {
      idpEntityId: idp.entityId,
      idpKeys: idpSigningKeys(idp),
      spEntityId: SP_ENTITY_ID,
      acsUrl: ACS_URL,
      requestId: '_req-1',
      replay: memoryStorage().replay,
    });
    expect(assertion.identity).toEqual({ issuer: IDP_ENTITY_ID, subject: 'ada@example.com' });
  }, 30_000);

  it('is a ConfigError on saml.idp for a descriptor that cannot verify anything', () => {
    const base: SamlIdpDescriptor = {
      entityId: IDP_ENTITY_ID,
      ssoUrl: 'https://idp.example.com/sso',
      certificates: [],
    };
    expect(issues(() => idpMetadataFromDescriptor(base))).toEqual([
      { path: 'saml.idp.certificates', message: expect.stringMatching(/no signing certificate/) },
    ]);
    expect(issues(() => idpMetadataFromDescriptor({ ...base, certificates: ['bm90IGEgY2VydA=='] }))).toEqual([
      { path: 'saml.idp.certificates', message: expect.stringMatching(/not a valid X\.509 certificate/) },
    ]);
    expect(issues(() => idpMetadataFromDescriptor({ ...base, entityId: '' }))[0]?.path).toBe(
      'saml.idp.entityId',
    );
    expect(issues(() => idpMetadataFromDescriptor({ ...base, ssoUrl: '' }))[0]?.path).toBe('saml.idp.ssoUrl');
  });
});
