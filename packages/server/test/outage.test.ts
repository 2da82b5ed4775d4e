/**
 * Outages of the real servers under one instance: Redis or PostgreSQL lost in the middle of a login
 * (through a TCP proxy of the test's own, so the machine's servers keep running for other tests).
 * Every request then fails with `storage_unavailable` (503, `Retry-After`), nothing is half-written,
 * and logins work again as soon as the server is back.
 */
import type { AuditEvent } from '@ssokit/core';
import { composeStorage } from '@ssokit/storage';
import type { Redis } from 'ioredis';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, sessionCookiesOf, setsSession } from 'ssokit-test-fixtures/http';
import { startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSso, type Sso } from '../src/index.ts';
import { SECRET } from './helpers.ts';
import {
  callbackRequest,
  deleteUnder,
  fragileRedisClient,
  keyPrefixFor,
  keysUnder,
  opAnswer,
  pgPool,
  redisClient,
  redisStore,
  sqlStore,
  sqlTables,
  startLogin,
  TcpProxy,
  type TestStorage,
  tablePrefixFor,
  untilReady,
  withCookie,
} from './multi-instance-helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const CALLBACK = `${BASE}/sso/oidc/callback`;

let op: TestOp;
let tables: Awaited<ReturnType<typeof sqlTables>>;
let redisProxy: TcpProxy;
let pgProxy: TcpProxy;
let fragile: Redis;
const redisAdmin = redisClient();
const keyPrefix = keyPrefixFor('outage');
/** Composed: SQL through pgProxy, Redis through redisProxy. */
let composed: { sso: Sso; storage: TestStorage };
/** PostgreSQL alone (transactions and sessions in SQL), through pgProxy. */
let sqlOnly: { sso: Sso; storage: TestStorage };
/** Run (and awaited) when a login has been committed, before its session is written. */
let afterCommit: (() => Promise<void>) | undefined;

const audit = async (event: AuditEvent) => {
  if (event.type === 'login.succeeded' && afterCommit) {
    const run = afterCommit;
    afterCommit = undefined;
    await run();
  }
};

beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK] });
  tables = await sqlTables(tablePrefixFor('outage'));
  redisProxy = await TcpProxy.forRedis();
  pgProxy = await TcpProxy.forPostgres();
  fragile = fragileRedisClient(redisProxy.port);
  fragile.on('error', () => {});
  await untilReady(fragile);
  const options = { baseUrl: BASE, secret: SECRET, allowPrivateNetworks: true, audit };
  const composedStorage = composeStorage(
    await sqlStore(pgPool(pgProxy.port), tables.tablePrefix),
    redisStore(fragile, keyPrefix),
  );
  composed = { storage: composedStorage, sso: createSso({ ...options, storage: composedStorage }) };
  const sqlStorage = await sqlStore(pgPool(pgProxy.port), tables.tablePrefix);
  sqlOnly = { storage: sqlStorage, sso: createSso({ ...options, storage: sqlStorage }) };
}, 30_000);

afterAll(async () => {
  await pgProxy?.restore();
  await redisProxy?.restore();
  await composed?.storage.close();
  await sqlOnly?.storage.close();
  fragile?.disconnect();
  await deleteUnder(redisAdmin, keyPrefix);
  await redisAdmin.quit();
  await tables?.drop();
  await pgProxy?.cut();
  await redisProxy?.cut();
  await op?.close();
});

beforeEach(async () => {
  afterCommit = undefined;
  await pgProxy.restore();
  await redisProxy.restore();
  await untilReady(fragile);
  await tables.empty();
  await deleteUnder(redisAdmin, keyPrefix);
  await sqlOnly.storage.groups.create({ id: 'g-admins', name: 'admins' });
  await sqlOnly.storage.groups.create({ id: 'g-ml', name: 'ml-engineers' });
  await sqlOnly.storage.connections.create(
    oidcConnection(op.issuer, { id: 'op', provider: 'custom', groupSync: { enabled: true } }),
  );
});

/** Cuts Redis for the instance, and waits until its client has noticed. */
async function cutRedis(): Promise<void> {
  await redisProxy.cut();
  while (fragile.status === 'ready') await new Promise((resolve) => setTimeout(resolve, 5));
}

async function restoreRedis(): Promise<void> {
  await redisProxy.restore();
  await untilReady(fragile);
}

/** A 503 `storage_unavailable` with Retry-After that starts no session. */
async function expectUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(await response.json()).toMatchObject({ error: 'storage_unavailable' });
  expect(setsSession(response)).toBe(false);
  expect(cookiesOf(response, 'sso_tx=')).toEqual([]);
}

/** A whole login on `sso`, which must succeed: its session cookie. */
async function login(sso: Sso): Promise<string> {
  const started = await startLogin(sso, BASE, 'op');
  expect(started.response.status).toBe(302);
  const done = await sso.handle(
    callbackRequest(CALLBACK, await opAnswer(started.location, CALLBACK), started.cookie),
  );
  expect(done.status).toBe(303);
  const cookie = sessionCookiesOf(done).join('; ');
  expect((await sso.getSession(withCookie(`${BASE}/`, cookie)))?.user.email).toBe('ada@example.com');
  return cookie;
}

