/**
 * A whole OIDC login through sso.handle(): the login route, the real OP (oidc-provider) in between,
 * the callback, completeLogin, the session cookie and getSession(); and the refusals on the way.
 */
import { memoryStorage } from '@ssokit/storage';
import { memoryRawReader } from '@ssokit/storage/testkit';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, sessionCookiesOf } from 'ssokit-test-fixtures/http';
import { browserLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSso } from '../src/index.ts';
import { testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const CALLBACK = `${BASE}/sso/oidc/callback`;
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK] });
});
afterAll(() => op.close());

async function setup(overrides: { active?: boolean; oidc?: Record<string, unknown> } = {}) {
  const { sso, storage } = testSso(BASE, {
    roles: {
      roleDefinitions: [
        { name: 'admins', grantedBy: ['local-op'] },
        { name: 'viewers', grantedBy: ['local-op'] },
      ],
      defaultRole: 'viewers',
    },
  });
  await storage.groups.create({ id: 'g-admins', name: 'admins' });
  await storage.groups.create({ id: 'g-ml', name: 'ml-engineers' });
  const connection = await storage.connections.create(
    oidcConnection(
      op.issuer,
      {
        id: 'local-op',
        provider: 'custom',
        active: overrides.active ?? true,
        groupSync: { enabled: true, removeRevoked: true },
      },
      overrides.oidc,
    ),
  );
  return { storage, sso, connection, raw: memoryRawReader(storage) };
}

async function startLogin(sso: ReturnType<typeof createSso>, id: string, returnTo = '/projects') {
  const response = await sso.handle(
    new Request(`${BASE}/sso/login/${id}?returnTo=${encodeURIComponent(returnTo)}`),
  );
  return { response, cookies: cookiesOf(response), location: response.headers.get('location') as string };
}

