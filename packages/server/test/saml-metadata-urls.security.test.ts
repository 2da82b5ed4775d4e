/**
 * Invariant family: every IdP URL is https, or plain http on a loopback host, the SAML SSO and SLO
 * endpoints too, whether they come from inline metadata or the connection's `saml.idp` descriptor.
 * Attacker review: inline metadata whose SingleSignOnService was `http://idp.example.com/sso`,
 * `javascript:...` or `data:...` was saved on an https app, and the HTTP-POST AuthnRequest page then
 * rendered it as the form's action. Such a connection is refused when saved (`config_invalid` naming
 * the path), and one that reached the store some other way cannot start a login.
 */
import { ConfigError } from '@ssokit/core';
import { makeCertificate } from 'ssokit-test-fixtures/keys';
import { beforeAll, describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'https://app.example.com';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const BAD = ['http://idp.example.com/sso', 'javascript:alert(document.domain)//', 'data:text/html,hi'];

let certificate: string;
beforeAll(async () => {
  certificate = (await makeCertificate('idp.example.com')).certificateBase64;
}, 30_000);

function metadata(ssoUrl: string, sloUrl = 'https://idp.example.com/slo'): string {
  const attribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return (
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/metadata">' +
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:SingleLogoutService Binding="${REDIRECT}" Location="${attribute(sloUrl)}"/>` +
    `<md:SingleSignOnService Binding="${POST}" Location="${attribute(ssoUrl)}"/>` +
    '</md:IDPSSODescriptor></md:EntityDescriptor>'
  );
}

/** A SAML connection (HTTP-POST AuthnRequests) with these settings. */
const connection = (saml: Record<string, unknown>) => ({
  name: 'Partner',
  protocol: 'saml',
  provider: 'custom',
  active: true,
  saml: { spEntityId: `${BASE}/sso/saml/metadata/partner`, authnRequestBinding: 'post', ...saml },
});

/** The ways a connection can carry a non-https endpoint, and the path its refusal names. */
const carriers: [what: string, saml: Record<string, unknown>, path: string, names: string][] = [
  ...BAD.map(
    (url) =>
      [
        `metadata SSO ${url}`,
        { idpMetadataXml: metadata(url) },
        'saml.idpMetadataXml',
        `SingleSignOnService (HTTP-POST) Location "${url}"`,
      ] as [string, Record<string, unknown>, string, string],
  ),
  [
    'metadata SLO javascript:',
    { idpMetadataXml: metadata('https://idp.example.com/sso', 'javascript:alert(1)') },
    'saml.idpMetadataXml',
    'SingleLogoutService (HTTP-Redirect) Location "javascript:alert(1)"',
  ],
  ...BAD.map(
    (url) =>
      [
        `saml.idp.ssoUrl ${url}`,
        { idp: { entityId: 'https://idp.example.com/metadata', ssoUrl: url, certificates: ['CERT'] } },
        'saml.idp.ssoUrl',
        `SSO URL "${url}"`,
      ] as [string, Record<string, unknown>, string, string],
  ),
  [
    'saml.idp.sloUrl javascript:',
    {
      idp: {
        entityId: 'https://idp.example.com/metadata',
        ssoUrl: 'https://idp.example.com/sso',
        sloUrl: 'javascript:alert(1)',
        certificates: ['CERT'],
      },
    },
    'saml.idp.sloUrl',
    'SLO URL "javascript:alert(1)"',
  ],
];

/** `saml` with the test certificate in place of the `CERT` placeholder. */
const withCertificate = (saml: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(saml).replaceAll('"CERT"', JSON.stringify(certificate)));

describe('a SAML connection whose IdP endpoint is not https', () => {
  it.each(carriers)('is refused by sso.connections.create (%s)', async (_what, saml, path, names) => {
    const { sso, storage } = testSso(BASE);
    const error = await sso.connections.create(connection(withCertificate(saml)) as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('config_invalid');
    expect((error as ConfigError).issues).toEqual([{ path, message: expect.stringContaining(names) }]);
    expect(await storage.connections.list()).toEqual([]);
  });

  it.each(carriers)('is refused by the admin API (%s)', async (_what, saml, path, names) => {
    const { sso, storage } = testSso(BASE, { authorizeAdmin: () => true });
    const response = await sso.handle(
      new Request(`${BASE}/sso/admin/connections`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          origin: BASE,
          'sec-fetch-site': 'same-origin',
        },
        body: JSON.stringify(connection(withCertificate(saml))),
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'config_invalid',
      issues: [{ path, message: expect.stringContaining(names) }],
    });
    expect(await storage.connections.list()).toEqual([]);
  });

  it.each(carriers)(
    'stored past validation, cannot start a login (%s)',
    async (_what, saml, _path, names) => {
      const seen: unknown[] = [];
      const { sso, storage } = testSso(BASE, { onError: (error) => void seen.push(error) });
      const stored = await storage.connections.create(connection(withCertificate(saml)) as never);
      for (const accept of ['text/html', 'application/json']) {
        const response = await sso.handle(
          new Request(`${BASE}/sso/login/${stored.id}`, { headers: { accept } }),
        );
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.headers.get('location')).toBeNull();
        const text = await response.text();
        expect(text).toContain('config_invalid');
        expect(text).not.toContain('<form');
        expect(text).not.toContain('SAMLRequest');
        expect(text).not.toMatch(/javascript:|data:text|idp\.example\.com/);
      }
      expect(seen).toHaveLength(2);
      expect(seen[0]).toBeInstanceOf(ConfigError);
      expect(String((seen[0] as Error).message)).toContain(names);
      // Test Provider tells the admin why.
      const report = await sso.testConnection(stored.id);
      expect(report.findings.find((f) => f.check === 'metadata')).toMatchObject({
        status: 'error',
        message: expect.stringContaining(names),
      });
    },
  );

  it('https endpoints, and plain http on loopback, are saved and start a login', async () => {
    for (const url of ['https://idp.example.com/sso', 'http://localhost:8080/sso']) {
      const { sso } = testSso(BASE);
      const saved = await sso.connections.create(
        connection({ idpMetadataXml: metadata(url, url.replace(/sso$/, 'slo')) }) as never,
      );
      const response = await sso.handle(new Request(`${BASE}/sso/login/${saved.id}`));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(`action="${url}"`);
    }
  });
});