const sessionKeys = async () => (await keysUnder(redisAdmin, keyPrefix)).filter((k) => k.includes(':sess:'));
const nothingWritten = { users: 0, identities: 0, memberships: 0, sessions: 0 };

describe('a Redis outage', () => {
  it('between login start and callback: 503 storage_unavailable, nothing written; logins work again when Redis is back', async () => {
    const { sso } = composed;
    const started = await startLogin(sso, BASE, 'op');
    const params = await opAnswer(started.location, CALLBACK);
    await cutRedis();
    await expectUnavailable(await sso.handle(callbackRequest(CALLBACK, params, started.cookie)));
    // No new login starts meanwhile either (its transaction cannot be stored).
    const refused = await startLogin(sso, BASE, 'op');
    await expectUnavailable(refused.response);
    expect(await tables.rows()).toEqual(nothingWritten);
    await restoreRedis();
    expect(await sessionKeys()).toEqual([]);
    await login(sso);
    expect(await tables.rows()).toMatchObject({ users: 1, identities: 1, memberships: 2 });
    expect(await sessionKeys()).toHaveLength(1);
  });

  it('after the login is committed, before its session is written: 503, no session anywhere, the SQL rows whole', async () => {
    const { sso } = composed;
    const started = await startLogin(sso, BASE, 'op');
    const params = await opAnswer(started.location, CALLBACK);
    afterCommit = cutRedis;
    await expectUnavailable(await sso.handle(callbackRequest(CALLBACK, params, started.cookie)));
    expect(afterCommit).toBeUndefined();
    await restoreRedis();
    // The login's own transaction stands as a whole (user, identity, memberships); no session exists.
    expect(await tables.rows()).toEqual({ users: 1, identities: 1, memberships: 2, sessions: 0 });
    expect(await sessionKeys()).toEqual([]);
    // The next login signs the same user in.
    await login(sso);
    expect(await tables.rows()).toMatchObject({ users: 1, identities: 1, memberships: 2 });
    expect(await sessionKeys()).toHaveLength(1);
  });

  it('with a session open: 503 while Redis is away (not signed out), the same session afterwards', async () => {
    const { sso } = composed;
    const cookie = await login(sso);
    await cutRedis();
    await expectUnavailable(await sso.handle(withCookie(`${BASE}/sso/session`, cookie)));
    await expect(sso.getSession(withCookie(`${BASE}/`, cookie))).rejects.toMatchObject({
      code: 'storage_unavailable',
    });
    await restoreRedis();
    expect((await sso.getSession(withCookie(`${BASE}/`, cookie)))?.user.email).toBe('ada@example.com');
  });
});

describe('a PostgreSQL outage', () => {
  it('between login start and callback (transactions in Redis): 503 storage_unavailable, no rows; logins work again when it is back', async () => {
    const { sso } = composed;
    const started = await startLogin(sso, BASE, 'op');
    const params = await opAnswer(started.location, CALLBACK);
    await pgProxy.cut();
    await expectUnavailable(await sso.handle(callbackRequest(CALLBACK, params, started.cookie)));
    await expectUnavailable((await startLogin(sso, BASE, 'op')).response);
    expect(await tables.rows()).toEqual(nothingWritten);
    await pgProxy.restore();
    await login(sso);
    expect(await tables.rows()).toMatchObject({ users: 1, identities: 1, memberships: 2 });
  });

  it("in the middle of the login's database transaction: rolled back as a whole, 503", async () => {
    const { sso } = composed;
    const started = await startLogin(sso, BASE, 'op');
    const params = await opAnswer(started.location, CALLBACK);
    // The connection drops when the memberships are inserted: identity and user are already written
    // in the same (uncommitted) transaction.
    const cut = pgProxy.cutWhen(`insert into "${tables.tablePrefix}memberships"`);
    await expectUnavailable(await sso.handle(callbackRequest(CALLBACK, params, started.cookie)));
    await cut;
    expect(pgProxy.up).toBe(false);
    expect(await tables.rows()).toEqual(nothingWritten);
    expect(await sessionKeys()).toEqual([]);
    await pgProxy.restore();
    await login(sso);
    expect(await tables.rows()).toMatchObject({ users: 1, identities: 1, memberships: 2 });
  });

  it('with PostgreSQL alone (transactions and sessions in SQL): 503 at the callback and for an open session, nothing written; all works again afterwards', async () => {
    const { sso } = sqlOnly;
    const kept = await login(sso);
    const before = await tables.rows();
    const started = await startLogin(sso, BASE, 'op');
    const params = await opAnswer(started.location, CALLBACK);
    await pgProxy.cut();
    await expectUnavailable(await sso.handle(callbackRequest(CALLBACK, params, started.cookie)));
    await expectUnavailable(await sso.handle(withCookie(`${BASE}/sso/session`, kept)));
    await expectUnavailable((await startLogin(sso, BASE, 'op')).response);
    expect(await tables.rows()).toEqual(before);
    await pgProxy.restore();
    expect((await sso.getSession(withCookie(`${BASE}/`, kept)))?.user.email).toBe('ada@example.com');
    await login(sso);
    expect(await tables.rows()).toEqual({ ...before, sessions: before.sessions + 1 });
  });
});
