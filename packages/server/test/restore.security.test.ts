/**
 * Invariant family: restore mode (W&B's LOCAL_RESTORE). While it lasts no SSO login starts or finishes,
 * the temporary password is the only way in, every attempt is audited, wrong guesses are rate-limited
 * before any hashing, and a restore session dies with restore mode. Refusals write nothing.
 */
import { startRestoreMode } from '@ssokit/config';
import type { AuditEvent } from '@ssokit/core';
import { now } from '@ssokit/core';
import { memorySnapshot } from '@ssokit/storage/testkit';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { setCookiePairs } from 'ssokit-test-fixtures/http';
import { describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'https://app.example.com';

async function setup(withRestore = true, clientKey?: (request: Request) => string | undefined) {
  const clock = { ms: Date.parse('2026-12-04T10:00:00Z') };
  const restore = startRestoreMode({ restoreTtlMs: 30 * 60_000, [now]: () => clock.ms });
  const events: AuditEvent[] = [];
  const { sso, storage } = testSso(BASE, {
    ...(withRestore ? { restore, restoreRoles: ['admin', 'owner'] } : {}),
    audit: (e) => void events.push(e),
    ...(clientKey ? { clientKey } : {}),
    [now]: () => clock.ms,
  });
  const connection = await storage.connections.create(
    oidcConnection(
      'https://acme.okta.com/oauth2/default',
      { name: 'Okta', provider: 'okta' },
      { clientId: '0oa1', scopes: ['openid'], additionalScopes: undefined },
    ),
  );
  const post = (password: unknown, headers: Record<string, string> = {}) =>
    sso.handle(
      new Request(`${BASE}/sso/restore`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ password }),
      }),
    );
  const get = (path: string, cookie = '') =>
    sso.handle(new Request(`${BASE}/sso${path}`, { headers: { accept: 'application/json', cookie } }));
  return {
    sso,
    restore,
    storage,
    connection,
    events,
    clock,
    post,
    get,
    snapshot: () => memorySnapshot(storage),
  };
}

const cookieOf = (response: Response) => setCookiePairs(response).join('; ');

describe('restore mode', () => {
  it('refuses every SSO login and lists no providers while it lasts, writing nothing', async () => {
    const { get, sso, connection, snapshot } = await setup();
    const before = snapshot();
    expect(await (await get('/providers')).json()).toEqual([]);
    for (const path of [`/login/${connection.id}`, '/oidc/callback?state=x&code=y']) {
      const response = await get(path);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'sso_disabled' });
    }
    const acs = await sso.handle(
      new Request(`${BASE}/sso/saml/acs`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'SAMLResponse=x&RelayState=y',
      }),
    );
    expect(acs.status).toBe(403);
    expect(snapshot()).toBe(before);
  });

  it('gives the temporary password a session with the restore roles, audited', async () => {
    const { post, get, restore, events, sso } = await setup();
    const response = await post(restore.password);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      session: { user: { id: 'restore' }, roles: ['admin', 'owner'], restore: true, connectionId: 'restore' },
    });
    const cookie = cookieOf(response);
    const session = await sso.getSession(new Request(`${BASE}/`, { headers: { cookie } }));
    expect(session).toMatchObject({ roles: ['admin', 'owner'], restore: true });
    // It ends with restore mode, not with the session's usual lifetime.
    expect(session?.expiresAt.getTime()).toBe(restore.expiresAt.getTime());
    expect(await (await get('/session', cookie)).json()).toMatchObject({ session: { restore: true } });
    expect(events.map((e) => e.type)).toEqual(['restore.login.succeeded']);
  });

  it('also takes an HTML form post and redirects', async () => {
    const { sso, restore } = await setup();
    const response = await sso.handle(
      new Request(`${BASE}/sso/restore`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE },
        body: new URLSearchParams({ password: restore.password }).toString(),
      }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(cookieOf(response)).toContain('sso_session');
  });

  it('refuses a wrong password with no session, audits it, and rate-limits before hashing', async () => {
    const { post, restore, events, clock, snapshot } = await setup();
    const before = snapshot();
    for (let i = 0; i < 5; i++) {
      const response = await post(`wrong-${i}`);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'forbidden' });
      expect(response.headers.getSetCookie().join()).not.toContain('sso_session');
    }
    // The sixth attempt in the minute is refused even with the right password.
    const limited = await post(restore.password);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.getSetCookie().join()).not.toContain('sso_session');
    clock.ms += 61_000;
    expect((await post(restore.password)).status).toBe(200);
    expect(events.map((e) => (e.type === 'restore.login.failed' ? e.code : e.type))).toEqual([
      'forbidden',
      'forbidden',
      'forbidden',
      'forbidden',
      'forbidden',
      'rate_limited',
      'restore.login.succeeded',
    ]);
    expect(snapshot()).toBe(before);
  });

  it('counts attempts sent in parallel: at most five wrong passwords a minute are even checked', async () => {
    const { post, events } = await setup();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(`wrong-${i}`)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 403)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect(events).toHaveLength(20);
  });

  it("keeps limits per client: an attacker's guesses never lock the administrator out (review 1, finding 9)", async () => {
    const { post, restore, events } = await setup(
      true,
      (request) => request.headers.get('x-client') ?? undefined,
    );
    const attacker = await Promise.all(
      Array.from({ length: 30 }, (_, i) => post(`wrong-${i}`, { 'x-client': '203.0.113.9' })),
    );
    expect(attacker.filter((r) => r.status === 429)).toHaveLength(25);
    // The attacker stays limited, with the right password too; the administrator is not.
    expect((await post(restore.password, { 'x-client': '203.0.113.9' })).status).toBe(429);
    const admin = await post(restore.password, { 'x-client': '198.51.100.7' });
    expect(admin.status).toBe(200);
    expect(events.filter((e) => e.type === 'restore.login.succeeded')).toHaveLength(1);
    expect(events).toHaveLength(32);
  });

  it('refuses a post from another origin and malformed bodies', async () => {
    const { post, restore, sso } = await setup();
    const foreign = await post(restore.password, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: 'forbidden' });
    expect(foreign.headers.getSetCookie().join()).not.toContain('sso_session');
    for (const body of ['{', JSON.stringify({ password: 42 }), JSON.stringify({})]) {
      const response = await sso.handle(
        new Request(`${BASE}/sso/restore`, {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/json' },
          body,
        }),
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
    const get = await sso.handle(
      new Request(`${BASE}/sso/restore`, { headers: { accept: 'application/json' } }),
    );
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('ends on time: restore sessions die, the password stops working, SSO comes back', async () => {
    const { post, get, restore, clock, sso, connection } = await setup();
    const cookie = cookieOf(await post(restore.password));
    clock.ms = restore.expiresAt.getTime();
    expect(await sso.getSession(new Request(`${BASE}/`, { headers: { cookie } }))).toBeNull();
    const late = await post(restore.password);
    expect(late.status).toBe(403);
    expect(await late.json()).toMatchObject({ error: 'sso_disabled' });
    expect(await (await get('/providers')).json()).toEqual([
      { id: connection.id, name: 'Okta', protocol: 'oidc', provider: 'okta' },
    ]);
  });

  it('does not exist without the option, and a restore cookie is no session there', async () => {
    const restoring = await setup();
    const cookie = cookieOf(await restoring.post(restoring.restore.password));
    const plain = await setup(false);
    expect((await plain.post('anything')).status).toBe(404);
    // Same secret, no restore mode: the sealed restore session is refused.
    expect(await plain.sso.getSession(new Request(`${BASE}/`, { headers: { cookie } }))).toBeNull();
  });
});
