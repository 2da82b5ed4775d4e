/**
 * The options of `sqlStorage()` and their checks.
 *
 * @module
 */
import type { Clock, now as nowSymbol } from '@ssokit/core';
import type { Dialect, Kysely } from 'kysely';

/**
 * Options of `sqlStorage()`. Give exactly one of `dialect` and `db`.
 *
 * @example
 * ```ts
 * const options: SqlStorageOptions = { dialect: nodeSqliteDialect({ filename: 'sso.db' }), tablePrefix: 'sso_' };
 * ```
 */
export interface SqlStorageOptions {
  /**
   * The Kysely dialect to connect with: `PostgresDialect` (`pg`), `MysqlDialect` (`mysql2`) or
   * `nodeSqliteDialect()`. The store makes its own Kysely instance and `close()` destroys it.
   */
  dialect?: Dialect;
  /**
   * An existing Kysely instance on one of those dialects, shared with the host app. `close()` leaves
   * it open: its owner destroys it.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the host's database type is its own.
  db?: Kysely<any>;
  /**
   * The prefix of every table name: letters, digits and `_`, at most 32 characters, starting with a
   * letter or `_` (or empty). Give `migrateSqlStorage` the same. Default: `'ssokit_'`.
   */
  tablePrefix?: string;
  /**
   * The most values one `IN (...)` list or multi-row insert carries (group look-ups and membership
   * changes of a login with thousands of groups). Between 1 and 5000. Default: 500.
   */
  batchSize?: number;
  /**
   * How often, at most, a write also deletes the expired rows of its table (transactions, replay
   * entries, counters, sessions), in milliseconds. Reads never return expired rows either way.
   * Default: 60000 (one minute).
   */
  sweepIntervalMs?: number;
  /** The clock, for expiry and timestamps. Default: `Date.now`. */
  [nowSymbol]?: Clock;
}

const PREFIX = /^(?:[A-Za-z_][A-Za-z0-9_]{0,31})?$/;

function invalid(message: string, code = 'ERR_INVALID_ARG_VALUE'): TypeError {
  return Object.assign(new TypeError(message), { code });
}

/** The table prefix, checked; `'ssokit_'` when omitted. */
export function checkTablePrefix(prefix: unknown): string {
  if (prefix === undefined) return 'ssokit_';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw invalid(
      `"options.tablePrefix" must be letters, digits and "_" (at most 32, not starting with a digit). Received ${JSON.stringify(prefix)}.`,
      typeof prefix === 'string' ? 'ERR_INVALID_ARG_VALUE' : 'ERR_INVALID_ARG_TYPE',
    );
  }
  return prefix;
}

/** A whole number option within bounds, or its default. */
export function checkInteger(
  value: unknown,
  path: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`"${path}" must be a whole number from ${min} to ${max}. Received ${String(value)}.`);
  }
  return value;
}

/** Checks that exactly one of `dialect` and `db` is given. */
export function checkTarget(options: SqlStorageOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw invalid('"options" must be an object with a "dialect" or a "db".', 'ERR_INVALID_ARG_TYPE');
  }
  if ((options.dialect === undefined) === (options.db === undefined)) {
    throw invalid('Give exactly one of "options.dialect" and "options.db".');
  }
}
