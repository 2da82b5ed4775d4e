/**
 * The guided forms of the admin API: the descriptions, a connection built from a form's values (checked,
 * never saved; the console saves it through the connection routes), a stored connection as its form with
 * its secrets left out, and the admin API's guards on all three routes.
 */
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
type Sso = ReturnType<typeof testSso>['sso'];
const call = (sso: Sso, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  sso.handle(
    new Request(`${BASE}/sso/admin${path}`, {
      method,
      headers: { origin: BASE, 'content-type': 'application/json', accept: 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
const keycloak = {
  name: 'Keycloak',
  id: 'kc',
  baseUrl: 'http://127.0.0.1:8080',
  realm: 'ssokit-demo',
  'oidc.clientId': 'ssokit-pkce',
  'groupSync.enabled': true,
};

describe('the forms admin API', () => {
  it('GET /admin/forms lists every form and the values to register', async () => {
    const { sso } = testSso(BASE, { authorizeAdmin: () => true });
    const response = await call(sso, 'GET', '/forms');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { forms: { id: string }[]; register: Record<string, string> };
    expect(body.forms.map((form) => form.id)).toEqual(
      expect.arrayContaining(['keycloak-oidc', 'keycloak-saml', 'custom-oidc']),
    );
    expect(body.register).toMatchObject({
      redirectUri: `${BASE}/sso/oidc/callback`,
      acsUrl: `${BASE}/sso/saml/acs`,
      spMetadataUrl: `${BASE}/sso/saml/metadata/{id}`,
      backchannelLogoutUri: `${BASE}/sso/oidc/backchannel-logout/{id}`,
    });
  });

  it('POST /admin/forms/:formId/connection builds the connection without saving it; the console saves it', async () => {
    const { sso, storage } = testSso(BASE, { authorizeAdmin: () => true });
    const built = await call(sso, 'POST', '/forms/keycloak-oidc/connection', { values: keycloak });
    expect(built.status).toBe(200);
    const { connection } = (await built.json()) as { connection: Record<string, unknown> };
    expect(connection).toMatchObject({
      id: 'kc',
      provider: 'keycloak',
      oidc: { issuer: 'http://127.0.0.1:8080/realms/ssokit-demo', clientId: 'ssokit-pkce' },
      groupSync: { enabled: true },
    });
    expect(await storage.connections.list()).toEqual([]);
    expect((await call(sso, 'POST', '/connections', connection)).status).toBe(201);
  });

  it('answers config_invalid with each issue under its form field, the server checks included', async () => {
    const { sso } = testSso(BASE, { authorizeAdmin: () => true, allowPrivateNetworks: false });
    const missing = await call(sso, 'POST', '/forms/entra-oidc/connection', { values: { name: 'Entra' } });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      error: 'config_invalid',
      issues: [
        { path: 'tenant', field: 'tenant', message: 'Directory (tenant) ID is required.' },
        { path: 'oidc.clientId', field: 'oidc.clientId', message: 'Application (client) ID is required.' },
      ],
    });
    // The outbound rule is the server's: its issue on oidc.issuer comes back beside the Keycloak URL.
    const local = await call(sso, 'POST', '/forms/keycloak-oidc/connection', { values: keycloak });
    expect(local.status).toBe(400);
    const { issues } = (await local.json()) as { issues: { path: string; field?: string }[] };
    expect(issues).toEqual([expect.objectContaining({ path: 'baseUrl', field: 'baseUrl' })]);
  });

  it('GET /admin/connections/:id/form gives the edit view, secrets never; its values save back', async () => {
    const { sso, storage } = testSso(BASE, { authorizeAdmin: () => true });
    await storage.connections.create(
      oidcConnection(
        'http://127.0.0.1:8080/realms/ssokit-demo',
        { id: 'kc', groupSync: { enabled: true } },
        { clientSecret: 'shh-secret' },
      ),
    );
    const response = await call(sso, 'GET', '/connections/kc/form');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain('shh-secret');
    const form = JSON.parse(text) as { formId: string; values: Record<string, unknown>; updatedAt: string };
    expect(form).toMatchObject({
      formId: 'keycloak-oidc',
      values: {
        id: 'kc',
        baseUrl: 'http://127.0.0.1:8080',
        realm: 'ssokit-demo',
        'oidc.clientId': 'public-pkce',
        'groupSync.enabled': true,
      },
      secretsSet: ['oidc.clientSecret'],
      updatedAt: expect.any(String),
    });
    const rebuilt = await call(sso, 'POST', '/forms/keycloak-oidc/connection', {
      // Group sync back to its default (off): the PATCH must not keep the stored section.
      values: { ...form.values, name: 'Keycloak (edited)', 'groupSync.enabled': false },
    });
    const { connection } = (await rebuilt.json()) as { connection: Record<string, unknown> };
    const saved = await call(sso, 'PATCH', '/connections/kc', { ...connection, updatedAt: form.updatedAt });
    expect(saved.status).toBe(200);
    // Left out of the form, the secret is kept.
    const stored = await storage.connections.get('kc');
    expect(stored).toMatchObject({ name: 'Keycloak (edited)', oidc: { clientSecret: 'shh-secret' } });
    expect(stored?.groupSync?.enabled ?? false).toBe(false);
  });

  it('refuses unknown forms, other methods and missing connections', async () => {
    const { sso } = testSso(BASE, { authorizeAdmin: () => true });
    expect(await (await call(sso, 'POST', '/forms/nope/connection', { values: {} })).json()).toMatchObject({
      error: 'invalid_request',
    });
    expect((await call(sso, 'GET', '/forms/keycloak-oidc/connection')).status).toBe(405);
    expect((await call(sso, 'POST', '/forms', {})).status).toBe(405);
    expect((await call(sso, 'GET', '/connections/none/form')).status).toBe(404);
    const notObject = await call(sso, 'POST', '/forms/keycloak-oidc/connection', { values: [] });
    expect(await notObject.json()).toMatchObject({ error: 'config_invalid', issues: [{ path: 'values' }] });
  });

  it('refuses a non-admin on every forms route', async () => {
    const { sso, storage } = testSso(BASE, { authorizeAdmin: () => false });
    await storage.connections.create(oidcConnection('http://127.0.0.1:8080/realms/x', { id: 'kc' }));
    for (const [method, path, body] of [
      ['GET', '/forms', undefined],
      ['POST', '/forms/keycloak-oidc/connection', { values: keycloak }],
      ['GET', '/connections/kc/form', undefined],
    ] as const) {
      const response = await call(sso, method, path, body);
      expect(response.status, path).toBe(403);
      expect(await response.json(), path).toMatchObject({ error: 'forbidden', reason: 'admin' });
    }
  });

  it('refuses a cross-site POST', async () => {
    const { sso } = testSso(BASE, { authorizeAdmin: () => true });
    const response = await call(
      sso,
      'POST',
      '/forms/keycloak-oidc/connection',
      { values: keycloak },
      { origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'forbidden', reason: 'origin' });
  });
});
