import type { LoginCommit, SsoErrorCode } from '@ssokit/core';
import { isSsoError, membershipSource } from '@ssokit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewConnection, SsoStorage } from '../types.ts';
import { loginActivitySuite } from './login-activity.ts';
import type { RawReader } from './raw.ts';
import { roleFileSuite } from './role-file.ts';
import { roleSuite } from './roles.ts';
import { counterSuite, sessionSuite } from './sessions.ts';

/** The families of the suite: what a store may or may not hold. */
type Family =
  | 'connections'
  | 'users'
  | 'transactions'
  | 'replay'
  | 'sessions'
  | 'counters'
  | 'loginActivity'
  | 'roles';

/**
 * A store of only what expires (transactions, the replay cache, and sessions, counters and login
 * activity when it has them), composed over another for the rest (`composeStorage`): Redis,
 * Memcached, a TTL table.
 */
export type ExpiringStorage = Pick<SsoStorage, 'transactions' | 'replay'> &
  Partial<Pick<SsoStorage, 'sessions' | 'counters' | 'loginActivity' | 'close'>>;

/**
 * Options of {@link runStorageConformance}, for a store `S`: a whole store (`SsoStorage`: every
 * family; `raw` a whole {@link RawReader}), or a store of only what expires ({@link ExpiringStorage}:
 * `capabilities` must then turn `connections` and `users` off, and `raw` needs only `hasTransaction`,
 * `hasSession` to check that ended sessions leave the backing store, and `activityCount` to check that
 * login activity is bounded in the backing store).
 */
export type StorageConformanceOptions<S extends ExpiringStorage = SsoStorage> = {
  /** Shown in the suite's title, e.g. `'postgres'`. */
  name: string;
  /** Makes a fresh, empty store for each test (drop and recreate the tables, flush the keyspace). */
  create: () => S | Promise<S>;
  /** The raw reader for a store `create` made. */
  raw: (
    storage: S,
  ) => S extends SsoStorage ? RawReader : Pick<RawReader, 'hasTransaction' | 'hasSession' | 'activityCount'>;
  /** Called after each test with the store, before `storage.close()`. */
  cleanup?: (storage: S) => void | Promise<void>;
  /** How many concurrent callers the race tests use. Default: 8. */
  concurrency?: number;
} & (S extends SsoStorage
  ? {
      /**
       * Which families to run. A store without server-side sessions, shared counters or login
       * activity sets `sessions: false`, `counters: false` or `loginActivity: false` (the server then
       * seals sessions into cookies, counts per instance, records no login activity); one without a
       * role store sets `roles: false`. Default: all `true`.
       */
      capabilities?: Partial<Record<Family, boolean>>;
    }
  : {
      /**
       * `connections` and `users` off (the store has neither); `roles` defaults to off too (what
       * expires holds no roles); the others default to `true`.
       */
      capabilities: { connections: false; users: false } & Partial<Record<Family, boolean>>;
    });

/**
 * Registers the storage conformance suite with Vitest. An adapter's whole test can be one call. The
 * suite checks what reached the backing store through `raw`, including races: of concurrent takes of
 * one transaction exactly one wins; of concurrent creates of one name exactly one succeeds and the
 * others get `connection_name_taken`; expiry is honoured.
 *
 * @example
 * ```ts
 * // my-adapter.test.ts
 * import { runStorageConformance } from '@ssokit/storage/testkit';
 * import { myStorage, myRawReader, resetDatabase } from './my-adapter.ts';
 *
 * runStorageConformance({
 *   name: 'my-adapter',
 *   create: async () => { await resetDatabase(); return myStorage(pool); },
 *   raw: (storage) => myRawReader(pool),
 * });
 * ```
 */
