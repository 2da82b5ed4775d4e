import { createHash } from 'node:crypto';
import type { Clock } from '@ssokit/core';
import type { InsertQueryBuilder, Kysely, Transaction } from 'kysely';
import { MysqlAdapter, PostgresAdapter, SqliteAdapter } from 'kysely';
import { isRetryable, toStorageError } from '../errors.ts';
import type { SqlStorageDatabase } from '../schema.ts';

/** The SQL flavour a query is written for. */
export type Flavor = 'postgres' | 'mysql' | 'sqlite';

/** What every part of the store shares. */
export interface StoreContext {
  db: Kysely<SqlStorageDatabase>;
  flavor: Flavor;
  clock: Clock;
  /** The most values one `IN (...)` list or multi-row insert carries. */
  batchSize: number;
}

export type Db = Kysely<SqlStorageDatabase> | Transaction<SqlStorageDatabase>;

/** The flavour of a Kysely instance, from its dialect's adapter. */
export function flavorOf(db: Kysely<unknown>): Flavor {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw Object.assign(
    new TypeError(
      '"options.dialect" must be a PostgreSQL, MySQL/MariaDB or SQLite dialect of Kysely (PostgresDialect, MysqlDialect, SqliteDialect, nodeSqliteDialect()).',
    ),
    { code: 'ERR_INVALID_ARG_VALUE' },
  );
}

/** SHA-256, hex: the fixed-length key of a value of any length. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `values` in slices of at most `size`. */
export function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** Epoch milliseconds from a BIGINT column (`pg` returns them as strings). */
export const ms = (value: number | string | bigint): number => Number(value);

/** An insert that skips rows whose key exists, in the flavour's words. */
export function orIgnore<T extends keyof SqlStorageDatabase, O>(
  flavor: Flavor,
  query: InsertQueryBuilder<SqlStorageDatabase, T, O>,
): InsertQueryBuilder<SqlStorageDatabase, T, O> {
  return flavor === 'postgres' ? query.onConflict((oc) => oc.doNothing()) : query.ignore();
}

/**
 * Runs `work` in one database transaction, again (up to three times) when the database aborted it to
 * break a deadlock.
 */
export async function inTransaction<T>(
  ctx: StoreContext,
  work: (trx: Transaction<SqlStorageDatabase>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction().execute(work);
    } catch (error) {
      if (attempt < 3 && isRetryable(error)) continue;
      throw error;
    }
  }
}

/** `SELECT ... FOR UPDATE` where the flavour has it (SQLite locks the whole file on write anyway). */
export const lockRows = (flavor: Flavor) => flavor !== 'sqlite';

/**
 * Wraps every method of a store part so that what it throws is an `SsoError` (errors.ts): callers
 * never see a raw driver error.
 */
export function guarded<T extends object>(part: T): T {
  const out = {} as Record<string, unknown>;
  for (const [name, value] of Object.entries(part)) {
    out[name] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...a: unknown[]) => Promise<unknown>).apply(part, args);
            } catch (error) {
              throw toStorageError(error);
            }
          }
        : value;
  }
  return out as T;
}

/** A coded `TypeError` unless `value` is a non-empty string of at most `max` characters. */
export function checkText(value: unknown, max: number, path: string): string {
  if (typeof value !== 'string' || value === '' || value.length > max) {
    throw Object.assign(
      new TypeError(
        `"${path}" must be a non-empty string of at most ${max} characters. Received ${
          typeof value === 'string' ? `${value.length} characters` : typeof value
        }.`,
      ),
      { code: typeof value === 'string' ? 'ERR_INVALID_ARG_VALUE' : 'ERR_INVALID_ARG_TYPE' },
    );
  }
  return value;
}

/** Like {@link checkText}, for an optional value. */
export function checkOptionalText(value: unknown, max: number, path: string): string | undefined {
  return value === undefined ? undefined : checkText(value, max, path);
}
