/**
 * How Redis failures become `SsoError`s: `storage_unavailable` when Redis cannot be reached or answer
 * (refused, closed or reset connection, retries exhausted, command timeout, failover in progress),
 * `storage_failure` for anything else Redis refused. Messages are built here from fixed words and
 * error codes, never from a driver's message, so no host name, URL or password can reach them; the
 * driver's error is kept as `cause`.
 *
 * @module
 */
import { SsoError } from '@ssokit/core';

/** Replies that mean "try again": the server is loading, failing over or has lost its cluster. */
const transientReplies = new Set(['LOADING', 'MASTERDOWN', 'CLUSTERDOWN', 'TRYAGAIN', 'READONLY', 'BUSY']);

/** Driver messages (fixed texts of ioredis) that mean the connection is gone or never came. */
const unreachableMessages: ReadonlyArray<[RegExp, string]> = [
  [/^Connection is closed/, 'connection closed'],
  [/^Command timed out/, 'command timed out'],
  [/enableOfflineQueue/, 'not connected'],
  [/^Failed to refresh slots cache/, 'cluster unreachable'],
  [/^None of startup nodes is available/, 'cluster unreachable'],
  [/^All sentinels are unreachable/, 'sentinels unreachable'],
];

/** A word naming the failure, from the error's code or class, never its free text. */
function reasonOf(error: unknown): { unavailable: boolean; reason: string } {
  if (!(error instanceof Error)) return { unavailable: false, reason: 'unknown' };
  const { name, message } = error;
  const code = (error as { code?: unknown }).code;
  if (name === 'ReplyError') {
    const word = /^[A-Z]+/.exec(message)?.[0] ?? 'ERR';
    return { unavailable: transientReplies.has(word), reason: word };
  }
  if (name === 'MaxRetriesPerRequestError') return { unavailable: true, reason: 'retries exhausted' };
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return { unavailable: true, reason: code };
  for (const [pattern, reason] of unreachableMessages)
    if (pattern.test(message)) return { unavailable: true, reason };
  if (name === 'AbortError' || name === 'ClusterAllFailedError')
    return { unavailable: true, reason: 'connection lost' };
  return { unavailable: false, reason: name || 'Error' };
}

/**
 * The `SsoError` for a failed Redis call made while doing `action` (e.g. `'taking a login transaction'`):
 * `storage_unavailable` when Redis cannot be reached, `storage_failure` otherwise. Internal: every
 * command of this package goes through it.
 */
export function toStorageError(error: unknown, action: string): SsoError {
  const { unavailable, reason } = reasonOf(error);
  return unavailable
    ? new SsoError(
        'storage_unavailable',
        `Redis could not be reached while ${action} (${reason}). It works again as soon as Redis is back; if this lasts, check the client's host, port and password (the driver's error, in "cause", names the address).`,
        { cause: error, details: { reason } },
      )
    : new SsoError('storage_failure', `Redis failed while ${action} (${reason}).`, {
        cause: error,
        details: { reason },
      });
}

/**
 * Runs one call to Redis and maps what it throws with {@link toStorageError}. Argument checks are made
 * before, so a host's mistake stays a `TypeError`.
 *
 * @example
 * ```ts
 * const value = await guard('taking a login transaction', () => redis.getdel(key));
 * ```
 */
export async function guard<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStorageError(error, action);
  }
}
