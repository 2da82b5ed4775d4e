import { generateKeyPairSync, sign } from 'node:crypto';
import { ConfigError, now } from '@ssokit/core';
import { generate } from 'selfsigned';
import { idpMetadataXml, listFixtures } from 'ssokit-test-fixtures';
import { describe, expect, it } from 'vitest';
import { toIdpDescriptor } from './idp-descriptor.ts';
import { oid, seq, set, time, tlv } from './internal/der.ts';
import { decodeCertificate, parseIdpMetadata } from './metadata.ts';

// What each real metadata document must yield (from the fixture files and SOURCES.md).
const expected: Record<
  string,
  { entityId: string | RegExp; sso: RegExp; expired?: boolean; certs?: number }
> = {
  'adfs-1': { entityId: 'http://idp.adfs.example.com/adfs/services/trust', sso: /\/adfs\/ls\/$/ },
  'auth0-1': { entityId: /^urn:.*\.auth0\.com$/, sso: /\/samlp\// },
  'entra-1': {
    entityId: /^https:\/\/sts\.windows\.net\/[0-9a-f-]+\/$/,
    sso: /login\.windows\.net\/[0-9a-f-]+\/saml2$/,
  },
  'google-1': {
    entityId: /^https:\/\/accounts\.google\.com\/o\/saml2\?idpid=/,
    sso: /accounts\.google\.com\/o\/saml2\/idp/,
    expired: true,
  },
  'google-2': {
    entityId: 'https://accounts.google.com/o/saml2',
    sso: /^https:\/\/accounts\.google\.com\/o\/saml2$/,
  },
  'keycloak-1': {
    entityId: 'http://localhost:8080/realms/firezone',
    sso: /\/realms\/firezone\/protocol\/saml$/,
  },
  'okta-1': { entityId: /^http:\/\/www\.okta\.com\/exk/, sso: /\/sso\/saml$/ },
  'onelogin-1': { entityId: 'https://app.onelogin.com/saml/metadata/383123', sso: /onelogin\.com/ },
  'onelogin-2': { entityId: /onelogin\.com\/saml\/metadata\/503983/, sso: /onelogin\.com/ },
  'onelogin-3': { entityId: /onelogin\.com\/saml\/metadata\/645460/, sso: /onelogin\.com/ },
  'shibboleth-1': { entityId: 'https://idp.testshib.org/idp/shibboleth', sso: /testshib\.org/ },
  'shibboleth-3': { entityId: 'https://samltest.id/saml/idp', sso: /samltest\.id/ },
};

describe('IdP metadata of real providers (test-fixtures)', () => {
  it.each(Object.keys(expected))('parses %s', (name) => {
    const want = expected[name] as (typeof expected)[string];
    const idp = parseIdpMetadata(idpMetadataXml(name), { [now]: () => Date.parse('2024-01-01T00:00:00Z') });
    if (typeof want.entityId === 'string') expect(idp.entityId).toBe(want.entityId);
    else expect(idp.entityId).toMatch(want.entityId);
    expect(idp.sso.redirect ?? idp.sso.post).toMatch(want.sso);
    expect(idp.signingCertificates.length).toBeGreaterThan(0);
    for (const cert of idp.signingCertificates) {
      expect(cert.base64).toMatch(/^[A-Za-z0-9+/=]+$/);
      expect(cert.notAfter.getTime()).toBeGreaterThan(cert.notBefore.getTime());
      expect(cert.keyType).toBe('rsa');
      expect(cert.keyBits).toBeGreaterThanOrEqual(2048);
      expect(cert.keyProblem).toBeUndefined();
    }
    expect(idp.expired).toBe(want.expired === true);
    expect(toIdpDescriptor(idp).certificates).toEqual(idp.signingCertificates.map((c) => c.base64));
  });

  it('covers every idp-metadata fixture', () => {
    expect([...Object.keys(expected), 'shibboleth-2'].sort()).toEqual(listFixtures('idp-metadata'));
  });

  it('picks an IdP out of an EntitiesDescriptor aggregate, and reports its expiry (shibboleth-2)', () => {
    const xml = idpMetadataXml('shibboleth-2');
    const error = (() => {
      try {
        parseIdpMetadata(xml);
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/lists 2 identity providers \((.+), (.+)\); say which entityID to use/);
    const ids = /\((.+), (.+)\)/.exec(error?.message ?? '')?.slice(1) as string[];
    const idp = parseIdpMetadata(xml, { entityId: ids[1] as string });
    expect(idp.entityId).toBe(ids[1]);
    expect(idp.expired).toBe(true);
    expect(idp.validUntil?.getUTCFullYear()).toBe(2017);
    expect(() => parseIdpMetadata(xml, { entityId: 'https://nope.example.com' })).toThrow(
      /no identity provider with entityID "https:\/\/nope\.example\.com"/,
    );
  });

  it('keeps the Entra specifics: BOM, WS-Fed role descriptors, signed metadata, several keys', () => {
    const idp = parseIdpMetadata(idpMetadataXml('entra-1'));
    expect(idp.entityId.endsWith('/')).toBe(true);
    expect(idp.nameIdFormats.length + 1).toBeGreaterThan(0);
  });

  it('reads NameID formats, WantAuthnRequestsSigned and the encryption key', () => {
    const keycloak = parseIdpMetadata(idpMetadataXml('keycloak-1'));
    expect(keycloak.wantAuthnRequestsSigned).toBe(true);
    expect(keycloak.slo.redirect ?? keycloak.slo.post).toMatch(/protocol\/saml$/);
    expect(keycloak.nameIdFormats.length).toBeGreaterThan(0);
    const samltest = parseIdpMetadata(idpMetadataXml('shibboleth-3'));
    expect(samltest.encryptionCertificates.length).toBeGreaterThan(0);
  });
});

describe('metadata problems are ConfigErrors saying what is missing', () => {
  const md = (inner: string, attrs = 'entityID="https://idp.example.com"') =>
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ${attrs}>${inner}</md:EntityDescriptor>`;
  const idpDescriptor = (inner: string) =>
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${inner}</md:IDPSSODescriptor>`;
  const cases: [string, RegExp][] = [
    ['<html/>', /not SAML metadata/],
    [md('', ''), /no entityID/],
    [md(''), /no IDPSSODescriptor for SAML 2.0/],
    [md(idpDescriptor('')), /no SingleSignOnService/],
    [
      md(
        idpDescriptor(
          '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso"/>',
        ),
      ),
      /no signing certificate/,
    ],
    [
      md(
        idpDescriptor(
          '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>bm90IGEgY2VydA==</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso"/>',
        ),
      ),
      /not a valid X\.509 certificate/,
    ],
    ['<!DOCTYPE x [<!ENTITY a "b">]><x/>', /DTD/],
    ['<a><b></a>', /not well-formed/],
    ['', /empty/],
  ];
  it.each(cases)('%s', (xml, message) => {
    expect(() => parseIdpMetadata(xml)).toThrow(ConfigError);
    expect(() => parseIdpMetadata(xml)).toThrow(message);
  });
});

describe('decodeCertificate reports the key facts the Test Provider warns about', () => {
  const certificate = async (options: Parameters<typeof generate>[1]) =>
    (await generate([{ name: 'commonName', value: 'idp.example.com' }], { algorithm: 'sha256', ...options }))
      .cert;

  it('an RSA key: its modulus length, and a problem under 2048 bits', async () => {
    const weak = decodeCertificate(await certificate({ keySize: 1024 }), 'https://idp.example.com');
    expect(weak).toMatchObject({ keyType: 'rsa', keyBits: 1024 });
    expect(weak.keyProblem).toBe('an RSA key of 1024 bits; ssokit requires 2048 bits or more');
    const strong = decodeCertificate(await certificate({ keySize: 3072 }), 'https://idp.example.com');
    expect(strong).toMatchObject({ keyType: 'rsa', keyBits: 3072 });
    expect(strong.keyProblem).toBeUndefined();
  }, 30_000);

  it('an EC key: its curve size, and no problem', async () => {
    const p256 = decodeCertificate(await certificate({ keyType: 'ec', curve: 'P-256' }), 'idp');
    expect(p256).toMatchObject({ keyType: 'ec', keyBits: 256 });
    expect(p256.keyProblem).toBeUndefined();
    const p384 = decodeCertificate(await certificate({ keyType: 'ec', curve: 'P-384' }), 'idp');
    expect(p384).toMatchObject({ keyType: 'ec', keyBits: 384 });
  });

  it('an Ed25519 key: facts, and a problem (XML-DSig for SAML here is RSA or ECDSA)', () => {
    // Node cannot issue certificates, so this one is encoded here (RFC 8410 §4) and self-signed.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const algorithm = seq(oid('1.3.101.112'));
    const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from('ed25519.example.com')))));
    const validity = seq(time(new Date()), time(new Date(Date.now() + 86_400_000)));
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const tbs = seq(tlv(0x02, Buffer.from([1])), algorithm, name, validity, name, spki);
    const der = seq(
      tbs,
      algorithm,
      tlv(0x03, Buffer.concat([Buffer.from([0]), sign(null, tbs, privateKey)])),
    );
    const ed = decodeCertificate(der.toString('base64'), 'idp');
    expect(ed).toMatchObject({ keyType: 'ed25519', keyBits: 256 });
    expect(ed.keyProblem).toMatch(/^an Ed25519 key; SAML signatures are verified with RSA or EC keys only$/);
  });

  it('names the configuration path it is given', () => {
    expect(() => decodeCertificate('bm90IGEgY2VydA==', 'idp', 'saml.idp.certificates')).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'saml.idp.certificates' })] }),
    );
  });
});