export function runStorageConformance<S extends ExpiringStorage>(
  options: StorageConformanceOptions<S>,
): void {
  const chosen = options.capabilities as Partial<Record<Family, boolean>> | undefined;
  const caps: Record<Family, boolean> = {
    connections: true,
    users: true,
    transactions: true,
    replay: true,
    sessions: true,
    counters: true,
    loginActivity: true,
    ...chosen,
    // Roles are durable: a store without connections (one of only what expires) has none unless it says so.
    roles: chosen?.roles ?? chosen?.connections ?? true,
  };
  const n = options.concurrency ?? 8;
  // The families that run use only what the chosen options' types promise (an expiring store is never
  // asked for connections or users), so one view of both shapes serves every suite.
  const given = options as unknown as {
    create: () => SsoStorage | Promise<SsoStorage>;
    raw: (storage: SsoStorage) => RawReader;
    cleanup?: (storage: SsoStorage) => void | Promise<void>;
  };
  let storage: SsoStorage;
  let raw: RawReader;

  describe(`storage conformance: ${options.name}`, () => {
    beforeEach(async () => {
      storage = await given.create();
      raw = given.raw(storage);
    });
    afterEach(async () => {
      await given.cleanup?.(storage);
      await storage.close?.();
    });

    if (caps.connections) connectionSuite(() => ({ storage, raw }), n);
    if (caps.users) userSuite(() => ({ storage, raw }), n);
    if (caps.transactions) transactionSuite(() => ({ storage, raw }), n);
    if (caps.replay) replaySuite(() => ({ storage }), n);
    if (caps.sessions) sessionSuite(() => ({ storage, raw }), n);
    if (caps.counters) counterSuite(() => ({ storage }), n);
    if (caps.loginActivity) loginActivitySuite(() => ({ storage, raw }), n);
    if (caps.roles) {
      roleSuite(() => ({ storage, raw }), n);
      roleFileSuite(() => ({ storage, raw }), n);
    }
  });
}

type Ctx = () => { storage: SsoStorage; raw: RawReader };

