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
import { type Connection, printable, SsoError } from '@ssokit/core';
import type { StoredRole } from './roles.ts';
import type { ConnectionPatch } from './types.ts';

/**
 * Throws a coded `TypeError` (`ERR_INVALID_ARG_VALUE`) unless `ttlMs` is a positive, finite number of
 * milliseconds.
 *
 * @example
 * ```ts
 * import { assertTtl } from '@ssokit/storage';
 *
 * assertTtl(10 * 60_000); // ten minutes: fine
 * assertTtl(0); // throws: "ttlMs" must be a positive number of milliseconds. Received 0.
 * ```
 */
export function assertTtl(ttlMs: number): void {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw Object.assign(
      new TypeError(`"ttlMs" must be a positive number of milliseconds. Received ${String(ttlMs)}.`),
      { code: 'ERR_INVALID_ARG_VALUE' },
    );
  }
}

/**
 * The next `updatedAt` of a connection: now, or one millisecond after the previous one, whichever is
 * later. Every write gets a strictly later stamp, so it can serve as the optimistic-concurrency token
 * even when two writes fall in the same millisecond.
 *
 * @example
 * ```ts
 * import { nextUpdatedAt } from '@ssokit/storage';
 *
 * const previous = new Date('2026-01-01T00:00:00.000Z');
 * nextUpdatedAt(previous, previous.getTime()); // 2026-01-01T00:00:00.001Z
 * nextUpdatedAt(previous, Date.parse('2026-02-01T00:00:00Z')); // 2026-02-01T00:00:00.000Z
 * ```
 */
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

/**
 * Whether two instants are equal to the millisecond: how a store compares the `updatedAt` a caller
 * read with the stored one. `false` when either is not a `Date`.
 *
 * @example
 * ```ts
 * import { sameInstant, storageErrors } from '@ssokit/storage';
 *
 * if (!sameInstant(current.updatedAt, expectedUpdatedAt)) throw storageErrors.staleConnection(current);
 * ```
 */
export function sameInstant(a: Date, b: Date): boolean {
  return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
}

/**
 * The errors the store interfaces promise, built alike by every adapter: each method returns the
 * {@link SsoError} (code, message, details) for the adapter to throw.
 *
 * @example
 * ```ts
 * import { storageErrors } from '@ssokit/storage';
 *
 * const row = await db.findConnection(id);
 * if (!row) throw storageErrors.connectionNotFound(id); // code 'connection_not_found'
 * ```
 */
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
  /**
   * `storage_conflict` (`reason: 'role_name'`): a role already has the name, case-insensitively.
   * `details` name the role holding it, its `source` and, for a file role, its `origin`.
   */
  roleNameTaken(holder: Pick<StoredRole, 'name' | 'source' | 'origin'>): SsoError {
    const from = holder.source === 'file' ? ` (from the file "${holder.origin}")` : '';
    return new SsoError(
      'storage_conflict',
      `A role named "${holder.name}"${from} already exists; role names are unique across the installation, whatever their case.`,
      { details: roleDetails(holder) },
    );
  },
  /**
   * `storage_conflict` (`reason: 'role_name'`): `applyFromFile` would overwrite roles from the API or
   * from another file. `details` name the first; `details.names` all of them.
   */
  roleFileConflict(
    origin: string,
    holders: readonly Pick<StoredRole, 'name' | 'source' | 'origin'>[],
  ): SsoError {
    const first = holders[0] as Pick<StoredRole, 'name' | 'source' | 'origin'>;
    const what =
      first.source === 'file' ? `comes from the file "${first.origin}"` : 'was created through the admin API';
    return new SsoError(
      'storage_conflict',
      `The file "${origin}" defines the role "${first.name}", which ${what}; a file never overwrites it. Rename the role in the file, or delete the other role${holders.length > 1 ? ` (${holders.length} roles conflict)` : ''}.`,
      { details: { ...roleDetails(first), file: origin, names: holders.map((h) => h.name) } },
    );
  },
  /** `storage_conflict` (`reason: 'missing'`): no role has the name. */
  roleNotFound(name: string): SsoError {
    const shown = printable(String(name), 128);
    return new SsoError('storage_conflict', `No role is named "${shown}".`, {
      details: { reason: 'missing', name: shown },
    });
  },
  /** `concurrent_update`: a role write was given a stale `updatedAt`. */
  staleRole(current: Pick<StoredRole, 'name' | 'updatedAt'>): SsoError {
    return new SsoError(
      'concurrent_update',
      `The role "${current.name}" was changed by someone else; reload it and apply your change again.`,
      { details: { name: current.name, updatedAt: current.updatedAt.toISOString() } },
    );
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

function roleDetails(holder: Pick<StoredRole, 'name' | 'source' | 'origin'>): Record<string, unknown> {
  return {
    reason: 'role_name',
    name: holder.name,
    source: holder.source,
    ...(holder.origin !== undefined ? { origin: holder.origin } : {}),
  };
}
