/**
 * Invariant family: a session is only what the server says it is. With server-side sessions the
 * cookie holds a random token and nothing else (`__Host-` on https), stored only as its hash; a
 * forged or stale token finds nothing; a login replaces the browser's previous session; sessions end
 * on logout, idleness, revocation and a removed or deactivated connection, on the server, so a copy of
 * the cookie dies too. With cookie sessions (no session store) the cookie carries no ID token and
 * stays small. In both modes the Cookie header stays under 8 KB for a user in 400 groups of ~40
 * characters and for an Entra user in 200 groups sent as object ids. Security review 1, findings 6
 * and 10.
 */
import { createHash } from 'node:crypto';
import { startRestoreMode } from '@ssokit/config';
import { type AuditEvent, now, SsoError } from '@ssokit/core';
import { memoryStorage, type SsoStorage } from '@ssokit/storage';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { sessionCookiesOf, sessionSetCookies } from 'ssokit-test-fixtures/http';
import { entraGroupId, startProvider, type TestOp, users } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSso, type SsoOptions } from '../src/index.ts';
import { createSessionCodec } from '../src/session.ts';
import { oidcLogin, SECRET } from './helpers.ts';

const BASE = 'https://app.example.com';
const CALLBACK = `${BASE}/sso/oidc/callback`;
const SAME_SITE = { origin: BASE, 'sec-fetch-site': 'same-origin' };
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK] });
});
afterAll(() => op.close());

async function app(options: Partial<SsoOptions> = {}, storage: SsoStorage = memoryStorage()) {
  const audit: AuditEvent[] = [];
  const sso = createSso({
    baseUrl: BASE,
    storage,
    secret: SECRET,
    allowPrivateNetworks: true,
    authorizeAdmin: () => 'root',
    audit: (event) => void audit.push(event),
    ...options,
  });
  await storage.connections.create(
    oidcConnection(
      op.issuer,
      { id: 'op', provider: 'custom', groupSync: { enabled: true } },
      { additionalScopes: ['groups'] },
    ),
  );
  return { sso, storage, audit };
}

/** A login as `user` at the OP; `cookie` is sent to the callback (a browser's earlier session). */
async function login(sso: ReturnType<typeof createSso>, user: keyof typeof users = 'ada', cookie = '') {
  op.nextUser = user;
  try {
    const done = await oidcLogin(sso, BASE, 'op', cookie);
    expect(done.response.status).toBe(303);
    return done;
  } finally {
    op.nextUser = 'ada';
  }
}

const sessionOf = async (sso: ReturnType<typeof createSso>, cookie: string) =>
  (await (await sso.handle(new Request(`${BASE}/sso/session`, { headers: { cookie } }))).json()).session;

