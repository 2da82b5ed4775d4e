/**
 * Invariant family: what a failure tells whom. A visitor of a login route learns the code and what to
 * do, never this server's own set-up (the IdP's internal URLs, configuration problems, storage); the
 * host's `onError` receives the failure in full, and the admin API shows it to the admin. Security
 * review 1, hardening note on anonymous error pages.
 */
import { samlConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf } from 'ssokit-test-fixtures/http';
import { makeCertificate } from 'ssokit-test-fixtures/keys';
import { describe, expect, it } from 'vitest';
import { acsPost, testSso } from './helpers.ts';

const BASE = 'https://app.example.com';
// Nothing listens there: the metadata download fails, naming this internal URL.
const METADATA = 'http://127.0.0.1:9/internal/idp-metadata.xml';

async function setup() {
  const seen: { error: unknown; status: number }[] = [];
  const { sso, storage } = testSso(BASE, {
    authorizeAdmin: () => true,
    onError: (error, { status }) => void seen.push({ error, status }),
  });
  const connection = await storage.connections.create(
    samlConnection({ url: METADATA }, `${BASE}/sso/saml/metadata/x`),
  );
  return { sso, connection, seen };
}

describe('error disclosure', () => {
  for (const accept of ['application/json', 'text/html']) {
    it(`a visitor (${accept}) gets the code and a public message, not the internal URL`, async () => {
      const { sso, connection, seen } = await setup();
      const response = await sso.handle(
        new Request(`${BASE}/sso/login/${connection.id}`, { headers: { accept } }),
      );
      expect(response.status).toBe(502);
      const text = await response.text();
      expect(text).toContain('idp_unreachable');
      expect(text).toContain('The identity provider could not be reached.');
      expect(text).not.toContain('127.0.0.1');
      expect(text).not.toContain('internal');
      // The host's log gets it all.
      expect(seen).toHaveLength(1);
      expect(seen[0]?.status).toBe(502);
      expect(String((seen[0]?.error as Error | undefined)?.message)).toContain(
        '127.0.0.1:9/internal/idp-metadata.xml',
      );
    });
  }

  it('a configuration problem is not listed to a visitor, and is to the admin', async () => {
    const { sso, storage } = testSso(BASE, { authorizeAdmin: () => true, onError: () => undefined });
    // A SAML connection whose IdP offers no HTTP-Redirect SSO endpoint: a ConfigError at login start.
    const broken = await storage.connections.create(
      samlConnection(
        '',
        `${BASE}/sso/saml/metadata/y`,
        {},
        {
          idpMetadataXml: undefined,
          idp: { entityId: 'https://idp.example.com', ssoUrl: '', certificates: [] },
        },
      ) as never,
    );
    const visitor = await sso.handle(
      new Request(`${BASE}/sso/login/${broken.id}`, { headers: { accept: 'application/json' } }),
    );
    const body = await visitor.json();
    expect(body).toEqual({
      error: 'config_invalid',
      message:
        "This sign-in method is not set up correctly. Tell your administrator; the details are in the server's log.",
    });
    const report = await sso.testConnection(broken.id);
    expect(report.findings.find((f) => f.check === 'metadata')?.message).toMatch(/saml\.idp/);
  });

  it("an unsolicited response's status text (read before any signature) is not shown on this site", async () => {
    const keys = await makeCertificate('idp.example.com');
    const { sso, storage } = testSso(BASE, { onError: () => undefined });
    const sp = `${BASE}/sso/saml/metadata/partner`;
    await storage.connections.create(
      samlConnection(
        '',
        sp,
        {},
        {
          idpMetadataXml: undefined,
          allowIdpInitiated: true,
          idp: {
            entityId: 'https://idp.example.com',
            ssoUrl: 'https://idp.example.com/sso',
            certificates: [keys.certificateBase64],
          },
        },
      ),
    );
    const lure = 'Your account is locked. Call +1-555-0100 and read us your one-time code.';
    const xml =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${BASE}/sso/saml/acs">` +
      '<saml:Issuer>https://idp.example.com</saml:Issuer>' +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"/><samlp:StatusMessage>${lure}</samlp:StatusMessage></samlp:Status>` +
      `<saml:Assertion ID="_a" Version="2.0" IssueInstant="${new Date().toISOString()}"><saml:Issuer>https://idp.example.com</saml:Issuer><saml:Conditions><saml:AudienceRestriction><saml:Audience>${sp}</saml:Audience></saml:AudienceRestriction></saml:Conditions></saml:Assertion>` +
      '</samlp:Response>';
    for (const accept of ['text/html', 'application/json']) {
      const response = await sso.handle(
        acsPost(BASE, new URLSearchParams({ SAMLResponse: Buffer.from(xml).toString('base64') }), { accept }),
      );
      expect(response.status).toBe(403);
      const text = await response.text();
      expect(text).toContain('idp_error');
      expect(text).not.toContain('555-0100');
    }
  });

  it("what an IdP's answer failed on (parser text, document values) goes to onError, not to the visitor", async () => {
    const keys = await makeCertificate('idp.example.com');
    const seen: unknown[] = [];
    const { sso, storage } = testSso(BASE, { onError: (error) => void seen.push(error) });
    const connection = await storage.connections.create(
      samlConnection(
        '',
        `${BASE}/sso/saml/metadata/z`,
        {},
        {
          idpMetadataXml: undefined,
          idp: {
            entityId: 'https://idp.example.com',
            ssoUrl: 'https://idp.example.com/sso',
            certificates: [keys.certificateBase64],
          },
        },
      ),
    );
    const start = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
    const relay = new URL(start.headers.get('location') as string).searchParams.get('RelayState') as string;
    const document =
      '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><hello-visitor></samlp:Response>';
    const response = await sso.handle(
      acsPost(
        BASE,
        new URLSearchParams({ SAMLResponse: Buffer.from(document).toString('base64'), RelayState: relay }),
        {
          accept: 'application/json',
          cookie: cookiesOf(start).join('; '),
        },
      ),
    );
    expect(response.status).toBe(401);
    const body = await response.json();
    expect(body.error).toBe('saml_invalid');
    expect(body.message).not.toContain('hello-visitor');
    expect(String((seen[0] as Error | undefined)?.message)).toContain('not well-formed');
  });
});
