/**
 * Invariant family: OpenID Connect Front-Channel Logout (Entra ID's logout) ends exactly the app
 * sessions of the IdP session it names, found server-side by (connection, sid) since the IdP's iframe
 * may carry no cookie; it accepts Entra's request without `iss` but refuses an `iss` of another
 * issuer; it may be framed by the IdP only; and the user-facing `/logout` still refuses a cross-site
 * request.
 */
import { type AuditEvent, now } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import { sessionSetCookies } from 'ssokit-test-fixtures/http';
import { describe, expect, it } from 'vitest';
import { createSso } from '../src/index.ts';
import { SECRET } from './helpers.ts';

const BASE = 'https://app.example.com';
const ENTRA = 'https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/v2.0';
/** The Entra connection every test signs out of. */
const ENTRA_CONNECTION = {
  id: 'entra',
  name: 'Entra ID',
  protocol: 'oidc',
  provider: 'entra',
  active: true,
  oidc: { issuer: ENTRA, clientId: 'app' },
} as never;

async function setup() {
  const clock = () => Date.now();
  const storage = memoryStorage({ [now]: clock });
  const audit: AuditEvent[] = [];
  const sso = createSso({
    baseUrl: BASE,
    storage,
    secret: SECRET,
    audit: (e) => void audit.push(e),
    [now]: clock,
  });
  await storage.connections.create(ENTRA_CONNECTION);
  const sessions = storage.sessions as NonNullable<typeof storage.sessions>;
  const at = Date.now();
  const session = (id: string, connectionId: string, idpSessionId: string) =>
    sessions.create({
      id,
      userId: `user-${id}`,
      connectionId,
      subject: `sub-${id}`,
      idpSessionId,
      data: { issuer: ENTRA, roles: [], groups: [], issuedAt: Math.floor(at / 1000) },
      createdAt: new Date(at),
      expiresAt: new Date(at + 3_600_000),
      idleExpiresAt: new Date(at + 3_600_000),
    });
  await session('a', 'entra', 'sid-1');
  await session('b', 'entra', 'sid-2');
  await session('c', 'other', 'sid-1');
  const logout = (query: string, headers: Record<string, string> = {}) =>
    sso.handle(
      new Request(`${BASE}/sso/oidc/frontchannel-logout/entra${query}`, {
        headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'iframe', ...headers },
      }),
    );
  return { sso, sessions, audit, logout };
}

