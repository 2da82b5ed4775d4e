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
  /**
   * The URL to print: scheme, user, host, port, path and the parameters known to hold no secret; a
   * password shows as `***`, and nothing else of the URL is kept.
   */
  display: string;
  url: string;
  /** SQLite: the file. */
  filename?: string;
  /** PostgreSQL and MySQL: the database, the user and the host, for messages. */
  database?: string;
  user?: string;
  host?: string;
}

/**
 * The query parameters a displayed URL keeps (drivers' settings that hold no secret), each only with a
 * short plain value. Every other one is left out: `password`, `sslpassword`, `sslkey` and whatever a
 * driver adds next.
 */
const SHOWN_PARAMETERS = new Set([
  'sslmode',
  'ssl',
  'connect_timeout',
  'application_name',
  'charset',
  'timezone',
  'dateStrings',
]);

const INSTALL =
  'install @ssokit/storage-sql beside @ssokit/cli (until the packages are on npm, from the tarballs packed in a clone: see "Before the packages are on npm" in the ssokit README)';

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
      '--database must be a URL: postgres://user@host:5432/db, mysql://user@host:3306/db, or sqlite:path/to/file.db (special characters in the password percent-encoded).',
    );
  }
  // A "#" ends a URL: what follows (often the rest of a password) is no part of it. Nothing of the URL
  // is shown, since where the host seems to be may be part of the password.
  if (parsed.hash !== '' || url.includes('#'))
    throw new CliError(
      '--database: the URL holds a "#", which ends a URL there. If the password has one, write it as %23 (and "@" as %40, "/" as %2F, "?" as %3F, ":" as %3A).',
    );
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
  return {
    flavor,
    display: displayOf(parsed, scheme),
    url:
      flavor === 'mysql' && scheme === 'mariadb' ? parsed.href.replace(/^mariadb:/i, 'mysql:') : parsed.href,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(the default)',
    user: decodeURIComponent(parsed.username) || '(the default user)',
    host: parsed.host,
  };
}

/** The URL to print (see {@link DatabaseTarget.display}). */
function displayOf(parsed: URL, scheme: string): string {
  const user = parsed.username ? `${parsed.username}${parsed.password ? ':***' : ''}@` : '';
  const kept = [...parsed.searchParams].filter(
    ([name, value]) => SHOWN_PARAMETERS.has(name) && /^[\w.+-]{0,64}$/.test(value),
  );
  const query = kept.length > 0 ? `?${new URLSearchParams(kept).toString()}` : '';
  return `${scheme}://${user}${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}${query}`;
}

type ErrorLike = { code?: unknown; errcode?: unknown; cause?: unknown; errors?: unknown };

/** The error and its causes, depth first (a driver's error is the `cause` of storage-sql's). */
function* causes(error: unknown, depth = 0): Generator<ErrorLike> {
  if (depth > 5 || typeof error !== 'object' || error === null) return;
  const e = error as ErrorLike;
  yield e;
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* causes(inner, depth + 1);
  yield* causes(e.cause, depth + 1);
}

/**
 * What went wrong with the database, in a sentence with the fix, for the driver errors people meet
 * first (a database or role that does not exist, a refused password, a locked or unopenable SQLite
 * file); `undefined` for others.
 */
export function databaseProblem(error: unknown, target: DatabaseTarget): string | undefined {
  const db = `"${target.database}"`;
  const user = `"${target.user}"`;
  for (const e of causes(error)) {
    const sqlite = typeof e.errcode === 'number' ? e.errcode & 0xff : undefined;
    if (sqlite === 14)
      return `the file cannot be opened (SQLITE_CANTOPEN): check that its directory exists and that this user may write there.`;
    if (sqlite === 5 || sqlite === 6)
      return `the file is locked by another process (SQLITE_BUSY): wait until it is done (or stop it), then run migrate again.`;
    switch (e.code) {
      case '3D000':
      case 'ER_BAD_DB_ERROR':
        return `the database ${db} does not exist on ${target.host} (${e.code}): create it (CREATE DATABASE ${target.database};), or correct the database in the URL.`;
      case '28000':
        return `the server refused the user ${user} (28000: no such role, or no pg_hba.conf entry lets it in): create the role, or correct the user in the URL.`;
      case '28P01':
      case 'ER_ACCESS_DENIED_ERROR':
        return `the server refused the credentials of the user ${user} (${e.code}): correct the password in the URL (special characters percent-encoded).`;
      case 'ER_DBACCESS_DENIED_ERROR':
      case '42501':
        return `the user ${user} may not create tables in ${db} (${e.code}): grant it that right, or run migrate as the database's owner.`;
      case 'ENOENT':
        if (/[?&]ssl(?:cert|key|rootcert)=/.test(target.url))
          return 'a file the URL names (sslcert, sslkey or sslrootcert) does not exist (ENOENT): correct its path.';
    }
  }
  return undefined;
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