describe('server-side sessions: the cookie', () => {
  it('holds a random token, __Host- prefixed, HttpOnly, Secure, SameSite=Lax, stored only as its hash', async () => {
    const { sso, storage } = await app();
    const { response, cookie } = await login(sso);
    const [set] = sessionSetCookies(response);
    expect(set).toMatch(
      /^__Host-sso_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(set).not.toMatch(/Domain=/i);
    const token = cookie.split('=')[1] as string;
    const sessions = await storage.sessions?.list({ connectionId: 'op' });
    expect(sessions?.map((s) => s.id)).toEqual([createHash('sha256').update(token).digest('base64url')]);
    expect(JSON.stringify(sessions)).not.toContain(token);
    // What IdP logout needs stays on the server: the ID token is in the record, not in the cookie.
    expect(((sessions?.[0]?.data ?? {}) as { idToken?: string }).idToken).toMatch(/^ey/);
  });

  it('finds nothing for a forged, truncated, padded or foreign token, and writes nothing', async () => {
    const { sso, storage } = await app();
    const { cookie } = await login(sso);
    const token = cookie.split('=')[1] as string;
    const forged = [
      `__Host-sso_session=${'A'.repeat(43)}`,
      `__Host-sso_session=${token.slice(0, 42)}`,
      `__Host-sso_session=${token}A`,
      `__Host-sso_session=${token.toUpperCase()}`,
      `sso_session=${token}`, // the http name, on an https site
      `__Host-sso_session.0=${token}`,
      `__Host-sso_session=${'x'.repeat(100_000)}`,
    ];
    for (const c of forged) expect(await sessionOf(sso, c)).toBeNull();
    expect(await storage.sessions?.list({ connectionId: 'op' })).toHaveLength(1);
  });

  it("replaces the browser's previous session at login, so an id planted before login is worth nothing after", async () => {
    const { sso } = await app();
    const first = await login(sso);
    const second = await login(sso, 'grace', first.cookie);
    expect(await sessionOf(sso, first.cookie)).toBeNull();
    expect((await sessionOf(sso, second.cookie)).user.email).toBe('grace@example.com');
  });
});

describe('server-side sessions: ending them', () => {
  it('ends after sessionIdleTimeoutSec without a request, and a request moves the idle expiry', async () => {
    const clock = { ms: Date.parse('2026-12-07T10:00:00Z') };
    const restore = startRestoreMode({ restoreTtlMs: 6 * 3600_000, [now]: () => clock.ms });
    const storage = memoryStorage({ [now]: () => clock.ms });
    const sso = createSso({
      baseUrl: BASE,
      storage,
      secret: SECRET,
      restore,
      sessionIdleTimeoutSec: 1800,
      [now]: () => clock.ms,
    });
    const signIn = async () => {
      const r = await sso.handle(
        new Request(`${BASE}/sso/restore`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...SAME_SITE },
          body: JSON.stringify({ password: restore.password }),
        }),
      );
      return sessionCookiesOf(r).join('; ');
    };
    const active = await signIn();
    const idle = await signIn();
    for (let minute = 0; minute < 120; minute += 20) {
      clock.ms += 20 * 60_000;
      expect(await sessionOf(sso, active), `after ${minute + 20} minutes`).not.toBeNull();
    }
    expect(await sessionOf(sso, idle)).toBeNull();
  });

  it('touches the idle expiry at most once a minute, and not at all once it reaches the absolute expiry', async () => {
    const clock = { ms: Date.parse('2026-12-07T10:00:00Z') };
    const restore = startRestoreMode({ restoreTtlMs: 6 * 3600_000, [now]: () => clock.ms });
    const storage = memoryStorage({ [now]: () => clock.ms });
    const sessions = storage.sessions as NonNullable<typeof storage.sessions>;
    let touches = 0;
    const touch = sessions.touch.bind(sessions);
    sessions.touch = (id, at) => {
      touches += 1;
      return touch(id, at);
    };
    const sso = createSso({
      baseUrl: BASE,
      storage,
      secret: SECRET,
      restore,
      sessionTtlSec: 3600,
      sessionIdleTimeoutSec: 1800,
      [now]: () => clock.ms,
    });
    const r = await sso.handle(
      new Request(`${BASE}/sso/restore`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...SAME_SITE },
        body: JSON.stringify({ password: restore.password }),
      }),
    );
    const cookie = sessionCookiesOf(r).join('; ');
    // Ten requests within a minute: no touch.
    for (let i = 0; i < 10; i++) {
      clock.ms += 5000;
      await sessionOf(sso, cookie);
    }
    expect(touches).toBe(0);
    // Past the first minute: one touch for the next request.
    clock.ms += 60_000;
    await sessionOf(sso, cookie);
    await sessionOf(sso, cookie);
    expect(touches).toBe(1);
    // In the last half hour the idle expiry reaches the absolute one (11:00) and stays there: one
    // touch gets it there, then requests touch nothing.
    clock.ms = Date.parse('2026-12-07T10:25:00Z');
    await sessionOf(sso, cookie);
    clock.ms = Date.parse('2026-12-07T10:40:00Z');
    const before = touches;
    for (let i = 0; i < 10; i++) {
      clock.ms += 30_000;
      expect(await sessionOf(sso, cookie)).not.toBeNull();
    }
    expect(touches - before).toBeLessThanOrEqual(1);
    clock.ms = Date.parse('2026-12-07T11:00:01Z');
    expect(await sessionOf(sso, cookie)).toBeNull();
  });

  it('ends, not hides, the sessions of a disabled user: enabling the user again brings none back', async () => {
    const { sso, storage } = await app();
    const { cookie } = await login(sso);
    const userId = (await sessionOf(sso, cookie)).user.id;
    await storage.users.update(userId, { status: 'disabled' });
    expect(await sessionOf(sso, cookie)).toBeNull();
    await storage.users.update(userId, { status: 'active' });
    expect(await sessionOf(sso, cookie)).toBeNull();
    expect(await storage.sessions?.list({ userId })).toEqual([]);
  });

  it('keeps a connection whose sessions could not be ended, so the admin can retry', async () => {
    const { sso, storage } = await app();
    const { cookie } = await login(sso);
    const sessions = storage.sessions as NonNullable<typeof storage.sessions>;
    const revoke = sessions.revoke.bind(sessions);
    let failures = 1;
    sessions.revoke = async (filter) => {
      if (failures-- > 0) throw new SsoError('storage_unavailable', 'The store is down.');
      return revoke(filter);
    };
    const remove = () =>
      sso.handle(new Request(`${BASE}/sso/admin/connections/op`, { method: 'DELETE', headers: SAME_SITE }));
    expect((await remove()).status).toBe(503);
    expect(await storage.connections.get('op')).not.toBeNull();
    expect((await remove()).status).toBe(204);
    expect(await storage.connections.get('op')).toBeNull();
    expect(await sessionOf(sso, cookie)).toBeNull();
  });

  it("ends a connection's sessions when an admin deletes or deactivates it, audited", async () => {
    for (const change of ['delete', 'deactivate'] as const) {
      const { sso, audit } = await app();
      const { cookie } = await login(sso);
      const c = await sso.connections.get('op');
      const response = await sso.handle(
        new Request(`${BASE}/sso/admin/connections/op`, {
          method: change === 'delete' ? 'DELETE' : 'PATCH',
          headers: { 'content-type': 'application/json', ...SAME_SITE },
          ...(change === 'deactivate'
            ? { body: JSON.stringify({ active: false, updatedAt: c?.updatedAt }) }
            : {}),
        }),
      );
      expect(response.status).toBeLessThan(300);
      expect(await sessionOf(sso, cookie)).toBeNull();
      expect(audit.filter((e) => e.type === 'sessions.revoked')).toEqual([
        expect.objectContaining({
          reason: change === 'delete' ? 'connection_deleted' : 'connection_deactivated',
          count: 1,
          actor: 'root',
        }),
      ]);
    }
  });

  it('revokes by user or by connection and subject, on demand, and refuses a filter naming no one', async () => {
    const { sso } = await app();
    const ada = await login(sso);
    const grace = await login(sso, 'grace');
    expect(await sso.revokeSessions({ connectionId: 'op', subject: 'nobody' })).toBe(0);
    expect(await sso.revokeSessions({ connectionId: 'op', subject: users.ada?.sub as string })).toBe(1);
    expect(await sessionOf(sso, ada.cookie)).toBeNull();
    expect(await sessionOf(sso, grace.cookie)).not.toBeNull();
    const graceId = (await sessionOf(sso, grace.cookie)).user.id;
    await expect(sso.revokeSessions({} as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(await sso.revokeSessions({ userId: graceId })).toBe(1);
    expect(await sessionOf(sso, grace.cookie)).toBeNull();
  });

  it('the admin API lists sessions without secrets and revokes them; a filter naming no one is a 400', async () => {
    const { sso } = await app();
    const { cookie } = await login(sso);
    const userId = (await sessionOf(sso, cookie)).user.id;
    const listed = await sso.handle(
      new Request(`${BASE}/sso/admin/sessions?userId=${userId}`, { headers: SAME_SITE }),
    );
    const body = await listed.json();
    expect(body).toEqual([
      expect.objectContaining({ userId, connectionId: 'op', roles: [], subject: users.ada?.sub }),
    ]);
    expect(JSON.stringify(body)).not.toMatch(/eyJ|idToken/);
    const revoke = (filter: unknown) =>
      sso.handle(
        new Request(`${BASE}/sso/admin/sessions/revoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...SAME_SITE },
          body: JSON.stringify(filter),
        }),
      );
    for (const bad of [
      {},
      { subject: 'x' },
      { userId: '' },
      { userId, connectionId: 'op' },
      { everyone: true },
      [],
    ]) {
      const refused = await revoke(bad);
      expect(refused.status).toBe(400);
      // An API: JSON whatever the client accepts, with the reason.
      expect(await refused.json()).toMatchObject({ error: 'invalid_request', reason: 'session_filter' });
    }
    expect(await sessionOf(sso, cookie)).not.toBeNull();
    expect(await (await revoke({ userId })).json()).toEqual({ revoked: 1 });
    expect(await sessionOf(sso, cookie)).toBeNull();
    const crossSite = await sso.handle(
      new Request(`${BASE}/sso/admin/sessions/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
        body: JSON.stringify({ userId }),
      }),
    );
    expect(crossSite.status).toBe(403);
  });
});

