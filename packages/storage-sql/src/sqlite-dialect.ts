/**
 * A Kysely dialect for SQLite on Node's built-in `node:sqlite` (`DatabaseSync`): a file database
 * with no native module to build. `node:sqlite` is imported only when the first connection opens,
 * so importing this package on a runtime without it does not fail.
 *
 * @module
 */
import type { DatabaseConnection, Dialect, SqliteDatabase, SqliteStatement } from 'kysely';
import { SqliteDialect } from 'kysely';

/**
 * Options of {@link nodeSqliteDialect}.
 *
 * @example
 * ```ts
 * const options: NodeSqliteDialectOptions = { filename: './data/ssokit.db', busyTimeoutMs: 10_000 };
 * ```
 */
export interface NodeSqliteDialectOptions {
  /** The database file (created if missing), or `':memory:'` for a database that lives in this process. */
  filename: string;
  /**
   * How long a statement waits for another process's write lock before failing with
   * `SQLITE_BUSY` (then `storage_unavailable`), in milliseconds. Default: 5000.
   */
  busyTimeoutMs?: number;
  /** Runs once on the new connection, after the pragmas (e.g. more pragmas). */
  onCreateConnection?: (connection: DatabaseConnection) => Promise<void>;
}

type Param = null | number | bigint | string | NodeJS.ArrayBufferView;

/** `node:sqlite` binds no booleans, `undefined` or `Date`s: these become 0/1, NULL and epoch ms. */
function bindable(values: ReadonlyArray<unknown>): Param[] {
  return values.map((value) => {
    if (value === undefined || value === null) return null;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value instanceof Date) return value.getTime();
    return value as Param;
  });
}

interface NodeStatement {
  columns(): unknown[];
  all(...params: Param[]): unknown[];
  run(...params: Param[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: Param[]): IterableIterator<unknown>;
}
interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
}

/** Adapts `DatabaseSync` to the better-sqlite3-like database that Kysely's `SqliteDialect` drives. */
function adapt(database: NodeDatabase): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const statement = database.prepare(sql);
      return {
        reader: statement.columns().length > 0,
        all: (params) => statement.all(...bindable(params)),
        run: (params) => statement.run(...bindable(params)),
        iterate: (params) => statement.iterate(...bindable(params)),
      };
    },
  };
}

/**
 * A Kysely dialect for SQLite on `node:sqlite` (Node 22.16+, 23.11+ or 24: it needs
 * `StatementSync.columns()`): opens (and creates) the file, turns
 * on write-ahead logging and a busy timeout. Kysely runs every query of one Kysely instance on its
 * one connection, so use one store per file and process.
 *
 * @example
 * ```ts
 * import { migrateSqlStorage, nodeSqliteDialect, sqlStorage } from '@ssokit/storage-sql';
 *
 * const dialect = nodeSqliteDialect({ filename: './data/ssokit.db' });
 * const storage = sqlStorage({ dialect });
 * await migrateSqlStorage(storage.db);
 * ```
 */
export function nodeSqliteDialect(options: NodeSqliteDialectOptions): Dialect {
  if (typeof options?.filename !== 'string' || options.filename === '') {
    throw Object.assign(
      new TypeError('"options.filename" must be a non-empty string (a path or ":memory:").'),
      {
        code: 'ERR_INVALID_ARG_TYPE',
      },
    );
  }
  const busy = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busy) || busy < 0) {
    throw Object.assign(new TypeError('"options.busyTimeoutMs" must be a whole number of milliseconds.'), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
  return new SqliteDialect({
    async database() {
      // getBuiltinModule, not import(): bundlers and test runners leave it alone, and it loads lazily.
      const sqlite = process.getBuiltinModule?.('node:sqlite') as
        | { DatabaseSync: new (path: string) => NodeDatabase }
        | undefined;
      if (!sqlite) {
        throw Object.assign(
          new Error(
            'node:sqlite is not available in this runtime (this dialect needs Node 22.16+, 23.11+ or 24).',
          ),
          {
            code: 'ERR_UNKNOWN_BUILTIN_MODULE',
          },
        );
      }
      const { DatabaseSync } = sqlite;
      const database = new DatabaseSync(options.filename);
      database.exec(`PRAGMA busy_timeout = ${busy}`);
      if (options.filename !== ':memory:') database.exec('PRAGMA journal_mode = WAL');
      database.exec('PRAGMA synchronous = NORMAL');
      return adapt(database);
    },
    ...(options.onCreateConnection ? { onCreateConnection: options.onCreateConnection } : {}),
  });
}
