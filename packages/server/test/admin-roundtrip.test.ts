/**
 * The admin API as a form uses it: what `GET /admin/connections/:id` answers can be sent back whole in
 * a PATCH (its read-only fields dropped, the fields that cannot change accepted unchanged), and an
 * app without `authorizeAdmin` says that its admin API is off.
 */
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const call = (sso: ReturnType<typeof testSso>['sso'], method: string, path: string, body?: unknown) =>
  sso.handle(
    new Request(`${BASE}/sso/admin${path}`, {
      method,
      headers: { origin: BASE, 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

describe('the admin API round trip', () => {
  it('takes back what GET answered, with a change; a changed id, protocol or createdAt is still refused', async () => {
    const { sso, storage } = testSso(BASE, { authorizeAdmin: () => true });
    const c = await storage.connections.create(
      oidcConnection('https://sso.example.com/realms/acme', { id: 'kc' }, { clientSecret: 'shh' }),
    );
    const shown = (await (await call(sso, 'GET', `/connections/${c.id}`)).json()) as Record<string, unknown>;
    expect(shown).toHaveProperty('sources');
    expect(shown.secretsSet).toEqual(['oidc.clientSecret']);
    const saved = await call(sso, 'PATCH', `/connections/${c.id}`, { ...shown, name: 'Keycloak (prod)' });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ name: 'Keycloak (prod)', secretsSet: ['oidc.clientSecret'] });
    expect(await storage.connections.get(c.id)).toMatchObject({ oidc: { clientSecret: 'shh' } });
    for (const [key, value] of [
      ['id', 'other'],
      ['protocol', 'saml'],
      ['createdAt', '2020-01-01T00:00:00.000Z'],
    ] as const) {
      const refused = await call(sso, 'PATCH', `/connections/${c.id}`, { [key]: value });
      expect(refused.status, key).toBe(400);
      expect(await refused.json(), key).toMatchObject({
        issues: [{ path: key, message: 'cannot be changed.' }],
      });
    }
  });

  it('an issue of a PATCH names its field, without a line or column of a text nobody wrote', async () => {
    const { sso, storage } = testSso(BASE, { authorizeAdmin: () => true });
    const c = await storage.connections.create(
      oidcConnection('https://sso.example.com/realms/acme', { id: 'kc' }),
    );
    const refused = await call(sso, 'PATCH', `/connections/${c.id}`, {
      oidc: { issuer: 'https://sso.example.com' },
    });
    const body = (await refused.json()) as { issues: Record<string, unknown>[] };
    expect(body.issues[0]).toMatchObject({ path: 'oidc' });
    expect(body.issues[0]).not.toHaveProperty('line');
    expect(JSON.stringify(body)).not.toMatch(/line \d+, column \d+/);
  });
});
