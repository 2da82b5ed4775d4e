/** Migrations are idempotent and safe to run at once; data survives a restart; bad options are TypeErrors. */
import type { Dialect } from 'kysely';
import { Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSqlStorage, migrateSqlStorage, nodeSqliteDialect, sqlStorage } from '../src/index.ts';
import type { AnyDb } from './support.ts';
import { mysqlDialect, pgDialect, prefixFor, tempSqliteFile } from './support.ts';

const sqlite = tempSqliteFile();
afterAll(() => sqlite.remove());
const cases: [string, () => Dialect][] = [
  ['sqlite', () => nodeSqliteDialect({ filename: sqlite.filename })],
  ['postgres', () => pgDialect()],
  ['mariadb', () => mysqlDialect()],
];

/** Every migration the package ships, in the order they run. */
const MIGRATIONS = ['2025_01_initial', '2025_02_login_activity', '2025_03_roles'];

const migrationRows = async (db: AnyDb, prefix: string) => {
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(`${prefix}migrations`)}`.execute(
    db,
  );
  return rows.map((r) => r.name);
};

describe.each(cases)('migrations on %s', (flavor, makeDialect) => {
  it('runs twice without error and records each migration once; the store works after', async () => {
    const prefix = prefixFor(`mig${flavor}`);
    const db = new Kysely({ dialect: makeDialect() });
    try {
      await migrateSqlStorage(db, { tablePrefix: prefix });
      await migrateSqlStorage(db, { tablePrefix: prefix });
      expect((await migrationRows(db, prefix)).sort()).toEqual(MIGRATIONS);
      const storage = sqlStorage({ db, tablePrefix: prefix });
      await storage.groups.create({ id: 'g1', name: 'Admins' });
      expect(
        (await storage.groups.find({ values: ['admins'], matchBy: 'name', caseInsensitive: true }))[0]?.id,
      ).toBe('g1');
      await storage.close(); // leaves a Kysely instance it was given open
      expect(await storage.groups.get('g1')).toEqual({ id: 'g1', name: 'Admins' });
    } finally {
      await dropSqlStorage(db, { tablePrefix: prefix });
      await db.destroy();
    }
  });

  it.skipIf(flavor === 'sqlite')('is safe when several instances migrate at once', async () => {
    const prefix = prefixFor(`par${flavor}`);
    const dbs = Array.from({ length: 3 }, () => new Kysely({ dialect: makeDialect() }));
    try {
      await Promise.all(dbs.map((db) => migrateSqlStorage(db, { tablePrefix: prefix })));
      expect((await migrationRows(dbs[0] as AnyDb, prefix)).sort()).toEqual(MIGRATIONS);
    } finally {
      await dropSqlStorage(dbs[0] as AnyDb, { tablePrefix: prefix });
      for (const db of dbs) await db.destroy();
    }
  });
});

describe('sqlite: a restart', () => {
  it('keeps connections, users, identities and sessions after closing and reopening the file', async () => {
    const file = tempSqliteFile();
    try {
      const before = sqlStorage({ dialect: nodeSqliteDialect({ filename: file.filename }) });
      await migrateSqlStorage(before.db);
      const connection = await before.connections.create({
        name: 'Okta',
        protocol: 'oidc',
        provider: 'okta',
        active: true,
        oidc: { issuer: 'https://okta.example.com', clientId: 'app', scopes: ['openid'] },
      } as never);
      const user = await before.login.commitLogin({
        user: { kind: 'create', profile: { email: 'ada@example.com', emailVerified: true, name: 'Ada' } },
        identity: {
          key: { issuer: 'https://okta.example.com', subject: 'ada' },
          connectionId: connection.id,
          link: true,
        },
        memberships: { source: `sso:${connection.id}`, add: [], remove: [] },
        at: new Date(),
      });
      const at = Date.now();
      const session = {
        id: 'sess-1',
        userId: user.id,
        connectionId: connection.id,
        subject: 'ada',
        data: { roles: ['admin'] },
        createdAt: new Date(at),
        expiresAt: new Date(at + 3_600_000),
        idleExpiresAt: new Date(at + 3_600_000),
      };
      await before.sessions.create(session);
      await before.close();

      const after = sqlStorage({ dialect: nodeSqliteDialect({ filename: file.filename }) });
      await migrateSqlStorage(after.db);
      expect(await after.connections.findByName('OKTA')).toEqual(connection);
      expect(
        await after.users.findByIdentity({ issuer: 'https://okta.example.com', subject: 'ada' }),
      ).toEqual(user);
      expect(await after.sessions.get('sess-1')).toEqual(session);
      await after.close();
    } finally {
      file.remove();
    }
  });
});

describe('bad input', () => {
  const dialect = () => nodeSqliteDialect({ filename: ':memory:' });
  it('refuses bad options with coded TypeErrors', async () => {
    const bad: unknown[] = [
      undefined,
      {},
      { dialect: dialect(), db: new Kysely({ dialect: dialect() }) },
      { dialect: dialect(), tablePrefix: 'drop table;' },
      { dialect: dialect(), tablePrefix: 'x'.repeat(33) },
      { dialect: dialect(), batchSize: 0 },
      { dialect: dialect(), sweepIntervalMs: 1.5 },
    ];
    for (const options of bad) {
      expect(() => sqlStorage(options as never), JSON.stringify(options)).toThrow(TypeError);
    }
    expect(() => nodeSqliteDialect({ filename: '' })).toThrow(TypeError);
    await expect(
      migrateSqlStorage(new Kysely({ dialect: dialect() }), { tablePrefix: '1x' }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });

  it('refuses values longer than the schema holds, before they reach the database', async () => {
    const storage = sqlStorage({ dialect: dialect() });
    await migrateSqlStorage(storage.db);
    try {
      await expect(storage.groups.create({ name: 'x'.repeat(256) })).rejects.toMatchObject({
        code: 'ERR_INVALID_ARG_VALUE',
      });
      await expect(
        storage.users.create({ status: 'active', email: `${'x'.repeat(320)}@example.com` }),
      ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      await expect(
        storage.sessions.create({
          id: 'x'.repeat(129),
          userId: 'u',
          connectionId: 'c',
          subject: 's',
          data: {},
          createdAt: new Date(),
          expiresAt: new Date(Date.now() + 1000),
          idleExpiresAt: new Date(Date.now() + 1000),
        }),
      ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      expect(await storage.groups.list()).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});
