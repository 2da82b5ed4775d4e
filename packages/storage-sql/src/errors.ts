/**
 * Driver errors of `pg`, `mysql2` and `node:sqlite`, mapped to the `SsoError`s every ssokit store
 * throws: an unreachable database is `storage_unavailable`, a unique-key violation is the conflict
 * the interface promises, anything else is `storage_failure` with the driver's error as `cause`.
 * Messages never include a connection string or a password.
 *
 * @module
 */
import { SsoError } from '@ssokit/core';

type ErrorLike = {
  code?: unknown;
  errno?: unknown;
  errcode?: unknown;
  constraint?: unknown;
  message?: unknown;
  fatal?: unknown;
  cause?: unknown;
  errors?: unknown;
};

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  '57P01', // admin_shutdown (pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);
const UNREACHABLE_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|not queryable|connection is in closed state|connection lost|pool is closed|cannot use a pool after calling end|database is locked/i;
/** SQLite result codes: SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CANTOPEN. */
const SQLITE_UNREACHABLE = new Set([5, 6, 14]);

/** The error and its causes (`cause`, the members of an `AggregateError`), depth-first. */
function* chain(error: unknown, depth = 0): Generator<ErrorLike> {
  if (depth > 5 || typeof error !== 'object' || error === null) return;
  const e = error as ErrorLike;
  yield e;
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* chain(inner, depth + 1);
  yield* chain(e.cause, depth + 1);
}

/** The short code that names why the database is unreachable, or `undefined` when it is reachable. */
export function unreachableCode(error: unknown): string | undefined {
  for (const e of chain(error)) {
    if (typeof e.code === 'string' && (UNREACHABLE_CODES.has(e.code) || e.code.startsWith('08')))
      return e.code;
    if (typeof e.errcode === 'number' && SQLITE_UNREACHABLE.has(e.errcode & 0xff)) return 'SQLITE_BUSY';
    if (e.fatal === true) return typeof e.code === 'string' ? e.code : 'fatal';
    if (typeof e.message === 'string' && UNREACHABLE_MESSAGES.test(e.message)) return 'connection_lost';
  }
  return undefined;
}

/**
 * The text naming the violated unique key (PostgreSQL's constraint name, MySQL's and SQLite's
 * message), or `undefined` when `error` is not a unique-key violation.
 */
export function uniqueViolation(error: unknown): string | undefined {
  const e = (error ?? {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : '';
  if (e.code === '23505') return `${String(e.constraint ?? '')} ${message}`;
  if (e.code === 'ER_DUP_ENTRY' || e.errno === 1062) return message;
  if (e.errcode === 2067 || e.errcode === 1555 || /^UNIQUE constraint failed/.test(message)) return message;
  return undefined;
}

/** Whether the database aborted a transaction to break a deadlock or a serialization conflict. */
export function isRetryable(error: unknown): boolean {
  const e = (error ?? {}) as ErrorLike;
  return e.code === '40P01' || e.code === '40001' || e.errno === 1213 || e.code === 'ER_LOCK_DEADLOCK';
}

/**
 * Turns whatever a store operation threw into what ssokit callers expect: `SsoError`s and coded
 * `TypeError`s pass through; an unreachable database becomes `storage_unavailable`; any other
 * driver error `storage_failure`.
 *
 * @example
 * ```ts
 * import { toStorageError } from '@ssokit/storage-sql';
 *
 * try { await db.selectFrom('ssokit_users').selectAll().execute(); }
 * catch (error) { throw toStorageError(error); } // SsoError('storage_unavailable') when the server is down
 * ```
 */
export function toStorageError(error: unknown): Error {
  if (error instanceof SsoError) return error;
  if (error instanceof TypeError && typeof (error as ErrorLike).code === 'string') return error;
  const unreachable = unreachableCode(error);
  if (unreachable) {
    return new SsoError(
      'storage_unavailable',
      `The SQL database cannot be reached (${unreachable}); try again once it is back. If this lasts, check the database's host, port and credentials in the dialect's settings (the driver's error, in "cause", names the address).`,
      { cause: error },
    );
  }
  const code = (error as ErrorLike | null)?.code;
  return new SsoError(
    'storage_failure',
    `The SQL database failed${typeof code === 'string' ? ` (${code})` : ''}.`,
    { cause: error },
  );
}
