/**
 * Every IdP document in our fixtures starts a real login through createSso: each SAML metadata
 * document (13, from ADFS, Auth0, Entra, Google, Keycloak, Okta, OneLogin and Shibboleth federations)
 * sends an AuthnRequest over the binding it offers (HTTP-Redirect, or HTTP-POST where that is all it
 * has), an aggregate names its IdPs until the connection picks one; each discovery document (10) sends
 * an authorization request to its endpoint. The documents are the vendors' own (test-fixtures/SOURCES.md).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { customFetch } from '@ssokit/core';
import { parseIdpMetadata } from '@ssokit/saml';
import { describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const fixtures = new URL('../../../test-fixtures/', import.meta.url);
const metadataFiles = readdirSync(new URL('idp-metadata/', fixtures)).filter((f) => f.endsWith('.xml'));
const discoveryFiles = readdirSync(new URL('discovery/', fixtures)).filter((f) => f.endsWith('.json'));
const read = (path: string) => readFileSync(new URL(path, fixtures), 'utf8');

/** The entityIDs of the IdPs a metadata document lists (one, or several in an aggregate). */
function idpEntityIds(xml: string): string[] {
  const ids = [...xml.matchAll(/<(?:\w+:)?EntityDescriptor\b[^>]*\bentityID="([^"]+)"/g)].map(
    (m) => m[1] as string,
  );
  return ids.filter((entityId) => {
    try {
      parseIdpMetadata(xml, { entityId });
      return true;
    } catch {
      return false;
    }
  });
}

describe('SAML: every metadata document in the fixtures starts a login', () => {
  it('covers the 13 documents', () => {
    expect(metadataFiles).toHaveLength(13);
  });

  for (const file of metadataFiles) {
    it(file, async () => {
      const xml = read(`idp-metadata/${file}`);
      const { sso, storage } = testSso(BASE);
      const choices = idpEntityIds(xml);
      const aggregate = /<(?:\w+:)?EntitiesDescriptor\b/.test(xml) && choices.length > 1;
      const spEntityId = `${BASE}/sso/saml/metadata/${file}`;
      const connection = await storage.connections.create({
        name: file,
        protocol: 'saml',
        provider: 'custom',
        active: true,
        saml: { idpMetadataXml: xml, spEntityId, ...(aggregate ? {} : {}) },
      } as never);
      if (aggregate) {
        // Several IdPs and none chosen: Test Provider names them, and the login cannot start.
        const report = await sso.testConnection(connection.id);
        expect(report.status).toBe('error');
        expect(JSON.stringify(report.findings)).toContain(choices[0]);
        const refused = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
        expect(refused.status).toBeGreaterThanOrEqual(400);
        await storage.connections.update(
          connection.id,
          { saml: { idpMetadataXml: xml, spEntityId, idpEntityId: choices[0] } } as never,
          { expectedUpdatedAt: (await storage.connections.get(connection.id))?.updatedAt as Date },
        );
      }
      const idp = parseIdpMetadata(xml, aggregate ? { entityId: choices[0] } : {});
      const response = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
      if (idp.sso.redirect) {
        expect(response.status).toBe(302);
        const target = new URL(response.headers.get('location') as string);
        expect(`${target.origin}${target.pathname}`).toBe(
          new URL(idp.sso.redirect).origin + new URL(idp.sso.redirect).pathname,
        );
        expect(target.searchParams.get('SAMLRequest')).toBeTruthy();
        expect(target.searchParams.get('RelayState')).toBeTruthy();
      } else {
        // The IdP offers only HTTP-POST: a page that posts the AuthnRequest, under a strict CSP.
        expect(response.status).toBe(200);
        const html = await response.text();
        expect(html).toContain(`action="${idp.sso.post}"`);
        expect(html).toMatch(/name="SAMLRequest" value="[A-Za-z0-9+/=]+"/);
        const csp = response.headers.get('content-security-policy') ?? '';
        expect(csp).toMatch(/default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'/);
        expect(csp).toContain(`form-action ${new URL(idp.sso.post as string).origin}`);
        expect(csp).not.toContain('unsafe-inline');
        // The hash allows exactly the page's one script.
        const scripts = [...html.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1] as string);
        expect(scripts).toHaveLength(1);
        expect(csp).toContain(
          `'sha256-${createHash('sha256')
            .update(scripts[0] as string)
            .digest('base64')}'`,
        );
      }
    });
  }
});

