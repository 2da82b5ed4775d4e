/**
 * Two `createSso()` instances, A and B (same secret, same baseUrl, each with its own database pool and
 * Redis client), sharing one store on the machine's real servers: what one instance does, the other
 * sees at once. Run on `composeStorage(PostgreSQL, Redis)` and on PostgreSQL alone (transactions,
 * replay cache and sessions in SQL), against a real OP (oidc-provider) and a samlify IdP.
 */
import { randomBytes } from 'node:crypto';
import { composeStorage } from '@ssokit/storage';
import * as samlify from 'samlify';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, sessionCookiesOf, setsSession } from 'ssokit-test-fixtures/http';
import { rsaJwk, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { answerAuthnRequest, redirectBindingIdp, unsolicitedResponse } from 'ssokit-test-fixtures/saml-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSso, type Sso } from '../src/index.ts';
import { acsPost, SECRET } from './helpers.ts';
import {
  callbackRequest,
  deleteUnder,
  JSON_HEADERS,
  keyPrefixFor,
  opAnswer,
  pgPool,
  redisClient,
  redisStore,
  sqlStore,
  sqlTables,
  startLogin,
  type TestStorage,
  tablePrefixFor,
  withCookie,
} from './multi-instance-helpers.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

const BASE = 'http://127.0.0.1:3000';
const CALLBACK = `${BASE}/sso/oidc/callback`;
const SAML_SP = `${BASE}/sso/saml/metadata/saml`;
const PORTAL_SP = `${BASE}/sso/saml/metadata/portal`;

let op: TestOp;
let idp: Awaited<ReturnType<typeof redirectBindingIdp>>;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK] });
  idp = await redirectBindingIdp();
}, 30_000);
afterAll(() => op.close());

const SETUPS = [
  { name: 'composeStorage(PostgreSQL, Redis)', withRedis: true, label: 'mic' },
  { name: 'PostgreSQL alone', withRedis: false, label: 'mis' },
] as const;

