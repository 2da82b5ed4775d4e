import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { ConfigError } from '@ssokit/core';
import * as samlify from 'samlify';
import { idpMetadataXml } from 'ssokit-test-fixtures';
import { describe, expect, it } from 'vitest';
import { createAuthnRequest } from './authn-request.ts';
import { checkSpKeyPair, generateSpKeyPair, idpSigningKeys } from './keys.ts';
import { decodeCertificate, parseIdpMetadata } from './metadata.ts';
import { buildSpMetadata } from './sp-metadata.ts';

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

describe('checkSpKeyPair', () => {
  const pair = generateSpKeyPair();
  const other = generateSpKeyPair();

  it('accepts a key with its own certificate, in PEM or base64 DER', () => {
    expect(checkSpKeyPair(pair.privateKeyPem, pair.certificatePem)).toEqual({ ok: true });
    const base64 = pair.certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
    expect(checkSpKeyPair(pair.privateKeyPem, base64)).toEqual({ ok: true });
  });

  it('tells a mismatch from a key or a certificate that does not read, and never throws', () => {
    expect(checkSpKeyPair(pair.privateKeyPem, other.certificatePem)).toMatchObject({
      ok: false,
      problem: 'mismatch',
    });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    expect(checkSpKeyPair(ec, pair.certificatePem)).toMatchObject({ ok: false, problem: 'mismatch' });
    for (const garbage of ['', 'not a key', pair.certificatePem, undefined, null, 42]) {
      const check = checkSpKeyPair(garbage as string, pair.certificatePem);
      expect(check).toMatchObject({ ok: false, problem: 'private_key_invalid' });
    }
    for (const garbage of ['', 'bm90IGEgY2VydA==', pair.privateKeyPem, undefined]) {
      const check = checkSpKeyPair(pair.privateKeyPem, garbage as string);
      expect(check).toMatchObject({ ok: false, problem: 'certificate_invalid' });
    }
  });

  it('never quotes the private key in its messages', () => {
    const check = checkSpKeyPair(`${pair.privateKeyPem}garbage`, other.certificatePem);
    if (check.ok) throw new Error('a problem was expected');
    expect(check.message).not.toContain(pair.privateKeyPem.split('\n')[1]);
  });
});

describe('idpSigningKeys', () => {
  it("decodes every signing certificate's public key from the metadata (Entra publishes several)", () => {
    const idp = parseIdpMetadata(idpMetadataXml('entra-1'));
    const keys = idpSigningKeys(idp);
    expect(keys).toHaveLength(idp.signingCertificates.length);
    expect(keys.length).toBeGreaterThan(1);
    keys.forEach((key, i) => {
      const certificate = new X509Certificate(
        Buffer.from(idp.signingCertificates[i]?.base64 ?? '', 'base64'),
      );
      expect(key.equals(certificate.publicKey)).toBe(true);
    });
  });

  it('is a ConfigError for a hand-built certificate that does not decode', () => {
    const good = decodeCertificate(generateSpKeyPair().certificatePem, 'https://idp.example.com');
    expect(() =>
      idpSigningKeys({
        entityId: 'https://idp.example.com',
        signingCertificates: [good, { ...good, base64: 'bm90IGEgY2VydA==' }],
      }),
    ).toThrow(ConfigError);
  });
});