describe('OIDC: every discovery document in the fixtures starts a login', () => {
  it('covers the 10 documents', () => {
    expect(discoveryFiles).toHaveLength(10);
  });

  for (const file of discoveryFiles) {
    it(file, async () => {
      const doc = JSON.parse(read(`discovery/${file}`)) as Record<string, unknown> & {
        issuer: string;
        authorization_endpoint: string;
      };
      // Entra's multi-tenant documents are served at /common or /organizations, and name a template.
      const template = doc.issuer.includes('{tenantid}');
      const issuer = template
        ? String(doc.authorization_endpoint).replace(/\/oauth2\/v2\.0\/authorize$/, '/v2.0')
        : doc.issuer;
      const served: string[] = [];
      const { sso, storage } = testSso(BASE, {
        [customFetch]: async (url: string) => {
          served.push(url);
          return url === `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
            ? new Response(JSON.stringify(doc), { headers: { 'content-type': 'application/json' } })
            : new Response('not here', { status: 404 });
        },
      });
      const connection = await storage.connections.create({
        name: file,
        protocol: 'oidc',
        provider: 'custom',
        active: true,
        oidc: { issuer, clientId: 'app', ...(template ? { tenants: 'any' } : {}) },
      } as never);
      const response = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
      expect(response.status, await response.clone().text()).toBe(302);
      const target = new URL(response.headers.get('location') as string);
      expect(`${target.origin}${target.pathname}`).toBe(doc.authorization_endpoint);
      expect(target.searchParams.get('client_id')).toBe('app');
      expect(target.searchParams.get('redirect_uri')).toBe(`${BASE}/sso/oidc/callback`);
      expect(target.searchParams.get('state')).toBeTruthy();
      expect(target.searchParams.get('nonce')).toBeTruthy();
      expect(target.searchParams.get('code_challenge_method')).toBe('S256');
      expect(served).toHaveLength(1);
    });
  }
});

describe('SAML: the connection chooses the AuthnRequest binding', () => {
  const bothBindings = read('idp-metadata/okta-1.xml');
  const postOnly = read('idp-metadata/google-1.xml');
  const start = async (xml: string, authnRequestBinding?: 'redirect' | 'post') => {
    const { sso, storage } = testSso(BASE);
    const c = await storage.connections.create({
      name: 'idp',
      protocol: 'saml',
      provider: 'custom',
      active: true,
      saml: {
        idpMetadataXml: xml,
        spEntityId: `${BASE}/sp`,
        ...(authnRequestBinding ? { authnRequestBinding } : {}),
      },
    } as never);
    return { sso, id: c.id, response: await sso.handle(new Request(`${BASE}/sso/login/${c.id}`)) };
  };

  it('HTTP-Redirect by default when offered, HTTP-POST when the connection prefers it', async () => {
    expect((await start(bothBindings)).response.status).toBe(302);
    const post = await start(bothBindings, 'post');
    expect(post.response.status).toBe(200);
    expect(await post.response.text()).toContain(`action="${parseIdpMetadata(bothBindings).sso.post}"`);
  });

  it('refuses a binding the IdP does not offer, and Test Provider says which and what to do', async () => {
    const { sso, id, response } = await start(postOnly, 'redirect');
    expect(response.status).toBe(400);
    const report = await sso.testConnection(id);
    expect(report.findings.find((f) => f.check === 'endpoint.sso')).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/authnRequestBinding.*"redirect".*HTTP-Redirect.*choose "post"/),
    });
  });
});

describe('SAML: aggregate metadata through the admin API', () => {
  it('refuses to save an aggregate without idpEntityId, listing the IdPs to choose from; saves it with one', async () => {
    const xml = read('idp-metadata/shibboleth-2.xml');
    const choices = idpEntityIds(xml);
    expect(choices.length).toBeGreaterThan(1);
    const { sso } = testSso(BASE, { authorizeAdmin: () => true });
    const save = (saml: Record<string, unknown>) =>
      sso.handle(
        new Request(`${BASE}/sso/admin/connections`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: BASE, 'sec-fetch-site': 'same-origin' },
          body: JSON.stringify({
            name: 'Federation',
            protocol: 'saml',
            provider: 'custom',
            active: true,
            saml: { idpMetadataXml: xml, spEntityId: `${BASE}/sp`, ...saml },
          }),
        }),
      );
    const refused = await save({});
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body.error).toBe('config_invalid');
    const issue = body.issues.find((i: { path: string }) => i.path === 'saml.idpEntityId');
    for (const id of choices) expect(issue.message).toContain(id);
    expect((await save({ idpEntityId: 'https://not-in-it.example/idp' })).status).toBe(400);
    const saved = await save({ idpEntityId: choices[1] });
    expect(saved.status).toBe(201);
    const login = await sso.handle(new Request(`${BASE}/sso/login/${(await saved.json()).id}`));
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toContain(
      new URL(parseIdpMetadata(xml, { entityId: choices[1] }).sso.redirect as string).host,
    );
  });
});
