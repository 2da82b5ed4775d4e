/**
 * What the integration tests share: dialects for the real servers of the test machine, a RawReader
 * written with direct SQL, and a conformance set-up that gives each test file its own table prefix.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawReader, StorageConformanceOptions } from '@ssokit/storage/testkit';
import type { Dialect } from 'kysely';
import { Kysely, MysqlDialect, PostgresDialect, sql } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import { dropSqlStorage, migrateSqlStorage, sqlStorage, sqlStorageTables } from '../src/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: raw SQL against tables Kysely's types do not describe.
export type AnyDb = Kysely<any>;

export const PG_URL = process.env.SSOKIT_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.SSOKIT_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test';

/** A table prefix of this process and test file, so parallel runs never share tables. */
export const prefixFor = (file: string) => `t${process.pid}_${file}_`;

export function pgDialect(config: pg.PoolConfig = {}): Dialect {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 10, ...config });
  // A client whose backend went away emits 'error': on the pool while idle, on the client while
  // checked out. Without listeners that would crash the process (the README says so too); the query
  // in flight fails either way, and the store reports it as storage_unavailable.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return new PostgresDialect({ pool });
}

export function mysqlDialect(uri = MYSQL_URL, extra: Record<string, unknown> = {}): Dialect {
  return new MysqlDialect({ pool: createPool({ uri, connectionLimit: 10, ...extra }) });
}

export function tempSqliteFile(): { filename: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ssokit-sql-'));
  return { filename: join(dir, 'ssokit.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Empties every table of the store. */
export async function emptyTables(db: AnyDb, prefix: string): Promise<void> {
  for (const table of [...sqlStorageTables].reverse())
    await sql`delete from ${sql.table(prefix + table)}`.execute(db);
}

/** A RawReader on direct SQL. */
export function rawReader(db: AnyDb, prefix: string): RawReader {
  const t = (name: string) => sql.table(prefix + name);
  const count = async (table: string) => {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${t(table)}`.execute(db);
    return Number(rows[0]?.n);
  };
  return {
    async connection(id) {
      const { rows } = await sql<{ name: string; updated_at: number | string }>`
        select name, updated_at from ${t('connections')} where id = ${id}`.execute(db);
      const row = rows[0];
      return row ? { name: row.name, updatedAt: new Date(Number(row.updated_at)) } : null;
    },
    connectionCount: () => count('connections'),
    async user(id) {
      const { rows } = await sql<{ email: string | null; email_verified: number | null; status: string }>`
        select email, email_verified, status from ${t('users')} where id = ${id}`.execute(db);
      const row = rows[0];
      if (!row) return null;
      return {
        email: row.email,
        emailVerified: row.email_verified === null ? null : Number(row.email_verified) === 1,
        status: row.status,
      };
    },
    userCount: () => count('users'),
    async identities(userId) {
      const { rows } = await sql<{ issuer: string; subject: string }>`
        select issuer, subject from ${t('identities')} where user_id = ${userId}`.execute(db);
      return rows.map((r) => `${r.issuer}|${r.subject}`);
    },
    async memberships(userId) {
      const { rows } = await sql<{ group_id: string; source: string }>`
        select group_id, source from ${t('memberships')} where user_id = ${userId}`.execute(db);
      return rows.map((r) => `${r.group_id}|${r.source}`);
    },
    async hasTransaction(key) {
      const { rows } =
        await sql`select 1 as one from ${t('transactions')} where key_hash = ${sha256(key)}`.execute(db);
      return rows.length > 0;
    },
    async hasSession(id) {
      const { rows } = await sql`select 1 as one from ${t('sessions')} where id = ${id}`.execute(db);
      return rows.length > 0;
    },
    async activityCount(connectionId) {
      const { rows } = await sql<{ n: number | string }>`
        select count(*) as n from ${t('login_activity')} where connection_id = ${connectionId}`.execute(db);
      return Number(rows[0]?.n);
    },
    async role(name) {
      const { rows } = await sql<{
        name: string;
        source: string;
        origin: string | null;
        updated_at: number | string;
      }>`
        select name, source, origin, updated_at from ${t('roles')} where name = ${name}`.execute(db);
      const row = rows[0];
      return row
        ? {
            name: row.name,
            source: row.source,
            origin: row.origin,
            updatedAt: new Date(Number(row.updated_at)),
          }
        : null;
    },
    roleCount: () => count('roles'),
  };
}

/**
 * The conformance options of one database: the schema is migrated once, emptied before each test,
 * and each test's store is made from a fresh dialect (so `close()` is exercised); `teardown` drops
 * the tables.
 */
export function conformanceSetup(
  name: string,
  file: string,
  makeDialect: () => Dialect,
): { options: StorageConformanceOptions; teardown: () => Promise<void> } {
  const prefix = prefixFor(file);
  let admin: AnyDb | undefined;
  let migrated: Promise<void> | undefined;
  const adminDb = () => {
    admin ??= new Kysely({ dialect: makeDialect() });
    return admin;
  };
  return {
    options: {
      name,
      async create() {
        const db = adminDb();
        migrated ??= migrateSqlStorage(db, { tablePrefix: prefix });
        await migrated;
        await emptyTables(db, prefix);
        return sqlStorage({ dialect: makeDialect(), tablePrefix: prefix });
      },
      raw: () => rawReader(adminDb(), prefix),
    },
    async teardown() {
      if (!admin) return;
      await dropSqlStorage(admin, { tablePrefix: prefix });
      await admin.destroy();
    },
  };
}