async function expectCode(promise: Promise<unknown>, code: SsoErrorCode): Promise<void> {
  const outcome = await promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  expect(isSsoError(outcome), `expected an SsoError with code ${code}, got ${String(outcome)}`).toBe(true);
  expect((outcome as { code: string }).code).toBe(code);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function oidcConnection(name: string): NewConnection {
  return {
    name,
    protocol: 'oidc',
    provider: 'keycloak',
    active: true,
    oidc: {
      issuer: 'https://idp.example.com/realms/demo',
      clientId: 'app',
      clientSecret: 's3cret',
      flow: 'code',
      pkce: 'S256',
      scopes: ['openid', 'profile', 'email'],
      userInfo: 'id_token',
      verifySignature: true,
    },
    claimMapping: { groups: 'groups' },
    groupSync: { enabled: true, removeRevoked: true },
  };
}

function connectionSuite(ctx: Ctx, n: number): void {
  describe('connections', () => {
    it('creates a connection with an id and equal timestamps, and reads it back by id and by name in any case', async () => {
      const { storage, raw } = ctx();
      const created = await storage.connections.create(oidcConnection('Okta'));
      expect(created.id).toMatch(/.+/);
      expect(created.createdAt.getTime()).toBe(created.updatedAt.getTime());
      expect(await raw.connection(created.id)).toMatchObject({ name: 'Okta' });
      expect((await storage.connections.get(created.id))?.name).toBe('Okta');
      expect((await storage.connections.findByName('oKTA'))?.id).toBe(created.id);
      expect((await storage.connections.get(created.id))?.protocol).toBe('oidc');
      const got = await storage.connections.get(created.id);
      expect(got?.protocol === 'oidc' && got.oidc.clientSecret).toBe('s3cret');
      expect(await storage.connections.get('missing')).toBeNull();
    });

    it('keeps the id a caller chose', async () => {
      const { storage } = ctx();
      const created = await storage.connections.create({ ...oidcConnection('Chosen'), id: 'chosen-id' });
      expect(created.id).toBe('chosen-id');
    });

    it('refuses a second connection with the same name in another case and writes nothing', async () => {
      const { storage, raw } = ctx();
      await storage.connections.create(oidcConnection('Keycloak'));
      await expectCode(storage.connections.create(oidcConnection('KEYCLOAK')), 'connection_name_taken');
      expect(await raw.connectionCount()).toBe(1);
    });

    it(`lets exactly one of ${n} concurrent creates of one name succeed`, async () => {
      const { storage, raw } = ctx();
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) =>
          storage.connections.create(oidcConnection(i % 2 ? 'Race' : 'race')),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason?.code).toBe('connection_name_taken');
      expect(await raw.connectionCount()).toBe(1);
    });

    it('lists connections oldest first', async () => {
      const { storage } = ctx();
      for (const name of ['B', 'A', 'C']) await storage.connections.create(oidcConnection(name));
      expect((await storage.connections.list()).map((c) => c.name)).toEqual(['B', 'A', 'C']);
    });

    it('updates with the current updatedAt and sets a strictly later one', async () => {
      const { storage, raw } = ctx();
      const created = await storage.connections.create(oidcConnection('Entra'));
      const updated = await storage.connections.update(
        created.id,
        { active: false },
        { expectedUpdatedAt: created.updatedAt },
      );
      expect(updated.active).toBe(false);
      expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      expect(updated.createdAt.getTime()).toBe(created.createdAt.getTime());
      expect((await raw.connection(created.id))?.updatedAt.getTime()).toBe(updated.updatedAt.getTime());
      const again = await storage.connections.update(
        created.id,
        { name: 'Entra ID' },
        { expectedUpdatedAt: updated.updatedAt },
      );
      expect(again.updatedAt.getTime()).toBeGreaterThan(updated.updatedAt.getTime());
      expect(again.active).toBe(false);
    });

    it('refuses an update with a stale updatedAt and leaves the record unchanged', async () => {
      const { storage, raw } = ctx();
      const created = await storage.connections.create(oidcConnection('Ping'));
      const first = await storage.connections.update(
        created.id,
        { name: 'Ping One' },
        { expectedUpdatedAt: created.updatedAt },
      );
      await expectCode(
        storage.connections.update(
          created.id,
          { name: 'Ping Two' },
          { expectedUpdatedAt: created.updatedAt },
        ),
        'concurrent_update',
      );
      expect(await raw.connection(created.id)).toMatchObject({ name: 'Ping One' });
      expect((await raw.connection(created.id))?.updatedAt.getTime()).toBe(first.updatedAt.getTime());
    });

    it(`lets exactly one of ${n} concurrent updates with one updatedAt win`, async () => {
      const { storage, raw } = ctx();
      const created = await storage.connections.create(oidcConnection('Auth0'));
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) =>
          storage.connections.update(
            created.id,
            { name: `Auth0 ${i}` },
            { expectedUpdatedAt: created.updatedAt },
          ),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason?.code).toBe('concurrent_update');
      expect((await raw.connection(created.id))?.name).toBe(
        (won[0] as PromiseFulfilledResult<{ name: string }>).value.name,
      );
    });

    it('refuses renaming onto a taken name, and updates of a missing connection', async () => {
      const { storage, raw } = ctx();
      await storage.connections.create(oidcConnection('Google'));
      const other = await storage.connections.create(oidcConnection('Cognito'));
      await expectCode(
        storage.connections.update(other.id, { name: 'GOOGLE' }, { expectedUpdatedAt: other.updatedAt }),
        'connection_name_taken',
      );
      expect(await raw.connection(other.id)).toMatchObject({ name: 'Cognito' });
      await expectCode(
        storage.connections.update('missing', { active: false }, { expectedUpdatedAt: new Date() }),
        'connection_not_found',
      );
    });

    it('deletes, with optimistic concurrency when asked', async () => {
      const { storage, raw } = ctx();
      const created = await storage.connections.create(oidcConnection('ADFS'));
      const updated = await storage.connections.update(
        created.id,
        { active: false },
        { expectedUpdatedAt: created.updatedAt },
      );
      await expectCode(
        storage.connections.delete(created.id, { expectedUpdatedAt: created.updatedAt }),
        'concurrent_update',
      );
      expect(await raw.connectionCount()).toBe(1);
      expect(await storage.connections.delete(created.id, { expectedUpdatedAt: updated.updatedAt })).toBe(
        true,
      );
      expect(await raw.connection(created.id)).toBeNull();
      expect(await storage.connections.delete(created.id)).toBe(false);
    });

    it('returns copies: mutating a returned connection changes nothing stored', async () => {
      const { storage } = ctx();
      const created = await storage.connections.create(oidcConnection('Copy'));
      created.name = 'mutated';
      if (created.protocol === 'oidc') created.oidc.clientId = 'mutated';
      const read = await storage.connections.get(created.id);
      expect(read?.name).toBe('Copy');
      expect(read?.protocol === 'oidc' && read.oidc.clientId).toBe('app');
    });
  });
}

