/**
 * SQL stores for the bench suites, on the real servers of this machine: PostgreSQL (`pg`) and SQLite
 * (`nodeSqliteDialect` on a temp file), each on its own table prefix, migrated on open and dropped on
 * close. Kysely is a dependency of @ssokit/storage-sql, not of the root: its PostgresDialect is loaded
 * from where that package resolves it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropSqlStorage, migrateSqlStorage, nodeSqliteDialect, sqlStorage } from '@ssokit/storage-sql';

export const PG_URL = process.env.SSOKIT_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

type Dialect = NonNullable<Parameters<typeof sqlStorage>[0]['dialect']>;
type SqlStore = ReturnType<typeof sqlStorage>;

/** A store and how to get rid of it (drop its tables, close it, remove its file). */
export interface BenchSqlStore {
  storage: SqlStore;
  dispose(): Promise<void>;
}

/** The little of pg's Pool used here (pg ships no types, and @types/pg is not a root dependency). */
interface PgPool {
  on(event: 'error', listener: (error: Error) => void): PgPool;
  on(
    event: 'connect',
    listener: (client: { on(event: 'error', listener: () => void): void }) => void,
  ): PgPool;
}

function kysely(): { PostgresDialect: new (config: { pool: PgPool }) => Dialect } {
  const from = createRequire(fileURLToPath(import.meta.resolve('@ssokit/storage-sql')));
  return from('kysely');
}

const pg = createRequire(import.meta.url)('pg') as {
  Pool: new (config: { connectionString: string; max: number; allowExitOnIdle: boolean }) => PgPool;
};

/** A unique table prefix for this process and `label`. */
export const benchPrefix = (label: string) => `bench${process.pid}_${label}_`;

export async function postgresStore(label: string): Promise<BenchSqlStore> {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 10, allowExitOnIdle: true });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const { PostgresDialect } = kysely();
  const tablePrefix = benchPrefix(label);
  const storage = sqlStorage({ dialect: new PostgresDialect({ pool }), tablePrefix });
  await migrateSqlStorage(storage.db, { tablePrefix });
  return {
    storage,
    async dispose() {
      await dropSqlStorage(storage.db, { tablePrefix });
      await storage.close();
    },
  };
}

export async function sqliteStore(label: string): Promise<BenchSqlStore> {
  const dir = mkdtempSync(join(tmpdir(), 'ssokit-bench-'));
  const tablePrefix = benchPrefix(label);
  const storage = sqlStorage({
    dialect: nodeSqliteDialect({ filename: join(dir, 'bench.db') }),
    tablePrefix,
  });
  await migrateSqlStorage(storage.db, { tablePrefix });
  return {
    storage,
    async dispose() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `dispose` once, when the runner is done and the event loop empties (the runner has no teardown
 * hook). The pg pool lets the process exit when idle (`allowExitOnIdle`), so this does come.
 */
export function disposeAtExit(dispose: () => Promise<void>): void {
  let done = false;
  process.once('beforeExit', () => {
    if (done) return;
    done = true;
    void dispose();
  });
}