describe('the optional session cache (sessionCacheMs)', () => {
  it('sees a revocation on another instance within its bound, and a logout or revocation on its own at once', async () => {
    const skew = { ms: 0 };
    const clock = () => Date.now() + skew.ms;
    const storage = memoryStorage({ [now]: clock });
    const { sso: a } = await app({ [now]: clock }, storage);
    const b = createSso({
      baseUrl: BASE,
      storage,
      secret: SECRET,
      allowPrivateNetworks: true,
      sessionCacheMs: 5000,
      [now]: clock,
    });
    const first = await login(a);
    const userId = (await sessionOf(b, first.cookie)).user.id;
    expect(await a.revokeSessions({ userId })).toBe(1);
    // B answers from its cache, for at most sessionCacheMs.
    expect(await b.getSession(new Request(BASE, { headers: { cookie: first.cookie } }))).not.toBeNull();
    skew.ms += 5001;
    expect(await b.getSession(new Request(BASE, { headers: { cookie: first.cookie } }))).toBeNull();

    const second = await login(a);
    expect(await b.getSession(new Request(BASE, { headers: { cookie: second.cookie } }))).not.toBeNull();
    await b.revokeSessions({ userId });
    expect(await b.getSession(new Request(BASE, { headers: { cookie: second.cookie } }))).toBeNull();

    const third = await login(a);
    expect(await b.getSession(new Request(BASE, { headers: { cookie: third.cookie } }))).not.toBeNull();
    await b.handle(
      new Request(`${BASE}/sso/logout?local=1`, { headers: { cookie: third.cookie, ...SAME_SITE } }),
    );
    expect(await b.getSession(new Request(BASE, { headers: { cookie: third.cookie } }))).toBeNull();
  });

  it('is off by default: a revocation elsewhere is seen on the next request', async () => {
    const storage = memoryStorage();
    const { sso: a } = await app({}, storage);
    const b = createSso({ baseUrl: BASE, storage, secret: SECRET, allowPrivateNetworks: true });
    const { cookie } = await login(a);
    const userId = (await sessionOf(b, cookie)).user.id;
    await a.revokeSessions({ userId });
    expect(await sessionOf(b, cookie)).toBeNull();
  });
});