describe('OpenID Connect Front-Channel Logout', () => {
  it("ends the named IdP session's app sessions at that connection only, without a cookie, framed by the IdP only", async () => {
    const { sessions, audit, logout } = await setup();
    const response = await logout('?sid=sid-1');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors https://login.microsoftonline.com",
    );
    expect(response.headers.get('x-frame-options')).toBeNull();
    expect(await sessions.get('a')).toBeNull();
    expect(await sessions.get('b')).not.toBeNull();
    expect(await sessions.get('c')).not.toBeNull();
    expect(audit).toEqual([
      expect.objectContaining({ type: 'sessions.revoked', reason: 'frontchannel_logout', count: 1 }),
    ]);
  });

  it("accepts the spec's iss when it is the connection's issuer, and refuses another, ending nothing", async () => {
    const { sessions, logout } = await setup();
    expect((await logout(`?sid=sid-2&iss=${encodeURIComponent(ENTRA)}`)).status).toBe(200);
    expect(await sessions.get('b')).toBeNull();
    const foreign = await logout(`?sid=sid-1&iss=${encodeURIComponent('https://evil.example/v2.0')}`, {
      accept: 'application/json',
    });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ error: 'invalid_request', reason: 'iss' });
    expect(sessionSetCookies(foreign)).toEqual([]);
    expect(await sessions.get('a')).not.toBeNull();
  });

  it('refuses a request that names no IdP session, or a POST', async () => {
    const { sso, sessions, logout } = await setup();
    for (const query of ['', '?sid=', `?sid=${'x'.repeat(256)}`]) {
      const refused = await logout(query, { accept: 'application/json' });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: 'invalid_request', reason: 'sid' });
    }
    const post = await sso.handle(
      new Request(`${BASE}/sso/oidc/frontchannel-logout/entra?sid=sid-1`, { method: 'POST' }),
    );
    expect(post.status).toBe(405);
    expect(await sessions.get('a')).not.toBeNull();
  });

  it('refuses a repeated sid or iss, and a missing iss at a connection that is not Entra', async () => {
    const { sessions, logout } = await setup();
    for (const query of ['?sid=sid-1&sid=sid-2', `?sid=sid-1&iss=${encodeURIComponent(ENTRA)}&iss=x`]) {
      const refused = await logout(query, { accept: 'application/json' });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: 'invalid_request', reason: 'duplicate_parameter' });
    }
    expect(await sessions.get('a')).not.toBeNull();
    // Only Entra may leave "iss" out: at a Keycloak connection the spec's rule holds.
    const storage = memoryStorage();
    const keycloak = createSso({ baseUrl: BASE, storage, secret: SECRET });
    await storage.connections.create({
      id: 'kc',
      name: 'Keycloak',
      protocol: 'oidc',
      provider: 'keycloak',
      active: true,
      oidc: { issuer: 'https://sso.example.com/realms/acme', clientId: 'app' },
    } as never);
    const noIss = await keycloak.handle(
      new Request(`${BASE}/sso/oidc/frontchannel-logout/kc?sid=s1`, {
        headers: { accept: 'application/json' },
      }),
    );
    expect(noIss.status).toBe(400);
    expect(await noIss.json()).toMatchObject({ error: 'invalid_request', reason: 'iss' });
  });

  it('a logout that ends nothing (a made-up sid) leaves the session cache alone', async () => {
    const clock = () => Date.now();
    const storage = memoryStorage({ [now]: clock });
    let reads = 0;
    const sessionsStore = storage.sessions as NonNullable<typeof storage.sessions>;
    const counted = Object.create(storage, {
      sessions: {
        value: {
          ...sessionsStore,
          get: (id: string) => {
            reads += 1;
            return sessionsStore.get(id);
          },
        },
        enumerable: true,
      },
    });
    const sso = createSso({
      baseUrl: BASE,
      storage: counted,
      secret: SECRET,
      sessionCacheMs: 60_000,
      [now]: clock,
    });
    await storage.connections.create(ENTRA_CONNECTION);
    const user = await storage.users.create({ status: 'active', email: 'ada@example.com' });
    const token = 'A'.repeat(43);
    const { createHash } = await import('node:crypto');
    await sessionsStore.create({
      id: createHash('sha256').update(token).digest('base64url'),
      userId: user.id,
      connectionId: 'entra',
      subject: 'ada',
      idpSessionId: 'real-sid',
      data: { issuer: ENTRA, roles: [], groups: [], issuedAt: Math.floor(clock() / 1000) },
      createdAt: new Date(clock()),
      expiresAt: new Date(clock() + 3_600_000),
      idleExpiresAt: new Date(clock() + 3_600_000),
    });
    const read = () =>
      sso.getSession(new Request(BASE, { headers: { cookie: `__Host-sso_session=${token}` } }));
    expect(await read()).not.toBeNull();
    await read();
    const before = reads;
    for (let i = 0; i < 5; i++)
      await sso.handle(new Request(`${BASE}/sso/oidc/frontchannel-logout/entra?sid=made-up-${i}`));
    await read();
    expect(reads).toBe(before);
  });

  it("at Entra's common endpoint, accepts a tenant's issuer and refuses a look-alike", async () => {
    const storage = memoryStorage();
    const sso = createSso({ baseUrl: BASE, storage, secret: SECRET });
    await storage.connections.create({
      id: 'common',
      name: 'Entra (any tenant)',
      protocol: 'oidc',
      provider: 'entra',
      active: true,
      oidc: { issuer: 'https://login.microsoftonline.com/common/v2.0', clientId: 'app', tenants: 'any' },
    } as never);
    const get = (iss: string) =>
      sso.handle(
        new Request(`${BASE}/sso/oidc/frontchannel-logout/common?sid=s&iss=${encodeURIComponent(iss)}`),
      );
    expect((await get(ENTRA)).status).toBe(200);
    expect(
      (await get('https://login.microsoftonline.com.evil.example/11111111-1111-4111-8111-111111111111/v2.0'))
        .status,
    ).toBe(400);
    expect((await get('https://login.microsoftonline.com/not-a-tenant/v2.0')).status).toBe(400);
  });
});