describe('an OIDC login through sso.handle', () => {
  it('a connection that gives only its issuer and client id gets the defaults: code flow, PKCE S256, openid profile email', async () => {
    const minimal = {
      flow: undefined,
      pkce: undefined,
      scopes: undefined,
      userInfo: undefined,
      verifySignature: undefined,
    };
    const { sso, connection } = await setup({ oidc: minimal });
    expect(Object.keys(connection.protocol === 'oidc' ? connection.oidc : {}).sort()).toEqual([
      'additionalScopes',
      'clientId',
      'issuer',
    ]);
    const login = await startLogin(sso, connection.id);
    const params = new URL(login.location).searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('scope')).toBe('openid profile email groups');
    const callback = await browserLogin(new URL(login.location), new Map(), CALLBACK);
    const done = await sso.handle(
      new Request(`${CALLBACK}?${callback.params}`, { headers: { cookie: login.cookies.join('; ') } }),
    );
    expect(done.status).toBe(303);
    const report = await sso.testConnection(connection.id);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        check: 'client',
        status: 'ok',
        message: 'Public client, code flow, PKCE S256.',
      }),
    );
  });

  it('logs in: session cookie, redirect to returnTo, user, groups and roles', async () => {
    const { sso, connection, raw, storage } = await setup();
    expect(await (await sso.handle(new Request(`${BASE}/sso/providers`))).json()).toEqual([
      { id: connection.id, name: 'Local OP', protocol: 'oidc', provider: 'custom' },
    ]);
    const login = await startLogin(sso, connection.id);
    expect(login.response.status).toBe(302);
    expect(login.cookies[0]).toMatch(/^sso_tx=/);
    const callback = await browserLogin(new URL(login.location), new Map(), CALLBACK);
    const done = await sso.handle(
      new Request(`${CALLBACK}?${callback.params}`, { headers: { cookie: login.cookies.join('; ') } }),
    );
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/projects');
    const sessionCookies = sessionCookiesOf(done);
    expect(sessionCookies.length).toBeGreaterThan(0);
    const session = await sso.getSession(
      new Request(`${BASE}/`, { headers: { cookie: sessionCookies.join('; ') } }),
    );
    expect(session).toMatchObject({
      user: { email: 'ada@example.com', name: 'Ada Lovelace' },
      roles: ['admins'],
      connectionId: connection.id,
    });
    expect(session?.groups.sort()).toEqual(['admins', 'ml-engineers']);
    expect(await raw.userCount()).toBe(1);
    const [user] = await storage.users.findByEmail('ada@example.com').then((u) => [u]);
    expect((await raw.memberships(user?.id as string)).sort()).toEqual([
      `g-admins|sso:${connection.id}`,
      `g-ml|sso:${connection.id}`,
    ]);
    const viaRoute = await (
      await sso.handle(new Request(`${BASE}/sso/session`, { headers: { cookie: sessionCookies.join('; ') } }))
    ).json();
    expect(viaRoute.session.user.email).toBe('ada@example.com');
    const logout = await sso.handle(
      new Request(`${BASE}/sso/logout`, { headers: { cookie: sessionCookies.join('; ') } }),
    );
    expect(logout.headers.getSetCookie().every((c) => c.includes('Max-Age=0'))).toBe(true);
  });

  it("a session's groups are the memberships after the login: revoked ones gone, added, manual and other connections' kept", async () => {
    const { sso, storage, connection } = await setup();
    const login = async () => {
      const start = await startLogin(sso, connection.id);
      const callback = await browserLogin(new URL(start.location), new Map(), CALLBACK);
      const done = await sso.handle(
        new Request(`${CALLBACK}?${callback.params}`, { headers: { cookie: start.cookies.join('; ') } }),
      );
      return sso.getSession(
        new Request(`${BASE}/`, { headers: { cookie: sessionCookiesOf(done).join('; ') } }),
      );
    };
    const first = await login();
    const userId = first?.user.id as string;
    for (const [id, name] of [
      ['g-old', 'revoked-at-idp'],
      ['g-extra', 'book-club'],
      ['g-other', 'from-saml'],
    ] as const)
      await storage.groups.create({ id, name });
    await storage.memberships.remove({ userId, groupId: 'g-ml', source: `sso:${connection.id}` });
    await storage.memberships.add({ userId, groupId: 'g-old', source: `sso:${connection.id}` });
    await storage.memberships.add({ userId, groupId: 'g-extra', source: 'manual' });
    await storage.memberships.add({ userId, groupId: 'g-other', source: 'sso:another-connection' });
    const second = await login();
    expect(second?.groups.sort()).toEqual(['admins', 'book-club', 'from-saml', 'ml-engineers']);
  });

  it('refuses a callback from another browser (no transaction cookie), and a replayed one; nothing is stored', async () => {
    const { sso, connection, raw } = await setup();
    const login = await startLogin(sso, connection.id);
    const callback = await browserLogin(new URL(login.location), new Map(), CALLBACK);
    const json = { accept: 'application/json' };
    const stranger = await sso.handle(new Request(`${CALLBACK}?${callback.params}`, { headers: json }));
    expect(stranger.status).toBe(400);
    expect(await stranger.json()).toMatchObject({ error: 'invalid_state' });
    const first = await sso.handle(
      new Request(`${CALLBACK}?${callback.params}`, {
        headers: { ...json, cookie: login.cookies.join('; ') },
      }),
    );
    expect(first.status).toBe(303);
    const replay = await sso.handle(
      new Request(`${CALLBACK}?${callback.params}`, {
        headers: { ...json, cookie: login.cookies.join('; ') },
      }),
    );
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'transaction_expired' });
    expect(await raw.userCount()).toBe(1);
  });

  it('refuses an absolute returnTo, an unknown or disabled connection, with their codes and an HTML page for browsers', async () => {
    const { sso, connection, raw } = await setup();
    const evil = await startLogin(sso, connection.id, 'https://evil.example.com/');
    expect(evil.response.status).toBe(400);
    expect(await evil.response.text()).toContain('invalid_return_to');
    expect((await startLogin(sso, connection.id, '//evil.example.com')).response.status).toBe(400);
    expect((await startLogin(sso, 'nope')).response.status).toBe(404);
    const disabled = await setup({ active: false });
    const off = await startLogin(disabled.sso, disabled.connection.id);
    expect(off.response.status).toBe(403);
    expect(off.response.headers.get('content-type')).toContain('text/html');
    expect(await (await disabled.sso.handle(new Request(`${BASE}/sso/providers`))).json()).toEqual([]);
    expect(await raw.userCount()).toBe(0);
  });

  it("checks ID tokens against the connection's idTokenSigningAlgorithms when set", async () => {
    const { sso, connection, raw } = await setup({ oidc: { idTokenSigningAlgorithms: ['ES256'] } });
    const login = await startLogin(sso, connection.id);
    const callback = await browserLogin(new URL(login.location), new Map(), CALLBACK);
    const done = await sso.handle(
      new Request(`${CALLBACK}?${callback.params}`, {
        headers: { cookie: login.cookies.join('; '), accept: 'application/json' },
      }),
    );
    // The OP signs with RS256, which this connection does not accept.
    expect(done.status).toBe(401);
    expect(await done.json()).toMatchObject({ error: 'id_token_invalid' });
    expect(await raw.userCount()).toBe(0);
  });

  it('refuses bad options at construction, listing every problem', () => {
    expect(() =>
      createSso({
        baseUrl: 'http://app.example.com',
        storage: memoryStorage(),
        secret: 'short',
        basePath: 'sso/',
      } as never),
    ).toThrow(
      /baseUrl: must use https[\s\S]*basePath[\s\S]*secret: must be a string of at least 32 characters/,
    );
  });
});
