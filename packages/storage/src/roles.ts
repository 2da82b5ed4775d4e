/**
 * The role store: the host app's role definitions (Arthur's custom roles), each with a name unique
 * across the installation, a scope (global or one organization), permissions as resource → actions,
 * and the connections allowed to grant it. Roles come from the admin API (`source: 'api'`) or from a
 * configuration file applied at every start-up (`source: 'file'`, Arthur's `globalRoleDefs`).
 *
 * @module
 */
import type { RoleDefinition, RoleScope } from '@ssokit/core';

/** Where a stored role comes from: the admin API (or any `create`), or a configuration file. */
export type RoleSource = 'api' | 'file';

/**
 * A role definition as {@link checkRole} returns it: every field checked and normalised, the
 * defaults written out (`scope: 'global'`, `permissions: {}`, `grantedBy: []`), repeated actions and
 * connections kept once, unknown fields dropped.
 */
export interface CheckedRole extends RoleDefinition {
  name: string;
  scope: RoleScope;
  /** Present exactly when `scope` is `'organization'`. */
  organizationId?: string;
  permissions: Record<string, string[]>;
  /** Absent rather than empty. */
  description?: string;
  grantedBy: string[];
}

/**
 * A stored role: its definition and where it comes from. A `RoleDefinition` too, so a list of stored
 * roles can go straight to `compileRoleMatcher({ roleDefinitions })`.
 *
 * @example
 * ```ts
 * import type { StoredRole } from '@ssokit/storage';
 *
 * const fromFile: StoredRole = {
 *   name: 'idp-admin',
 *   scope: 'global',
 *   permissions: { custom_roles: ['read', 'write', 'delete'] },
 *   grantedBy: ['*'],
 *   source: 'file',
 *   origin: 'arthur.yaml',
 *   createdAt: new Date(),
 *   updatedAt: new Date(),
 * };
 * ```
 */
export interface StoredRole extends CheckedRole {
  source: RoleSource;
  /** The file a `source: 'file'` role comes from, as given to `applyFromFile`; absent for API roles. */
  origin?: string;
  createdAt: Date;
  /** Every write sets a strictly later one; it doubles as the optimistic-concurrency token. */
  updatedAt: Date;
}

/**
 * The fields `RoleStore.update` replaces. A field given as `undefined` is removed (`description`,
 * `organizationId`) or reset to its default (`scope`, `permissions`, `grantedBy`); changing `scope` to
 * `'global'` removes `organizationId` unless the patch names it. `name` may only change case: a role's
 * name is its identity (IdP groups and sessions carry it), so renaming is a delete and a create.
 * `source`, `origin`, `createdAt` and `updatedAt` are the store's, and ignored.
 */
export type RolePatch = Partial<Omit<RoleDefinition, 'name'>> & {
  /** The same name in another case (`'IdP-Admin'` for `'idp-admin'`); any other name is refused. */
  name?: string;
};

/** What `RoleStore.applyFromFile` did, by role name. */
export interface RoleFileResult {
  /** Roles of the file that did not exist, now stored with `source: 'file'`. */
  created: string[];
  /** Roles of the file whose stored definition differed, now as the file says (`updatedAt` later). */
  updated: string[];
  /** Roles of this origin the file no longer defines, deleted. */
  removed: string[];
  /** Roles of the file already stored exactly as it says: not written, `updatedAt` kept. */
  unchanged: string[];
}

/**
 * Role definitions. Names are unique across the installation case-insensitively, by core's
 * `foldCase` (ASCII letters only: `IdP-Admin` and `idp-admin` are one name, the Kelvin sign never
 * folds into `k`). Every write sets a strictly later `updatedAt`, and a write given a stale one fails
 * with `concurrent_update` and changes nothing. Inputs go through {@link checkRole}; a malformed role
 * is a coded `TypeError` (`ERR_INVALID_ARG_VALUE`) naming the field.
 *
 * @example
 * ```ts
 * const roles = storage.roles;
 * if (roles) {
 *   await roles.applyFromFile([{ name: 'idp-admin', permissions: { custom_roles: ['read'] } }], 'arthur.yaml');
 *   const owner = await roles.create({
 *     name: 'org-1-model-owner', scope: 'organization', organizationId: 'org-1',
 *     permissions: { model: ['read', 'write'] }, grantedBy: ['okta-prod'],
 *   });
 *   await roles.update(owner.name, { permissions: { model: ['read'] } }, { expectedUpdatedAt: owner.updatedAt });
 * }
 * ```
 */
export interface RoleStore {
  /**
   * Every role, oldest first (creation order; an update keeps a role's place). The order is the
   * tie-break of role matching (`primaryRole` is the first granted role in this order), so it must be
   * stable across calls, restarts and instances.
   */
  list(): Promise<StoredRole[]>;
  /** The role of that name, compared case-insensitively, or `null`. */
  get(name: string): Promise<StoredRole | null>;
  /**
   * Stores a new role with `source: 'api'` and `createdAt` = `updatedAt` = now. Throws
   * `storage_conflict` (`details.reason: 'role_name'`) when a role has the name case-insensitively.
   */
  create(role: RoleDefinition): Promise<StoredRole>;
  /**
   * Replaces the patched fields if the stored `updatedAt` equals `expectedUpdatedAt`. Throws
   * `storage_conflict` (`'missing'`) for an unknown name and `concurrent_update` for a stale
   * `updatedAt`. A file role can be updated too; the next `applyFromFile` of its file puts the file's
   * definition back.
   */
  update(name: string, patch: RolePatch, options: { expectedUpdatedAt: Date }): Promise<StoredRole>;
  /**
   * Deletes a role; with `expectedUpdatedAt`, only if it is current (`concurrent_update` otherwise).
   * Returns whether it existed.
   */
  delete(name: string, options?: { expectedUpdatedAt?: Date }): Promise<boolean>;
  /**
   * Makes the roles of one file exist exactly as it says, atomically, at every start-up: roles it
   * defines are created or brought back to its definition with `source: 'file'` and `origin`; roles
   * of this `origin` it no longer defines are deleted (the file is their source); a role already as
   * the file says is not written (`updatedAt` kept), so running it again changes nothing. Roles from
   * the API and from other origins are never touched: a name the file shares with one of them fails
   * the whole call with `storage_conflict` (`'role_name'`) naming it, and nothing is written.
   * `applyFromFile([], origin)` retires a file's roles.
   *
   * @param origin A stable label of the file (`'arthur.yaml'`), 1 to 255 characters: keep it across
   *   start-ups, since it decides which roles the file owns.
   */
  applyFromFile(roles: readonly RoleDefinition[], origin: string): Promise<RoleFileResult>;
}