function commitFor(overrides: Partial<LoginCommit> & { subject?: string; email?: string } = {}): LoginCommit {
  const { subject = 'sub-1', email = 'ada@example.com', ...rest } = overrides;
  return {
    user: { kind: 'create', profile: { email, emailVerified: true, name: 'Ada Lovelace' } },
    identity: { key: { issuer: 'https://idp.example.com', subject }, connectionId: 'c1', link: true },
    memberships: { source: membershipSource('c1'), add: [], remove: [] },
    at: new Date(),
    ...rest,
  };
}

function userSuite(ctx: Ctx, n: number): void {
  describe('users, identities, groups and memberships', () => {
    it('commits a first login atomically: user, identity and memberships', async () => {
      const { storage, raw } = ctx();
      await storage.groups.create({ id: 'g1', name: 'admins' });
      const user = await storage.login.commitLogin(
        commitFor({ memberships: { source: 'sso:c1', add: ['g1', 'deleted-group'], remove: [] } }),
      );
      expect(await raw.user(user.id)).toMatchObject({ email: 'ada@example.com', status: 'active' });
      expect(await raw.identities(user.id)).toEqual(['https://idp.example.com|sub-1']);
      expect(await raw.memberships(user.id)).toEqual(['g1|sso:c1']);
      expect(
        (await storage.login.findUserByIdentity({ issuer: 'https://idp.example.com', subject: 'sub-1' }))?.id,
      ).toBe(user.id);
      expect(
        await storage.login.findUserByIdentity({ issuer: 'https://other.example.com', subject: 'sub-1' }),
      ).toBeNull();
      expect((await storage.users.listIdentities(user.id))[0]).toMatchObject({
        connectionId: 'c1',
        userId: user.id,
      });
    });

    it('refuses to link an identity that is already linked and writes nothing', async () => {
      const { storage, raw } = ctx();
      await storage.groups.create({ id: 'g1', name: 'admins' });
      await storage.login.commitLogin(commitFor());
      const error = await storage.login
        .commitLogin(
          commitFor({
            email: 'other@example.com',
            memberships: { source: 'sso:c1', add: ['g1'], remove: [] },
          }),
        )
        .catch((e: unknown) => e);
      expect(isSsoError(error, 'storage_conflict')).toBe(true);
      expect((error as { details?: { reason?: string } }).details?.reason).toBe('identity');
      expect(await raw.userCount()).toBe(1);
      expect(await storage.users.findByEmail('other@example.com')).toBeNull();
    });

    it(`lets exactly one of ${n} concurrent first logins of one identity create a user`, async () => {
      const { storage, raw } = ctx();
      const results = await Promise.allSettled(
        Array.from({ length: n }, () => storage.login.commitLogin(commitFor())),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason?.code).toBe('storage_conflict');
      expect(await raw.userCount()).toBe(1);
    });

    it('refuses a commit whose email belongs to another user, with reason "email", and writes nothing', async () => {
      const { storage, raw } = ctx();
      await storage.users.create({ status: 'active', email: 'Ada@Example.com' });
      const error = await storage.login
        .commitLogin(commitFor({ email: 'ada@example.COM' }))
        .catch((e: unknown) => e);
      expect(isSsoError(error, 'storage_conflict')).toBe(true);
      expect((error as { details?: { reason?: string } }).details?.reason).toBe('email');
      expect(await raw.userCount()).toBe(1);
    });

    it('links an invited user, activates them and updates their profile', async () => {
      const { storage, raw } = ctx();
      const invited = await storage.users.create({ status: 'invited', email: 'grace@example.com' });
      expect((await storage.login.findUserByEmail('GRACE@example.com'))?.id).toBe(invited.id);
      const user = await storage.login.commitLogin(
        commitFor({
          email: 'grace@example.com',
          user: { kind: 'existing', id: invited.id, profile: { name: 'Grace Hopper' } },
        }),
      );
      expect(user).toMatchObject({
        id: invited.id,
        status: 'active',
        name: 'Grace Hopper',
        email: 'grace@example.com',
      });
      expect(await raw.user(invited.id)).toMatchObject({ status: 'active' });
      expect(await raw.identities(invited.id)).toHaveLength(1);
    });

    it('updates lastLoginAt of a linked identity on a returning login without linking again', async () => {
      const { storage, raw } = ctx();
      const first = await storage.login.commitLogin(commitFor({ at: new Date(1_000_000) }));
      await storage.login.commitLogin(
        commitFor({
          at: new Date(2_000_000),
          user: { kind: 'existing', id: first.id, profile: { name: 'Ada King' } },
          identity: {
            key: { issuer: 'https://idp.example.com', subject: 'sub-1' },
            connectionId: 'c1',
            link: false,
          },
        }),
      );
      const [identity] = await storage.users.listIdentities(first.id);
      expect(identity?.lastLoginAt.getTime()).toBe(2_000_000);
      expect(identity?.createdAt.getTime()).toBe(1_000_000);
      expect(await raw.identities(first.id)).toHaveLength(1);
      expect((await storage.users.get(first.id))?.name).toBe('Ada King');
    });

    it('keeps manual memberships apart from those a connection grants', async () => {
      const { storage, raw } = ctx();
      await storage.groups.create({ id: 'g1', name: 'admins' });
      await storage.groups.create({ id: 'g2', name: 'viewers' });
      const user = await storage.login.commitLogin(
        commitFor({ memberships: { source: 'sso:c1', add: ['g1', 'g2'], remove: [] } }),
      );
      await storage.memberships.add({ userId: user.id, groupId: 'g1', source: 'manual' });
      await storage.memberships.add({ userId: user.id, groupId: 'g1', source: 'manual' });
      expect((await raw.memberships(user.id)).sort()).toEqual(['g1|manual', 'g1|sso:c1', 'g2|sso:c1']);
      await storage.login.commitLogin(
        commitFor({
          user: { kind: 'existing', id: user.id, profile: {} },
          identity: {
            key: { issuer: 'https://idp.example.com', subject: 'sub-1' },
            connectionId: 'c1',
            link: false,
          },
          memberships: { source: 'sso:c1', add: ['g2'], remove: ['g1'] },
        }),
      );
      expect((await raw.memberships(user.id)).sort()).toEqual(['g1|manual', 'g2|sso:c1']);
      expect(await storage.memberships.remove({ userId: user.id, groupId: 'g1', source: 'sso:other' })).toBe(
        false,
      );
      expect((await storage.memberships.listForGroup('g1')).map((m) => m.source)).toEqual(['manual']);
      expect(await storage.memberships.remove({ userId: user.id, groupId: 'g1', source: 'manual' })).toBe(
        true,
      );
      expect((await raw.memberships(user.id)).sort()).toEqual(['g2|sso:c1']);
    });

    it('finds groups by name (exact or case-insensitive), by external id and by id', async () => {
      const { storage } = ctx();
      await storage.groups.create({ id: 'g1', name: 'ML-Engineers', externalId: '7f1c-oid' });
      await storage.groups.create({ id: 'g2', name: 'viewers' });
      const ids = async (query: Parameters<typeof storage.groups.find>[0]) =>
        (await storage.groups.find(query)).map((g) => g.id).sort();
      expect(
        await ids({ values: ['ml-engineers', 'viewers'], matchBy: 'name', caseInsensitive: false }),
      ).toEqual(['g2']);
      expect(
        await ids({ values: ['ml-engineers', 'viewers'], matchBy: 'name', caseInsensitive: true }),
      ).toEqual(['g1', 'g2']);
      expect(await ids({ values: ['7f1c-oid'], matchBy: 'externalId', caseInsensitive: false })).toEqual([
        'g1',
      ]);
      expect(await ids({ values: [], matchBy: 'name', caseInsensitive: false })).toEqual([]);
      // Ids match exactly, whatever caseInsensitive says; unknown ids and repeats are no error.
      expect(
        await ids({ values: ['g2', 'g1', 'g2', 'nope'], matchBy: 'id', caseInsensitive: false }),
      ).toEqual(['g1', 'g2']);
      expect(await ids({ values: ['G1'], matchBy: 'id', caseInsensitive: true })).toEqual([]);
      expect(
        (
          await storage.login.findGroups({ values: ['viewers'], matchBy: 'name', caseInsensitive: false })
        ).map((g) => g.id),
      ).toEqual(['g2']);
    });

    it('deletes a group with its memberships', async () => {
      const { storage, raw } = ctx();
      await storage.groups.create({ id: 'g1', name: 'admins' });
      const user = await storage.users.create({ status: 'active', email: 'x@example.com' });
      await storage.memberships.add({ userId: user.id, groupId: 'g1', source: 'manual' });
      expect(await storage.groups.delete('g1')).toBe(true);
      expect(await raw.memberships(user.id)).toEqual([]);
      expect(await storage.groups.delete('g1')).toBe(false);
      await expectCode(
        storage.memberships.add({ userId: user.id, groupId: 'g1', source: 'manual' }),
        'storage_conflict',
      );
    });

    it('keeps emails unique case-insensitively on create and update', async () => {
      const { storage, raw } = ctx();
      const a = await storage.users.create({ status: 'active', email: 'a@example.com' });
      await expectCode(
        storage.users.create({ status: 'invited', email: 'A@EXAMPLE.com' }),
        'storage_conflict',
      );
      const b = await storage.users.create({ status: 'active', email: 'b@example.com' });
      await expectCode(storage.users.update(b.id, { email: 'a@Example.com' }), 'storage_conflict');
      expect(await raw.user(b.id)).toMatchObject({ email: 'b@example.com' });
      expect((await storage.users.update(a.id, { status: 'disabled' })).status).toBe('disabled');
      expect(await raw.user(a.id)).toMatchObject({ status: 'disabled' });
    });

    it('an unverified email owns nothing: not found by email, never blocking its owner (core ownsEmail)', async () => {
      const { storage, raw } = ctx();
      // A squatter's address, sent by an IdP that did not verify it.
      const squatter = await storage.login.commitLogin(
        commitFor({
          subject: 'squatter',
          user: {
            kind: 'create',
            profile: { email: 'victim@example.com', emailVerified: false, name: 'Squatter' },
          },
        }),
      );
      expect(await storage.users.findByEmail('VICTIM@example.com')).toBeNull();
      // A second unverified holder is not blocked either.
      await storage.users.create({ status: 'active', email: 'victim@example.com', emailVerified: false });
      // The owner's verified login creates its own account with the address.
      const owner = await storage.login.commitLogin(
        commitFor({ subject: 'victim', email: 'victim@example.com' }),
      );
      expect(owner.id).not.toBe(squatter.id);
      expect((await storage.users.findByEmail('victim@example.com'))?.id).toBe(owner.id);
      expect(await raw.user(squatter.id)).toMatchObject({
        email: 'victim@example.com',
        emailVerified: false,
      });
      // Once owned, the address cannot be owned twice: not by a verified login, an update or an invitation.
      await expectCode(
        storage.login.commitLogin(commitFor({ subject: 'third', email: 'Victim@example.com' })),
        'storage_conflict',
      );
      await expectCode(storage.users.update(squatter.id, { emailVerified: true }), 'storage_conflict');
      await expectCode(
        storage.users.create({ status: 'invited', email: 'victim@example.com' }),
        'storage_conflict',
      );
      expect(await raw.user(squatter.id)).toMatchObject({ emailVerified: false });
    });

    it('unlinks an identity', async () => {
      const { storage, raw } = ctx();
      const user = await storage.login.commitLogin(commitFor());
      expect(
        await storage.users.unlinkIdentity({ issuer: 'https://idp.example.com', subject: 'sub-1' }),
      ).toBe(true);
      expect(await raw.identities(user.id)).toEqual([]);
      expect(
        await storage.users.unlinkIdentity({ issuer: 'https://idp.example.com', subject: 'sub-1' }),
      ).toBe(false);
    });
  });
}

