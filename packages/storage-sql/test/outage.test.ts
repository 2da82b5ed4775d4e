/**
 * An unreachable database is `storage_unavailable` (with no connection string in the message), and a
 * connection lost in the middle of `commitLogin` leaves nothing written.
 */
import { isSsoError, type LoginCommit } from '@ssokit/core';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropSqlStorage,
  migrateSqlStorage,
  nodeSqliteDialect,
  type SqlStorage,
  sqlStorage,
} from '../src/index.ts';
import type { AnyDb } from './support.ts';
import { mysqlDialect, pgDialect, prefixFor, rawReader } from './support.ts';

const first: LoginCommit = {
  user: { kind: 'create', profile: { email: 'down@example.com', emailVerified: true, name: 'Before' } },
  identity: { key: { issuer: 'https://idp.example.com', subject: 'down' }, connectionId: 'c1', link: true },
  memberships: { source: 'sso:c1', add: [], remove: [] },
  at: new Date(),
};

async function expectUnavailable(promise: Promise<unknown>, secrets: string[] = []): Promise<void> {
  const error = await promise.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );
  expect(isSsoError(error, 'storage_unavailable'), String(error)).toBe(true);
  for (const secret of secrets) expect((error as Error).message).not.toContain(secret);
}

describe('a database that cannot be reached', () => {
  const stores: [string, () => SqlStorage, string[]][] = [
    [
      'postgres',
      () =>
        sqlStorage({
          dialect: pgDialect({
            connectionString: 'postgres://ssokit:hunter2@127.0.0.1:1/test',
            connectionTimeoutMillis: 2000,
          }),
        }),
      ['hunter2', 'postgres://'],
    ],
    [
      'mariadb',
      () => sqlStorage({ dialect: mysqlDialect('mysql://ssokit:hunter2@127.0.0.1:1/test') }),
      ['hunter2'],
    ],
    [
      'sqlite',
      () => sqlStorage({ dialect: nodeSqliteDialect({ filename: '/nonexistent-dir/ssokit/x.db' }) }),
      [],
    ],
  ];
  it.each(stores)(
    '%s: reads, commitLogin and migrations fail with storage_unavailable',
    async (_, make, secrets) => {
      const storage = make();
      try {
        await expectUnavailable(storage.users.get('u1'), secrets);
        await expectUnavailable(storage.login.commitLogin(first), secrets);
        await expectUnavailable(storage.transactions.take('t1'), secrets);
        await expectUnavailable(migrateSqlStorage(storage.db), secrets);
      } finally {
        await storage.close();
      }
    },
  );
});

describe('postgres: the connection is terminated in the middle of commitLogin', () => {
  const prefix = prefixFor('pgoutage');
  const app = `ssokit_outage_${process.pid}`;
  const ids = Array.from({ length: 2000 }, (_, i) => `g-${String(i).padStart(4, '0')}`);
  let admin: AnyDb;

  beforeAll(async () => {
    admin = new Kysely({ dialect: pgDialect() });
    await migrateSqlStorage(admin, { tablePrefix: prefix });
    await admin
      .insertInto(`${prefix}groups`)
      .values(ids.map((id) => ({ id, name: id, name_folded: id })))
      .execute();
  });
  afterAll(async () => {
    await dropSqlStorage(admin, { tablePrefix: prefix });
    await admin.destroy();
  });

  it('writes nothing, throws storage_unavailable, and the next call works', async () => {
    const storage = sqlStorage({ dialect: pgDialect({ application_name: app }), tablePrefix: prefix });
    const raw = rawReader(admin, prefix);
    try {
      const user = await storage.login.commitLogin(first);
      const again: LoginCommit = {
        ...first,
        user: { kind: 'existing', id: user.id, profile: { name: 'After' } },
        identity: { ...first.identity, link: false },
        memberships: { source: 'sso:c1', add: ids, remove: [] },
      };
      const last = ids.at(-1) as string;
      // A second client holds the last membership's key uncommitted: the commit blocks on it, mid-way.
      await admin.connection().execute(async (blocker) => {
        await sql`begin`.execute(blocker);
        await sql`insert into ${sql.table(`${prefix}memberships`)} (user_id, group_id, source, created_at)
          values (${user.id}, ${last}, 'sso:c1', 0)`.execute(blocker);
        const pending = storage.login.commitLogin(again).then(
          () => new Error('committed'),
          (e: unknown) => e,
        );
        for (let waited = 0; ; waited++) {
          const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
            where application_name = ${app} and wait_event_type = 'Lock'`.execute(admin);
          if (Number(rows[0]?.n) > 0) break;
          if (waited > 200) throw new Error('the commit never blocked');
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app}`.execute(
          admin,
        );
        const error = await pending;
        expect(isSsoError(error, 'storage_unavailable'), String(error)).toBe(true);
        await sql`rollback`.execute(blocker);
      });
      expect(await raw.memberships(user.id)).toEqual([]);
      expect((await storage.users.get(user.id))?.name).toBe('Before');
      // The pool replaced the dead connection: the same commit now goes through, whole.
      expect((await storage.login.commitLogin(again)).name).toBe('After');
      expect(await raw.memberships(user.id)).toHaveLength(ids.length);
    } finally {
      await storage.close();
    }
  });
});
