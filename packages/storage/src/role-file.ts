/**
 * What `RoleStore.applyFromFile` does, decided once for every store: given the stored roles and a
 * file's checked roles, which to create, update, delete and leave alone, or the conflict that stops
 * it. A store reads its roles (locked, in its transaction), calls {@link planRoleFile}, and writes the
 * plan.
 *
 * @module
 */
import { foldCase } from '@ssokit/core';
import { storageErrors } from './adapter-helpers.ts';
import type { CheckedRole, RoleFileResult, StoredRole } from './roles.ts';

/** The writes of one `applyFromFile`. */
export interface RoleFilePlan {
  /** Roles to store with `source: 'file'`, in the file's order. */
  create: CheckedRole[];
  /** Stored roles of this origin to bring back to the file's definition (`next`), with a later `updatedAt`. */
  update: { current: StoredRole; next: CheckedRole }[];
  /** Stored roles of this origin the file no longer defines. */
  remove: StoredRole[];
  /** Stored roles already as the file says: not written. */
  unchanged: StoredRole[];
}

const sorted = (list: readonly string[]) => [...list].sort();

/**
 * Whether a stored role is exactly what a checked definition says. The order of resources, of
 * actions and of connections carries no meaning and is not compared; the case of the name is.
 *
 * @example
 * ```ts
 * import { checkRole, sameRoleDefinition } from '@ssokit/storage';
 *
 * sameRoleDefinition(checkRole({ name: 'a', permissions: { m: ['write', 'read'] } }),
 *   checkRole({ name: 'a', permissions: { m: ['read', 'write'] } })); // true
 * ```
 */
export function sameRoleDefinition(a: CheckedRole, b: CheckedRole): boolean {
  if (
    a.name !== b.name ||
    a.scope !== b.scope ||
    a.organizationId !== b.organizationId ||
    a.description !== b.description ||
    JSON.stringify(sorted(a.grantedBy)) !== JSON.stringify(sorted(b.grantedBy))
  )
    return false;
  const resources = Object.keys(a.permissions);
  if (resources.length !== Object.keys(b.permissions).length) return false;
  return resources.every((resource) => {
    const other = Object.hasOwn(b.permissions, resource) ? b.permissions[resource] : undefined;
    return (
      other !== undefined &&
      JSON.stringify(sorted(a.permissions[resource] ?? [])) === JSON.stringify(sorted(other))
    );
  });
}

/**
 * Plans an `applyFromFile` of `file` (checked with `checkRoleFile`) from `origin` over the stored
 * roles `current`. Throws `storage_conflict` (`details.reason: 'role_name'`) when a role of the file
 * shares its name, case-insensitively, with a role from the API or from another origin: the file
 * never overwrites them, and the caller writes nothing.
 *
 * @example
 * ```ts
 * import { checkRoleFile, planRoleFile } from '@ssokit/storage';
 *
 * const { roles, origin } = checkRoleFile([{ name: 'idp-admin' }], 'arthur.yaml');
 * const plan = planRoleFile(await storage.roles?.list() ?? [], roles, origin);
 * plan.create.map((r) => r.name); // ['idp-admin'] the first time, [] after
 * ```
 */
export function planRoleFile(
  current: readonly StoredRole[],
  file: readonly CheckedRole[],
  origin: string,
): RoleFilePlan {
  const byName = new Map(current.map((role) => [foldCase(role.name), role]));
  const plan: RoleFilePlan = { create: [], update: [], remove: [], unchanged: [] };
  const blocked: StoredRole[] = [];
  const defined = new Set<string>();
  for (const next of file) {
    const key = foldCase(next.name);
    defined.add(key);
    const stored = byName.get(key);
    if (!stored) plan.create.push(next);
    else if (stored.source !== 'file' || stored.origin !== origin) blocked.push(stored);
    else if (sameRoleDefinition(next, stored)) plan.unchanged.push(stored);
    else plan.update.push({ current: stored, next });
  }
  if (blocked.length > 0) throw storageErrors.roleFileConflict(origin, blocked);
  for (const stored of current)
    if (stored.source === 'file' && stored.origin === origin && !defined.has(foldCase(stored.name)))
      plan.remove.push(stored);
  return plan;
}

/**
 * Whether a plan writes nothing: the usual start-up, where a store then returns without a write.
 *
 * @example
 * ```ts
 * import { planIsEmpty, planRoleFile } from '@ssokit/storage';
 *
 * planIsEmpty(planRoleFile([], [], 'arthur.yaml')); // true
 * ```
 */
export function planIsEmpty(plan: RoleFilePlan): boolean {
  return plan.create.length + plan.update.length + plan.remove.length === 0;
}

/**
 * What `applyFromFile` returns for a plan it wrote (or found empty): the names of each kind.
 *
 * @example
 * ```ts
 * import { planRoleFile, roleFileResult } from '@ssokit/storage';
 *
 * roleFileResult(planRoleFile([], [], 'arthur.yaml')); // { created: [], updated: [], removed: [], unchanged: [] }
 * ```
 */
export function roleFileResult(plan: RoleFilePlan): RoleFileResult {
  return {
    created: plan.create.map((r) => r.name),
    updated: plan.update.map((u) => u.next.name),
    removed: plan.remove.map((r) => r.name),
    unchanged: plan.unchanged.map((r) => r.name),
  };
}