describe('cookie sessions (no session store)', () => {
  it('carry no ID token, cannot be revoked, and say so', async () => {
    const { sso } = await app({ sessionMode: 'cookie' });
    const { cookie } = await login(sso);
    const sealed = cookie
      .split('; ')
      .map((c) => c.slice(c.indexOf('=') + 1))
      .join('');
    const data = await createSessionCodec(SECRET).open(sealed, Math.floor(Date.now() / 1000));
    expect(data?.userId).toBeTruthy();
    expect(data).not.toHaveProperty('idToken');
    await expect(sso.revokeSessions({ userId: data?.userId as string })).rejects.toMatchObject({
      code: 'config_invalid',
    });
    const admin = await sso.handle(
      new Request(`${BASE}/sso/admin/sessions?userId=x`, { headers: SAME_SITE }),
    );
    expect(admin.status).toBe(400);
  });

  it('refuse sessionMode "server" on a store without sessions, naming the fix', () => {
    const { sessions: _s, ...storage } = memoryStorage();
    expect(() => createSso({ baseUrl: BASE, storage, secret: SECRET, sessionMode: 'server' })).toThrow(
      /sessionMode/,
    );
  });
});

describe('the Cookie header stays under 8 KB', () => {
  const cookieHeaderOf = (cookie: string) => `Cookie: ${cookie}`.length;

  for (const mode of ['server', 'cookie'] as const) {
    it(`${mode} sessions: a user in 400 groups of ~40-character names`, async () => {
      const { sso, storage } = await app({ sessionMode: mode });
      for (const name of users.lin?.groups ?? []) await storage.groups.create({ name });
      const { cookie } = await login(sso, 'lin');
      expect(cookieHeaderOf(cookie)).toBeLessThan(8192);
      const session = await sessionOf(sso, cookie);
      if (mode === 'server') {
        expect(session.groups).toHaveLength(400);
        expect(session).not.toHaveProperty('groupsTruncated');
      } else {
        // Past the bound, the cookie keeps what fits and says so; the store has every membership.
        expect(session.groupsTruncated).toBe(true);
        expect(session.groups.join('').length).toBeLessThanOrEqual(2048);
        expect(await storage.memberships.listForUser(session.user.id)).toHaveLength(400);
      }
    });

    it(`${mode} sessions: an Entra user in 200 groups sent as object ids`, async () => {
      const { sso, storage } = await app({ sessionMode: mode });
      const c = await storage.connections.get('op');
      if (c?.protocol !== 'oidc') throw new Error('no connection');
      await storage.connections.update(
        'op',
        { groupSync: { enabled: true, matchBy: 'externalId' } } as never,
        { expectedUpdatedAt: c.updatedAt },
      );
      for (let i = 0; i < 200; i++)
        await storage.groups.create({
          name: `Engineering team ${i} - platform group`,
          externalId: entraGroupId(i),
        });
      const { response, cookie } = await login(sso, 'oid');
      expect(cookieHeaderOf(cookie)).toBeLessThan(8192);
      expect(response.headers.getSetCookie().join('').length).toBeLessThan(8192);
      const session = await sessionOf(sso, cookie);
      expect(session.user.email).toBe('oid@example.com');
      if (mode === 'server') expect(session.groups).toHaveLength(200);
    });
  }
});