function transactionSuite(ctx: Ctx, n: number): void {
  describe('transactions', () => {
    it('takes a transaction exactly once, and removes it from the store', async () => {
      const { storage, raw } = ctx();
      const value = { state: 'abc', nonce: 'n', returnTo: '/home', nested: { list: [1, 'two', null] } };
      await storage.transactions.put('t1', value, 60_000);
      expect(await raw.hasTransaction('t1')).toBe(true);
      expect(await storage.transactions.take('t1')).toEqual(value);
      expect(await raw.hasTransaction('t1')).toBe(false);
      expect(await storage.transactions.take('t1')).toBeNull();
      expect(await storage.transactions.take('never-stored')).toBeNull();
    });

    it(`gives the value to exactly one of ${n} concurrent takes`, async () => {
      const { storage } = ctx();
      await storage.transactions.put('race', { state: 'x' }, 60_000);
      const results = await Promise.all(Array.from({ length: n }, () => storage.transactions.take('race')));
      expect(results.filter((r) => r !== null)).toEqual([{ state: 'x' }]);
    });

    it('honours expiry', async () => {
      const { storage } = ctx();
      await storage.transactions.put('short', { state: 's' }, 50);
      await storage.transactions.put('long', { state: 'l' }, 60_000);
      await sleep(150);
      expect(await storage.transactions.take('short')).toBeNull();
      expect(await storage.transactions.take('long')).toEqual({ state: 'l' });
    });

    it('refuses a TTL that is not a positive number of milliseconds', async () => {
      const { storage } = ctx();
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(storage.transactions.put('bad', { a: 1 }, ttl)).rejects.toMatchObject({
          code: 'ERR_INVALID_ARG_VALUE',
        });
      }
    });
  });
}

function replaySuite(ctx: () => { storage: SsoStorage }, n: number): void {
  describe('replay cache', () => {
    it('says first-seen once per key while it is unexpired', async () => {
      const { storage } = ctx();
      expect(await storage.replay.firstSeen('assertion-1', 60_000)).toBe(true);
      expect(await storage.replay.firstSeen('assertion-1', 60_000)).toBe(false);
      expect(await storage.replay.firstSeen('assertion-2', 60_000)).toBe(true);
    });

    it(`answers true to exactly one of ${n} concurrent callers`, async () => {
      const { storage } = ctx();
      const results = await Promise.all(
        Array.from({ length: n }, () => storage.replay.firstSeen('race', 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('forgets a key after its TTL', async () => {
      const { storage } = ctx();
      expect(await storage.replay.firstSeen('short', 50)).toBe(true);
      await sleep(150);
      expect(await storage.replay.firstSeen('short', 50)).toBe(true);
    });
  });
}