describe.each(SETUPS)('two instances on $name', ({ withRedis, label }) => {
  const keyPrefix = keyPrefixFor(`multi-instance-${label}`);
  const redisAdmin = withRedis ? redisClient() : undefined;
  const clients = withRedis ? [redisClient(), redisClient()] : [];
  let tables: Awaited<ReturnType<typeof sqlTables>>;
  let storeA: TestStorage;
  let storeB: TestStorage;
  let a: Sso;
  let b: Sso;

  /** Run (and awaited) when B has committed a login, before it writes the session. */
  let afterCommitOnB: (() => Promise<void>) | undefined;

  async function instance(index: number, options: { jwksCooldownMs?: number } = {}) {
    const sql = await sqlStore(pgPool(), tables.tablePrefix);
    const client = clients[index];
    const storage: TestStorage = client ? composeStorage(sql, redisStore(client, keyPrefix)) : sql;
    const sso = createSso({
      baseUrl: BASE,
      storage,
      secret: SECRET,
      allowPrivateNetworks: true,
      authorizeAdmin: () => 'admin@example.com',
      // An unknown kid is looked up again at once (the default waits 30 s since the last fetch).
      jwks: { cooldownMs: options.jwksCooldownMs ?? 0 },
      audit: async (event) => {
        if (index !== 1 || event.type !== 'login.succeeded' || !afterCommitOnB) return;
        const run = afterCommitOnB;
        afterCommitOnB = undefined;
        await run();
      },
    });
    return { sso, storage };
  }

  beforeAll(async () => {
    tables = await sqlTables(tablePrefixFor(label));
    ({ sso: a, storage: storeA } = await instance(0));
    ({ sso: b, storage: storeB } = await instance(1));
  }, 30_000);

  afterAll(async () => {
    await storeA?.close();
    await storeB?.close();
    for (const client of clients) await client.quit();
    if (redisAdmin) {
      await deleteUnder(redisAdmin, keyPrefix);
      await redisAdmin.quit();
    }
    await tables?.drop();
  });

  beforeEach(async () => {
    afterCommitOnB = undefined;
    await tables.empty();
    if (redisAdmin) await deleteUnder(redisAdmin, keyPrefix);
    await storeA.groups.create({ id: 'g-admins', name: 'admins' });
    await storeA.groups.create({ id: 'g-ml', name: 'ml-engineers' });
    await storeA.connections.create(
      oidcConnection(op.issuer, {
        id: 'op',
        provider: 'custom',
        groupSync: { enabled: true, removeRevoked: true },
      }),
    );
  });

  const sessionsOf = (storage: TestStorage) => {
    if (!storage.sessions) throw new Error('this store keeps no sessions');
    return storage.sessions;
  };

  /** A whole OIDC login of Ada, started on `start` and finished on `finish`: the session cookie. */
  async function oidcLogin(start: Sso, finish: Sso, connectionId = 'op', callback = CALLBACK) {
    const login = await startLogin(start, BASE, connectionId);
    expect(login.response.status).toBe(302);
    const params = await opAnswer(login.location, callback);
    const done = await finish.handle(callbackRequest(callback, params, login.cookie));
    expect(done.status).toBe(303);
    return sessionCookiesOf(done).join('; ');
  }

  const sessionOn = (sso: Sso, cookie: string) => sso.getSession(withCookie(`${BASE}/`, cookie));
  const sessionRoute = async (sso: Sso, cookie: string) =>
    (await (await sso.handle(withCookie(`${BASE}/sso/session`, cookie))).json()).session;

  /** A SAML connection `id` to the samlify IdP, and the SP as the IdP knows it (from A's metadata route). */
  async function samlSetup(id: string, spEntityId: string, saml: Record<string, unknown> = {}) {
    await storeA.connections.create(samlConnection(idp.getMetadata(), spEntityId, { id, name: id }, saml));
    const metadata = await (await a.handle(new Request(`${BASE}/sso/saml/metadata/${id}`))).text();
    return samlify.ServiceProvider({ metadata });
  }

  it('a login begun on A completes on B, and its session works on both (OIDC and SAML)', async () => {
    const login = await startLogin(a, BASE, 'op');
    expect(login.response.status).toBe(302);
    const params = await opAnswer(login.location, CALLBACK);
    const done = await b.handle(callbackRequest(CALLBACK, params, login.cookie));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/projects');
    const cookie = sessionCookiesOf(done).join('; ');
    expect(cookie).toMatch(/^sso_session=/);
    for (const sso of [a, b]) {
      const session = await sessionOn(sso, cookie);
      expect(session).toMatchObject({ user: { email: 'ada@example.com' }, connectionId: 'op' });
      expect(session?.groups.slice().sort()).toEqual(['admins', 'ml-engineers']);
      expect((await sessionRoute(sso, cookie)).user.email).toBe('ada@example.com');
    }
    expect(await tables.count('users')).toBe(1);
    expect(await tables.count('memberships')).toBe(2);

    // SAML the other way round: AuthnRequest from B, response posted to A's ACS.
    const sp = await samlSetup('saml', SAML_SP);
    const started = await b.handle(new Request(`${BASE}/sso/login/saml?returnTo=/models`));
    expect(started.status).toBe(302);
    const form = await answerAuthnRequest(idp, sp, new URL(started.headers.get('location') as string), {
      email: 'grace@example.com',
    });
    const acs = await a.handle(acsPost(BASE, form, { cookie: cookiesOf(started).join('; ') }));
    expect(acs.status).toBe(303);
    expect(acs.headers.get('location')).toBe('/models');
    const samlCookie = sessionCookiesOf(acs).join('; ');
    for (const sso of [a, b]) expect((await sessionOn(sso, samlCookie))?.connectionId).toBe('saml');
    expect(await tables.count('users')).toBe(2);
  });

  it('one OIDC callback replayed concurrently on A and B logs in exactly once', async () => {
    const login = await startLogin(a, BASE, 'op');
    const params = await opAnswer(login.location, CALLBACK);
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? a : b).handle(callbackRequest(CALLBACK, params, login.cookie)),
      ),
    );
    const winners = responses.filter((r) => r.status === 303);
    expect(winners).toHaveLength(1);
    expect(responses.filter(setsSession)).toHaveLength(1);
    for (const loser of responses.filter((r) => r.status !== 303)) {
      expect(loser.status).toBe(400);
      expect(await loser.json()).toMatchObject({ error: 'transaction_expired' });
    }
    expect(await tables.count('users')).toBe(1);
    expect(await tables.count('identities')).toBe(1);
    const user = await storeB.users.findByEmail('ada@example.com');
    expect(await sessionsOf(storeB).list({ userId: user?.id as string })).toHaveLength(1);
    const cookie = sessionCookiesOf(winners[0] as Response).join('; ');
    expect((await sessionOn(a, cookie))?.user.id).toBe(user?.id);
    expect((await sessionOn(b, cookie))?.user.id).toBe(user?.id);
  });

  it('a SAML response accepted by A is refused by B: its transaction is taken, its assertion id is known', async () => {
    const sp = await samlSetup('saml', SAML_SP);
    const started = await a.handle(new Request(`${BASE}/sso/login/saml`));
    const cookie = cookiesOf(started).join('; ');
    const form = await answerAuthnRequest(idp, sp, new URL(started.headers.get('location') as string), {
      email: 'grace@example.com',
    });
    const post = (sso: Sso, body: URLSearchParams, withTx: string) =>
      sso.handle(acsPost(BASE, body, { ...JSON_HEADERS, cookie: withTx }));
    expect((await post(a, form, cookie)).status).toBe(303);
    const replay = await post(b, form, cookie);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'transaction_expired' });
    expect(setsSession(replay)).toBe(false);
    // The same response bound to a login started on B: it answers another AuthnRequest.
    const other = await b.handle(new Request(`${BASE}/sso/login/saml`));
    const relay = new URL(other.headers.get('location') as string).searchParams.get('RelayState') as string;
    const rebound = new URLSearchParams({
      SAMLResponse: form.get('SAMLResponse') as string,
      RelayState: relay,
    });
    const crossed = await post(b, rebound, cookiesOf(other).join('; '));
    expect(crossed.status).toBe(401);
    expect(await crossed.json()).toMatchObject({ error: 'saml_invalid' });
    expect(setsSession(crossed)).toBe(false);
    expect(await tables.count('users')).toBe(1);
    const [user] = await tables.userIds();
    expect(await sessionsOf(storeB).list({ userId: user as string })).toHaveLength(1);
  });

  it('an IdP-initiated assertion accepted by A is refused by B with saml_replay (the replay cache is shared), and one posted to both at once logs in once', async () => {
    await samlSetup('portal', PORTAL_SP, { allowIdpInitiated: true });
    const post = (sso: Sso, samlResponse: string) =>
      sso.handle(
        acsPost(BASE, new URLSearchParams({ SAMLResponse: samlResponse, RelayState: '/home' }), JSON_HEADERS),
      );
    const response = await unsolicited();
    const first = await post(a, response);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/home');
    const again = await post(b, response);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: 'saml_replay' });
    expect(setsSession(again)).toBe(false);
    const [user] = await tables.userIds();
    expect(await sessionsOf(storeA).list({ userId: user as string })).toHaveLength(1);

    const racing = await unsolicited();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => post(i % 2 === 0 ? a : b, racing)));
    expect(answers.filter((r) => r.status === 303)).toHaveLength(1);
    for (const refused of answers.filter((r) => r.status !== 303)) {
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: 'saml_replay' });
    }
    expect(await tables.count('users')).toBe(1);
    expect(await sessionsOf(storeB).list({ userId: user as string })).toHaveLength(2);
  });

  it('a connection deactivated through A refuses logins on B at once, and its sessions are gone on B', async () => {
    const cookie = await oidcLogin(b, b);
    expect(await sessionOn(b, cookie)).not.toBeNull();
    // A login of another browser, begun on B before the change and finished on B after it.
    const pending = await startLogin(b, BASE, 'op');
    const params = await opAnswer(pending.location, CALLBACK);

    const patched = await a.handle(
      new Request(`${BASE}/sso/admin/connections/op`, {
        method: 'PATCH',
        headers: { ...JSON_HEADERS, 'content-type': 'application/json', origin: BASE },
        body: JSON.stringify({ active: false }),
      }),
    );
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: 'op', active: false });

    const refused = await startLogin(b, BASE, 'op');
    expect(refused.response.status).toBe(403);
    expect(await refused.response.json()).toMatchObject({ error: 'connection_inactive' });
    const late = await b.handle(callbackRequest(CALLBACK, params, pending.cookie));
    expect(late.status).toBe(403);
    expect(await late.json()).toMatchObject({ error: 'connection_inactive' });
    expect(setsSession(late)).toBe(false);
    expect(await (await b.handle(new Request(`${BASE}/sso/providers`))).json()).toEqual([]);

    expect(await sessionOn(b, cookie)).toBeNull();
    expect(await sessionRoute(b, cookie)).toBeNull();
    expect(await sessionsOf(storeB).list({ connectionId: 'op' })).toEqual([]);
    const listed = await b.handle(
      new Request(`${BASE}/sso/admin/sessions?connectionId=op`, { headers: JSON_HEADERS }),
    );
    expect(await listed.json()).toEqual([]);
    expect(await tables.count('users')).toBe(1);
  });

  // The deactivation's revocation runs before B writes the session; finishLogin reads the connection
  // again once the session exists and ends it, so whichever runs last sees the other.
  it('a connection deactivated through A while a login on B is finishing leaves no session of it on B', async () => {
    const started = await startLogin(b, BASE, 'op');
    const params = await opAnswer(started.location, CALLBACK);
    // B has checked the connection (active) and committed the login; A deactivates it now, before
    // B writes the session.
    afterCommitOnB = async () => {
      const patched = await a.handle(
        new Request(`${BASE}/sso/admin/connections/op`, {
          method: 'PATCH',
          headers: { ...JSON_HEADERS, 'content-type': 'application/json', origin: BASE },
          body: JSON.stringify({ active: false }),
        }),
      );
      expect(patched.status).toBe(200);
    };
    const done = await b.handle(callbackRequest(CALLBACK, params, started.cookie));
    expect(afterCommitOnB).toBeUndefined();
    expect(done.status).toBe(403);
    const cookie = sessionCookiesOf(done).join('; ');
    expect(await sessionsOf(storeB).list({ connectionId: 'op' })).toEqual([]);
    expect(cookie === '' ? null : await sessionOn(b, cookie)).toBeNull();
    expect(cookie === '' ? null : await sessionOn(a, cookie)).toBeNull();
  });

  it('a session revoked on A (revokeSessions, the admin API) or logged out on A is gone on B', async () => {
    const user = async () => (await storeA.users.findByEmail('ada@example.com'))?.id as string;
    // sso.revokeSessions on A.
    const first = await oidcLogin(a, b);
    expect(await sessionOn(b, first)).not.toBeNull();
    expect(await a.revokeSessions({ userId: await user() })).toBe(1);
    expect(await sessionOn(b, first)).toBeNull();
    expect(await sessionRoute(b, first)).toBeNull();

    // POST /sso/admin/sessions/revoke on A.
    const second = await oidcLogin(b, b);
    expect(await sessionOn(b, second)).not.toBeNull();
    const revoked = await a.handle(
      new Request(`${BASE}/sso/admin/sessions/revoke`, {
        method: 'POST',
        headers: { ...JSON_HEADERS, 'content-type': 'application/json', origin: BASE },
        body: JSON.stringify({ userId: await user() }),
      }),
    );
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ revoked: 1 });
    expect(await sessionOn(b, second)).toBeNull();

    // A logout on A: a copy of that cookie is worth nothing on B; the user's other session stays.
    const third = await oidcLogin(b, b);
    const otherBrowser = await oidcLogin(a, a);
    const logout = await a.handle(withCookie(`${BASE}/sso/logout`, third, { method: 'POST' }));
    expect(logout.status).toBe(200);
    expect(await logout.json()).toMatchObject({ loggedOut: true });
    expect(await sessionOn(b, third)).toBeNull();
    expect(await sessionRoute(b, third)).toBeNull();
    const copy = await b.handle(withCookie(`${BASE}/sso/logout`, third, { method: 'POST' }));
    expect(await copy.json()).toEqual({ loggedOut: true, idpLogoutUrl: null });
    expect((await sessionOn(b, otherBrowser))?.user.id).toBe(await user());
    expect(await sessionsOf(storeB).list({ userId: await user() })).toHaveLength(1);
  });

  it('a key rotation at the OP seen by A does not break B: each refetches the key set on the new kid', async () => {
    const k1 = rsaJwk(`k1-${randomBytes(4).toString('hex')}`);
    const k2 = rsaJwk(`k2-${randomBytes(4).toString('hex')}`);
    let rotating = await startProvider({ redirectUris: [CALLBACK], keys: [k1] });
    const port = rotating.port;
    try {
      await storeA.connections.create(
        oidcConnection(rotating.issuer, { id: 'rot', name: 'Rotating OP', provider: 'custom' }),
      );
      const kidOf = async (sso: Sso, cookie: string) => {
        // The ID token the session keeps goes to the OP as id_token_hint: its header names the key.
        const logout = await sso.handle(withCookie(`${BASE}/sso/logout`, cookie, { method: 'POST' }));
        const hint = new URL((await logout.json()).idpLogoutUrl).searchParams.get('id_token_hint') as string;
        return JSON.parse(Buffer.from(hint.split('.')[0] as string, 'base64url').toString()).kid;
      };
      // Both instances have k1 cached.
      expect(await kidOf(a, await oidcLogin(a, a, 'rot'))).toBe(k1.kid);
      expect(await kidOf(b, await oidcLogin(b, b, 'rot'))).toBe(k1.kid);
      // The OP now signs with k2 (k1 still published for tokens already issued).
      await rotating.close();
      rotating = await startProvider({ port, redirectUris: [CALLBACK], keys: [k2, k1] });
      expect(await kidOf(a, await oidcLogin(a, a, 'rot'))).toBe(k2.kid);
      expect(await kidOf(b, await oidcLogin(a, b, 'rot'))).toBe(k2.kid);
      expect(await kidOf(a, await oidcLogin(b, a, 'rot'))).toBe(k2.kid);
      // k1 retired: both instances keep logging in.
      await rotating.close();
      rotating = await startProvider({ port, redirectUris: [CALLBACK], keys: [k2] });
      expect(await kidOf(b, await oidcLogin(b, b, 'rot'))).toBe(k2.kid);
      expect(await kidOf(a, await oidcLogin(a, a, 'rot'))).toBe(k2.kid);
    } finally {
      await rotating.close();
    }
  });
});

/** A signed response as an IdP portal sends it (no AuthnRequest, so no InResponseTo), for PORTAL_SP. */
const unsolicited = () => unsolicitedResponse(idp, { spEntityId: PORTAL_SP, acsUrl: `${BASE}/sso/saml/acs` });
