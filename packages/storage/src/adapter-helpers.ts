/**
 * What every storage adapter needs to behave alike: argument checks, the `updatedAt` rule and the
 * errors the interfaces promise, with their codes and messages. `memoryStorage()` and the SQL and
 * Redis adapters use these; a custom adapter should too.
 *
 * @example
 * ```ts
 * import { assertTtl, storageErrors } from '@ssokit/storage';
 *
 * async function put(key: string, value: object, ttlMs: number) {
 *   assertTtl(ttlMs); // a coded TypeError for 0, NaN, Infinity
 *   if (await exists(key)) throw storageErrors.idTaken('transaction', key);
 * }
 * ```
 *
 * @module
 */
import { type Connection, SsoError } from '@ssokit/core';
import type { ConnectionPatch } from './types.ts';

/** Throws a coded `TypeError` (`ERR_INVALID_ARG_VALUE`) unless `ttlMs` is a positive, finite number of milliseconds. */
export function assertTtl(ttlMs: number): void {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw Object.assign(
      new TypeError(`"ttlMs" must be a positive number of milliseconds. Received ${String(ttlMs)}.`),
      { code: 'ERR_INVALID_ARG_VALUE' },
    );
  }
}

/** The next `updatedAt` of a connection: now, or one millisecond after the previous one, whichever is later. */
export function nextUpdatedAt(previous: Date, now: number): Date {
  return new Date(Math.max(now, previous.getTime() + 1));
}

/**
 * The fields of a connection patch a store writes: what the caller gave, without `id`, `createdAt`,
 * `updatedAt` (the store's to set) and `protocol` (a connection's never changes).
 *
 * @example
 * ```ts
 * import { connectionPatchFields } from '@ssokit/storage';
 *
 * connectionPatchFields({ name: 'Okta', protocol: 'saml' } as never); // { name: 'Okta' }
 * ```
 */
export function connectionPatchFields(patch: ConnectionPatch): Record<string, unknown> {
  const { id: _i, createdAt: _c, updatedAt: _u, protocol: _p, ...fields } = patch as Record<string, unknown>;
  return fields;
}

/** Whether two instants are equal to the millisecond. */
export function sameInstant(a: Date, b: Date): boolean {
  return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
}

/** The errors the store interfaces promise, built alike by every adapter. */
export const storageErrors = {
  /** `connection_not_found`. */
  connectionNotFound(id: string): SsoError {
    return new SsoError('connection_not_found', `No connection has the id "${id}".`, { details: { id } });
  },
  /** `connection_name_taken`. */
  connectionNameTaken(name: string): SsoError {
    return new SsoError(
      'connection_name_taken',
      `A connection named "${name}" already exists; connection names must be unique.`,
      { details: { name } },
    );
  },
  /** `concurrent_update`: the write was given a stale `updatedAt`. */
  staleConnection(current: Pick<Connection, 'id' | 'name' | 'updatedAt'>): SsoError {
    return new SsoError(
      'concurrent_update',
      `The connection "${current.name}" was changed by someone else; reload it and apply your change again.`,
      { details: { id: current.id, updatedAt: current.updatedAt.toISOString() } },
    );
  },
  /** `storage_conflict` (`reason: 'email'`). */
  emailTaken(): SsoError {
    return new SsoError('storage_conflict', 'Another user already has this email address.', {
      details: { reason: 'email' },
    });
  },
  /** `storage_conflict` (`reason: 'id'`). */
  idTaken(kind: string, id: string): SsoError {
    return new SsoError('storage_conflict', `A ${kind} with id "${id}" already exists.`, {
      details: { reason: 'id' },
    });
  },
  /** `storage_conflict` (`reason: 'missing'`). */
  missing(message: string): SsoError {
    return new SsoError('storage_conflict', message, { details: { reason: 'missing' } });
  },
  /** `storage_conflict` (`reason: 'identity'`): a concurrent login linked or moved the identity. */
  identityChanged(linkedConcurrently: boolean): SsoError {
    return new SsoError(
      'storage_conflict',
      linkedConcurrently
        ? 'This identity was linked by a concurrent login.'
        : 'The identity link changed during the login.',
      { details: { reason: 'identity' } },
    );
  },
};
