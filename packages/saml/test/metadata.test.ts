import { ConfigError, now } from '@ssokit/core';
import { idpMetadataXml, listFixtures } from 'ssokit-test-fixtures';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseIdpMetadata, toIdpDescriptor } from '../src/index.ts';

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

describe('parseDuration', () => {
  it('reads ISO 8601 durations', () => {
    expect(parseDuration('PT5H')).toBe(5 * 3600_000);
    expect(parseDuration('P1DT30M')).toBe(86_400_000 + 1_800_000);
    expect(parseDuration('PT1.5S')).toBe(1500);
    expect(parseDuration('5 hours')).toBeUndefined();
    expect(parseDuration('P')).toBeUndefined();
  });
});
