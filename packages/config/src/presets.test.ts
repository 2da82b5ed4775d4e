import { discoveryDocument, idpMetadataXml } from 'ssokit-test-fixtures';
import { describe, expect, it } from 'vitest';
import { oidcPresets, samlPresets } from './presets.ts';

const issuerOf = (name: string) => discoveryDocument(name).issuer as string;

describe('OIDC presets against the real discovery documents', () => {
  it.each([
    [
      'keycloak',
      () => oidcPresets.keycloak.build({ baseUrl: 'http://localhost:8080/', realm: 'master' }),
      'keycloak',
    ],
    ['okta (org)', () => oidcPresets.okta.build({ domain: 'common.okta.com' }), 'okta-org-as'],
    [
      'okta (custom AS)',
      () => oidcPresets.okta.build({ domain: 'dev-265911.oktapreview.com', authorizationServer: 'default' }),
      'okta-custom-as',
    ],
    [
      'cognito',
      () => oidcPresets.cognito.build({ region: 'eu-west-1', userPoolId: 'eu-west-1_ZLiEFD4b6' }),
      'cognito',
    ],
    ['auth0', () => oidcPresets.auth0.build({ domain: 'common.auth0.com' }), 'auth0-2'],
    [
      'auth0 (older tenant)',
      () => oidcPresets.auth0.build({ domain: 'micronautguides.eu.auth0.com' }),
      'auth0',
    ],
    ['google', () => oidcPresets.google.build({}), 'google'],
    ['onelogin', () => oidcPresets.onelogin.build({ subdomain: 'common' }), 'onelogin'],
  ] as const)('%s builds the issuer its discovery document names', (_name, build, fixture) => {
    expect(build().oidc.issuer).toBe(issuerOf(fixture));
  });

  it('entra: common and organizations match the {tenantid} template; a tenant id pins the tenant', () => {
    for (const tenant of ['common', 'organizations'] as const) {
      const result = oidcPresets.entra.build({ tenant });
      const template = issuerOf(`entra-${tenant}-v2`);
      expect(template.replace('{tenantid}', tenant)).toBe(result.oidc.issuer);
      expect('tenants' in result.oidc).toBe(false);
    }
    const single = oidcPresets.entra.build({ tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47' });
    expect(single.oidc).toMatchObject({
      issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
      tenants: ['72f988bf-86f1-41af-91ab-2d7cd011db47'],
    });
    expect(single.groupSync).toEqual({ matchBy: 'externalId' });
  });

  it('maps the claims the documents advertise', () => {
    expect(discoveryDocument('onelogin').claims_supported).toContain(
      oidcPresets.onelogin.build({ subdomain: 'x' }).claimMapping.groups,
    );
    expect(discoveryDocument('keycloak').claims_supported).toContain(
      oidcPresets.keycloak.build({ baseUrl: 'https://x', realm: 'y' }).claimMapping.username,
    );
    expect(oidcPresets.cognito.build({ region: 'r', userPoolId: 'p' }).claimMapping.groups).toBe(
      'cognito:groups',
    );
  });

  it('builds the formats that have no fixture, and every preset documents quirks and sources', () => {
    expect(oidcPresets.ping.build({ environmentId: 'env-1', region: 'eu' }).oidc.issuer).toBe(
      'https://auth.pingone.eu/env-1/as',
    );
    expect(oidcPresets.adfs.build({ host: 'adfs.example.com' }).oidc.issuer).toBe(
      'https://adfs.example.com/adfs',
    );
    for (const preset of [...Object.values(oidcPresets), ...Object.values(samlPresets)]) {
      expect(preset.sources.length, preset.id).toBeGreaterThan(0);
      expect(preset.quirks.length, preset.id).toBeGreaterThan(0);
      expect(
        Object.keys(preset.parameters).length + (preset.id === 'google' ? 1 : 0),
        preset.id,
      ).toBeGreaterThan(0);
    }
  });

  it('refuses missing parameters as a host mistake naming them', () => {
    expect(() => oidcPresets.cognito.build({ region: 'eu-west-1' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: 'The preset needs "userPoolId".' }),
    );
  });
});

describe('SAML presets against the real metadata', () => {
  it('build metadata URLs in the formats the fixtures show', () => {
    const keycloak = samlPresets.keycloak.build({ baseUrl: 'http://localhost:8080', realm: 'firezone' });
    expect(idpMetadataXml('keycloak-1')).toContain(
      `entityID="${keycloak.saml.idpMetadataUrl.replace('/protocol/saml/descriptor', '')}"`,
    );
    // OneLogin's entityID is its metadata URL.
    expect(idpMetadataXml('onelogin-1')).toContain(
      `entityID="${samlPresets.onelogin.build({ appId: '383123' }).saml.idpMetadataUrl}"`,
    );
    expect(samlPresets.entra.build({ tenant: 't', appId: 'a' }).saml.idpMetadataUrl).toBe(
      'https://login.microsoftonline.com/t/FederationMetadata/2007-06/FederationMetadata.xml?appid=a',
    );
  });

  it('map the claim types Entra and AD FS offer in their metadata', () => {
    const offered = (name: string) =>
      new Set([...idpMetadataXml(name).matchAll(/Uri="([^"]+)"/g)].map((m) => m[1]));
    const uris = (mapping: Record<string, string | readonly string[]>) =>
      Object.values(mapping).flatMap((v) => (typeof v === 'string' ? [v] : [...v]));
    const adfs = offered('adfs-1');
    for (const uri of uris(samlPresets.adfs.build({ host: 'h' }).claimMapping as never))
      expect(adfs, uri).toContain(uri);
    const entra = offered('entra-1');
    for (const uri of [
      `http://schemas.microsoft.com/ws/2008/06/identity/claims/groups`,
      'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
    ])
      expect(entra, uri).toContain(uri);
  });
});
