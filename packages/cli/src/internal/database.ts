/**
 * A database URL turned into what `@ssokit/storage-sql` migrates: a Kysely instance on PostgreSQL
 * (`pg`), MySQL/MariaDB (`mysql2`) or SQLite (`node:sqlite`). `@ssokit/storage-sql` and the drivers
 * are optional peers of the command, loaded here only; Kysely is taken from storage-sql's own
 * installation, so that its dialect classes are the ones storage-sql recognises.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError } from '../errors.ts';

type StorageSql = typeof import('@ssokit/storage-sql');
// biome-ignore lint/suspicious/noExplicitAny: Kysely's types are storage-sql's, not this package's.
type AnyDb = any;

/** What a URL names. */
export interface DatabaseTarget {
  flavor: 'postgres' | 'mysql' | 'sqlite';
  /** The URL without its password, to print. */
  display: string;
  url: string;
  /** SQLite: the file. */
  filename?: string;
}

const INSTALL = 'npm install --save-dev @ssokit/cli @ssokit/storage-sql';

/** Reads a database URL: postgres://, postgresql://, mysql://, mariadb://, or sqlite:<path>. */
export function parseDatabaseUrl(url: string, cwd: string): DatabaseTarget {
  const sqlite = /^sqlite:(?:\/\/)?(.+)$/i.exec(url);
  if (sqlite) {
    const path = sqlite[1] as string;
    const filename = isAbsolute(path) ? path : resolve(cwd, path);
    return { flavor: 'sqlite', display: `sqlite:${filename}`, url, filename };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(
      '--database must be a URL: postgres://user@host:5432/db, mysql://user@host:3306/db, or sqlite:path/to/file.db.',
    );
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  const flavor =
    scheme === 'postgres' || scheme === 'postgresql'
      ? 'postgres'
      : scheme === 'mysql' || scheme === 'mariadb'
        ? 'mysql'
        : undefined;
  if (!flavor)
    throw new CliError(
      `--database: "${scheme}:" is not a database ssokit stores in; use postgres://, mysql://, mariadb:// or sqlite:.`,
    );
  const shown = new URL(parsed.href);
  if (shown.password) shown.password = '***';
  return {
    flavor,
    display: shown.href,
    url:
      flavor === 'mysql' && scheme === 'mariadb' ? parsed.href.replace(/^mariadb:/i, 'mysql:') : parsed.href,
  };
}

/** Loads `@ssokit/storage-sql`, or says how to install it. */
export async function loadStorageSql(): Promise<{ sql: StorageSql; at: string }> {
  let at: string;
  try {
    // Where it is installed: Kysely and the drivers are resolved from there.
    at = createRequire(import.meta.url).resolve('@ssokit/storage-sql');
  } catch {
    throw new CliError(
      `migrate needs @ssokit/storage-sql next to @ssokit/cli: ${INSTALL} (and pg or mysql2).`,
    );
  }
  return { sql: (await import('@ssokit/storage-sql')) as StorageSql, at };
}

/** A module as storage-sql's installation resolves it (Kysely, and the drivers when the command has none). */
async function importBeside(at: string, name: string): Promise<unknown> {
  const path = createRequire(at).resolve(name);
  return import(pathToFileURL(path).href);
}

/** A driver, from the command's own installation or storage-sql's. */
async function driver(at: string, name: 'pg' | 'mysql2'): Promise<Record<string, unknown>> {
  let module: Record<string, unknown>;
  try {
    module = (await import(name)) as Record<string, unknown>;
  } catch {
    try {
      module = (await importBeside(at, name)) as Record<string, unknown>;
    } catch {
      throw new CliError(
        `The ${name === 'pg' ? 'PostgreSQL' : 'MySQL/MariaDB'} driver is not installed: npm install --save-dev ${name}.`,
      );
    }
  }
  return (module.default ?? module) as Record<string, unknown>;
}

/** A Kysely instance on the target, made with storage-sql's Kysely. */
export async function openDatabase(target: DatabaseTarget, sql: StorageSql, at: string): Promise<AnyDb> {
  // biome-ignore lint/suspicious/noExplicitAny: see AnyDb.
  const kysely = (await importBeside(at, 'kysely')) as any;
  if (target.flavor === 'sqlite')
    return new kysely.Kysely({ dialect: sql.nodeSqliteDialect({ filename: target.filename as string }) });
  if (target.flavor === 'postgres') {
    const pg = await driver(at, 'pg');
    const Pool = pg.Pool as new (options: object) => { on(event: string, listener: () => void): void };
    const pool = new Pool({ connectionString: target.url, max: 2, connectionTimeoutMillis: 10_000 });
    pool.on('error', () => {}); // a backend that goes away while idle; the query in flight fails anyway
    return new kysely.Kysely({ dialect: new kysely.PostgresDialect({ pool }) });
  }
  const mysql = await driver(at, 'mysql2');
  const createPool = mysql.createPool as (options: object) => unknown;
  return new kysely.Kysely({
    dialect: new kysely.MysqlDialect({
      pool: createPool({ uri: target.url, connectionLimit: 2, connectTimeout: 10_000 }),
    }),
  });
}

/** The names of the migrations already recorded (none when the bookkeeping table does not exist yet). */
export async function appliedMigrations(db: AnyDb, prefix: string): Promise<string[]> {
  try {
    const rows = (await db.selectFrom(`${prefix}migrations`).select('name').execute()) as { name: string }[];
    return rows.map((r) => r.name).sort();
  } catch {
    return [];
  }
}
