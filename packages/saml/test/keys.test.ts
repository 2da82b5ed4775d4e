import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as samlify from 'samlify';
import { describe, expect, it } from 'vitest';
import { buildSpMetadata, createAuthnRequest, decodeCertificate, generateSpKeyPair } from '../src/index.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

describe('generateSpKeyPair', () => {
  it('makes a self-signed certificate that Node parses and verifies, with the asked validity', () => {
    const pair = generateSpKeyPair({ commonName: 'app.example.com', validityDays: 30 });
    const certificate = new X509Certificate(pair.certificatePem);
    expect(certificate.subject).toBe('CN=app.example.com');
    expect(certificate.issuer).toBe('CN=app.example.com');
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(createPrivateKey(pair.privateKeyPem))).toBe(true);
    expect(Math.round((pair.notAfter.getTime() - pair.notBefore.getTime()) / 86_400_000)).toBe(30);
    expect(new Date(certificate.validTo).getTime()).toBe(pair.notAfter.getTime());
    expect(pair.fingerprint256).toBe(certificate.fingerprint256);
    expect(decodeCertificate(pair.certificatePem, 'sp').notAfter.getTime()).toBe(pair.notAfter.getTime());
  });

  it('encodes dates past 2049 as GeneralizedTime', () => {
    const pair = generateSpKeyPair({ validityDays: 365 * 40 });
    expect(new X509Certificate(pair.certificatePem).validTo).toMatch(/20[6-7]\d/);
  });

  it('gives a key pair an independent SAML peer accepts: samlify verifies a request signed with it', async () => {
    const pair = generateSpKeyPair({ commonName: 'sp.example.com' });
    const idp = samlify.IdentityProvider({
      entityID: 'https://idp.example.com/metadata',
      wantAuthnRequestsSigned: true,
      singleSignOnService: [
        { Binding: samlify.Constants.namespace.binding.redirect, Location: 'https://idp.example.com/sso' },
      ],
    });
    const sp = samlify.ServiceProvider({
      metadata: buildSpMetadata({
        entityId: 'https://sp.example.com',
        acsUrl: 'https://sp.example.com/acs',
        authnRequestsSigned: true,
        signingCertificate: pair.certificatePem,
      }),
    });
    const request = createAuthnRequest({
      ssoUrl: 'https://idp.example.com/sso',
      spEntityId: 'https://sp.example.com',
      acsUrl: 'https://sp.example.com/acs',
      signing: { privateKeyPem: pair.privateKeyPem },
    });
    if (request.binding !== 'redirect') throw new Error('redirect expected');
    const parsed = (await idp.parseLoginRequest(sp, 'redirect', {
      query: Object.fromEntries(request.url.searchParams),
      octetString: request.url.search.slice(1).split('&Signature=')[0],
    } as never)) as unknown as { extract: { request: { id: string } } };
    expect(parsed.extract.request.id).toBe(request.id);
  });

  it('refuses weak or odd parameters as a host mistake', () => {
    expect(() => generateSpKeyPair({ modulusLength: 1024 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => generateSpKeyPair({ validityDays: 0 })).toThrow(/validityDays/);
  });
});
