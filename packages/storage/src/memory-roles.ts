/**
 * The roles of `memoryStorage()`: a map keyed by the folded name, whose insertion order is the
 * creation order `list()` promises. Every method checks and writes without awaiting midway, so each
 * is atomic, `applyFromFile` included.
 *
 * @module
 */
import { type Clock, foldCase, SsoError } from '@ssokit/core';
import { nextUpdatedAt, sameInstant, storageErrors } from './adapter-helpers.ts';
import { copy } from './internal/copy.ts';
import type { MemoryState } from './internal/memory-state.ts';
import { applyRolePatch, checkRole, checkRoleFile } from './role-checks.ts';
import { planIsEmpty, planRoleFile, roleFileResult } from './role-file.ts';
import type { CheckedRole, RoleStore, StoredRole } from './roles.ts';

/** A lookup name: any string (a name no role can have finds nothing). */
function lookup(name: string): string {
  if (typeof name !== 'string')
    throw Object.assign(new TypeError('"name" must be a string.'), { code: 'ERR_INVALID_ARG_TYPE' });
  return foldCase(name);
}

/**
 * The role store of a memory store. At most `maxEntries` roles: past it, `create` and
 * `applyFromFile` are refused with `storage_conflict` (`details.reason: 'full'`) and nothing is
 * written, so not even a runaway script can exhaust memory through the admin API.
 */
export function memoryRoles(state: MemoryState, clock: Clock, maxEntries: number): RoleStore {
  const { roles } = state;
  const full = (adding: number) => {
    if (roles.size + adding <= maxEntries) return;
    throw new SsoError('storage_conflict', `This store keeps at most ${maxEntries} roles.`, {
      details: { reason: 'full', maxEntries },
    });
  };
  const stored = (role: CheckedRole, fields: Omit<StoredRole, keyof CheckedRole>): StoredRole => ({
    ...copy(role),
    ...fields,
  });
  /** Replaces a role in place (a case change of its name keeps its key), keeping its position. */
  const put = (role: StoredRole) => roles.set(foldCase(role.name), role);

  return {
    async list() {
      return [...roles.values()].map(copy);
    },
    async get(name) {
      const found = roles.get(lookup(name));
      return found ? copy(found) : null;
    },
    async create(input) {
      const role = checkRole(input);
      const holder = roles.get(foldCase(role.name));
      if (holder) throw storageErrors.roleNameTaken(holder);
      full(1);
      const at = new Date(clock());
      const record = stored(role, { source: 'api', createdAt: at, updatedAt: at });
      put(record);
      return copy(record);
    },
    async update(name, patch, { expectedUpdatedAt }) {
      const current = roles.get(lookup(name));
      if (!current) throw storageErrors.roleNotFound(name);
      if (!sameInstant(current.updatedAt, expectedUpdatedAt)) throw storageErrors.staleRole(current);
      const next = applyRolePatch(current, patch);
      const { source, origin, createdAt } = current;
      const record = stored(next, {
        source,
        ...(origin !== undefined ? { origin } : {}),
        createdAt,
        updatedAt: nextUpdatedAt(current.updatedAt, clock()),
      });
      put(record);
      return copy(record);
    },
    async delete(name, options = {}) {
      const key = lookup(name);
      const current = roles.get(key);
      if (!current) return false;
      if (options.expectedUpdatedAt && !sameInstant(current.updatedAt, options.expectedUpdatedAt))
        throw storageErrors.staleRole(current);
      roles.delete(key);
      return true;
    },
    async applyFromFile(input, givenOrigin) {
      const { roles: file, origin } = checkRoleFile(input, givenOrigin);
      const plan = planRoleFile([...roles.values()], file, origin);
      if (planIsEmpty(plan)) return roleFileResult(plan);
      full(plan.create.length - plan.remove.length);
      const at = clock();
      for (const role of plan.remove) roles.delete(foldCase(role.name));
      for (const { current, next } of plan.update)
        put(
          stored(next, {
            source: 'file',
            origin,
            createdAt: current.createdAt,
            updatedAt: nextUpdatedAt(current.updatedAt, at),
          }),
        );
      for (const role of plan.create)
        put(stored(role, { source: 'file', origin, createdAt: new Date(at), updatedAt: new Date(at) }));
      return roleFileResult(plan);
    },
  };
}
