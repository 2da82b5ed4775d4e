/**
 * `sqlStorage()`: every part of `SsoStorage` on one SQL database through Kysely.
 *
 * @module
 */
import { now as nowSymbol } from '@ssokit/core';
import type { CounterStore, LoginActivityStore, RoleStore, SessionStore, SsoStorage } from '@ssokit/storage';
import { Kysely } from 'kysely';
import { sqlConnections } from './connections.ts';
import { sqlCounters, sqlReplay, sqlTransactions } from './expiring.ts';
import { sqlGroups, sqlMemberships } from './groups.ts';
import { flavorOf } from './internal/context.ts';
import { TablePrefixPlugin } from './internal/prefix-plugin.ts';
import { sqlLogin } from './login.ts';
import { sqlLoginActivity } from './login-activity.ts';
import type { SqlStorageOptions } from './options.ts';
import { checkInteger, checkTablePrefix, checkTarget } from './options.ts';
import { sqlRoles } from './roles.ts';
import type { SqlStorageDatabase } from './schema.ts';
import { sqlSessions } from './sessions.ts';
import { sqlUsers } from './users.ts';

/**
 * The store `sqlStorage()` returns: every part of `SsoStorage`, and the Kysely instance it uses.
 *
 * @example
 * ```ts
 * const storage: SqlStorage = sqlStorage({ dialect });
 * await migrateSqlStorage(storage.db);
 * await storage.sessions.list({ userId });
 * ```
 */
export interface SqlStorage extends SsoStorage {
  sessions: SessionStore;
  counters: CounterStore;
  loginActivity: LoginActivityStore;
  roles: RoleStore;
  /**
   * The Kysely instance the store runs on (without the table prefix), e.g. for
   * `migrateSqlStorage(storage.db)`.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the host's database type is its own.
  readonly db: Kysely<any>;
  /** Destroys the Kysely instance the store made from `options.dialect`; one passed as `options.db` stays open. */
  close(): Promise<void>;
}

/**
 * Creates an ssokit store on PostgreSQL (`pg`), MySQL/MariaDB (`mysql2`) or SQLite (`node:sqlite`),
 * through Kysely. Run {@link migrateSqlStorage} once at start-up (with the same `tablePrefix`) before
 * using it. `commitLogin` runs in one transaction; races between instances resolve in the database
 * (unique keys, conditional updates, atomic upserts); an unreachable database is `storage_unavailable`.
 *
 * @throws `TypeError` (`ERR_INVALID_ARG_VALUE` / `ERR_INVALID_ARG_TYPE`) for bad options.
 *
 * @example
 * ```ts
 * import { PostgresDialect } from 'kysely';
 * import pg from 'pg';
 * import { migrateSqlStorage, sqlStorage } from '@ssokit/storage-sql';
 *
 * const storage = sqlStorage({
 *   dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }),
 * });
 * await migrateSqlStorage(storage.db);
 * const sso = createSso({ baseUrl, secret, storage });
 * ```
 */
export function sqlStorage(options: SqlStorageOptions): SqlStorage {
  checkTarget(options);
  const tablePrefix = checkTablePrefix(options.tablePrefix);
  const batchSize = checkInteger(options.batchSize, 'options.batchSize', 1, 5000, 500);
  const sweepIntervalMs = checkInteger(
    options.sweepIntervalMs,
    'options.sweepIntervalMs',
    1,
    Number.MAX_SAFE_INTEGER,
    60_000,
  );
  const clock = options[nowSymbol] ?? Date.now;
  // biome-ignore lint/suspicious/noExplicitAny: the host's database type is its own.
  const base: Kysely<any> =
    options.db ?? new Kysely({ dialect: options.dialect as NonNullable<typeof options.dialect> });
  const flavor = flavorOf(base);
  const db = base.withPlugin(new TablePrefixPlugin(tablePrefix)) as unknown as Kysely<SqlStorageDatabase>;
  const ctx = { db, flavor, clock, batchSize, sweepIntervalMs };
  let closed = false;
  return {
    db: base,
    connections: sqlConnections(ctx),
    users: sqlUsers(ctx),
    groups: sqlGroups(ctx),
    memberships: sqlMemberships(ctx),
    login: sqlLogin(ctx),
    transactions: sqlTransactions(ctx),
    replay: sqlReplay(ctx),
    sessions: sqlSessions(ctx),
    counters: sqlCounters(ctx),
    loginActivity: sqlLoginActivity(ctx),
    roles: sqlRoles(ctx),
    async close() {
      if (closed || options.db) return;
      closed = true;
      await base.destroy();
    },
  };
}
