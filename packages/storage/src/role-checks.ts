/**
 * The checks of role definitions, shared by every store so that they all accept and refuse the same
 * roles: shapes and bounds ({@link roleLimits}), patches, and a file's list of roles.
 *
 * @module
 */
import type { RoleDefinition } from '@ssokit/core';
import { foldCase } from '@ssokit/core';
import type { CheckedRole, RolePatch, StoredRole } from './roles.ts';

/**
 * The bounds of a role definition, in characters unless said otherwise. Longer or larger input is a
 * coded `TypeError` (`ERR_INVALID_ARG_VALUE`), never cut: a cut permission would grant something else.
 *
 * @example
 * ```ts
 * import { roleLimits } from '@ssokit/storage';
 *
 * const fits = (resource: string) => resource.length <= roleLimits.permission; // 128
 * ```
 */
export const roleLimits = {
  /** A role's name (an IdP group's name, under Arthur's rule). */
  name: 128,
  /** An organization-scoped role's organization id. */
  organizationId: 128,
  /** The most resources in one role's `permissions`. */
  resources: 200,
  /** The most actions per resource. */
  actions: 50,
  /** A resource or an action. */
  permission: 128,
  /** The most connections in `grantedBy`. */
  grantedBy: 100,
  /** A connection id in `grantedBy` (`'*'` for every connection). */
  connectionId: 128,
  description: 1000,
  /** The `origin` of `applyFromFile` (the file's label). */
  origin: 255,
  /** The most roles one `applyFromFile` call defines. */
  fileRoles: 1000,
} as const;

/** Characters no name may hold: controls, invisible formatting (bidi, zero-width), line breaks, lone surrogates. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
/** Control characters other than tab and newline, which a description may hold. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it refuses.
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\p{Cs}]/u;

function invalid(path: string, message: string, code = 'ERR_INVALID_ARG_VALUE'): TypeError {
  return Object.assign(new TypeError(`"${path}" ${message}.`), { code, path });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A visible name: 1 to `max` characters, no hidden ones, no space at either end. */
function name(value: unknown, max: number, path: string): string {
  if (typeof value !== 'string') throw invalid(path, 'must be a string', 'ERR_INVALID_ARG_TYPE');
  if (value.length === 0 || value.length > max)
    throw invalid(path, `must be 1 to ${max} characters long (it has ${value.length})`);
  if (HIDDEN.test(value))
    throw invalid(path, 'must not contain control, invisible or line-breaking characters');
  if (value.trim() !== value) throw invalid(path, 'must not begin or end with white space');
  return value;
}

/** A list of names, each kept once, in first-seen order. */
function names(value: unknown, maxItems: number, maxLength: number, path: string): string[] {
  if (!Array.isArray(value)) throw invalid(path, 'must be an array of strings', 'ERR_INVALID_ARG_TYPE');
  if (value.length > maxItems) throw invalid(path, `must have at most ${maxItems} entries`);
  return [...new Set(value.map((item, i) => name(item, maxLength, `${path}[${i}]`)))];
}

/**
 * Checks a role definition and returns it normalised ({@link CheckedRole}): a name of 1 to 128
 * visible characters; `scope` `'global'` (the default) or `'organization'` with an `organizationId` of
 * 1 to 128 (and no `organizationId` on a global role); `permissions` a record of at most 200 resources,
 * each a list of at most 50 actions, every resource and action 1 to 128 characters; `grantedBy` at
 * most 100 connection ids (or `'*'`); a `description` of at most 1000 characters. Repeated actions and
 * connections are kept once; unknown fields are dropped. Anything else is a coded `TypeError`
 * (`ERR_INVALID_ARG_VALUE`, or `ERR_INVALID_ARG_TYPE` for a wrong type) whose message and `path`
 * property name the field. Every store calls it before writing; a server can call it first to answer
 * a bad request field by field.
 *
 * @param path How the message names the role (`'role'`, `'roles[2]'`).
 *
 * @example
 * ```ts
 * import { checkRole } from '@ssokit/storage';
 *
 * checkRole({ name: 'idp-admin', permissions: { model: ['read', 'read'] } });
 * // { name: 'idp-admin', scope: 'global', permissions: { model: ['read'] }, grantedBy: [] }
 * checkRole({ name: 'org-owner', scope: 'organization' }); // throws: "role.organizationId" must be a string
 * ```
 */
export function checkRole(role: RoleDefinition, path = 'role'): CheckedRole {
  if (!isRecord(role)) throw invalid(path, 'must be an object', 'ERR_INVALID_ARG_TYPE');
  const checked: CheckedRole = {
    name: name(role.name, roleLimits.name, `${path}.name`),
    scope: 'global',
    permissions: {},
    grantedBy: [],
  };
  const scope = role.scope ?? 'global';
  if (scope === 'organization') {
    checked.scope = 'organization';
    checked.organizationId = name(role.organizationId, roleLimits.organizationId, `${path}.organizationId`);
  } else if (scope !== 'global') {
    throw invalid(`${path}.scope`, 'must be "global" or "organization"');
  } else if (role.organizationId !== undefined) {
    throw invalid(`${path}.organizationId`, 'is only for a role of scope "organization"');
  }

  const permissions = role.permissions ?? {};
  if (!isRecord(permissions))
    throw invalid(`${path}.permissions`, 'must be an object of resource → actions', 'ERR_INVALID_ARG_TYPE');
  const resources = Object.keys(permissions);
  if (resources.length > roleLimits.resources)
    throw invalid(`${path}.permissions`, `must have at most ${roleLimits.resources} resources`);
  for (const [i, resource] of resources.entries()) {
    // The path names the resource only once it is known to be a short, visible string.
    name(resource, roleLimits.permission, `${path}.permissions (resource #${i + 1})`);
    const at = `${path}.permissions[${JSON.stringify(resource)}]`;
    const actions = names(permissions[resource], roleLimits.actions, roleLimits.permission, at);
    // A "__proto__" resource stays a resource, never a prototype.
    Object.defineProperty(checked.permissions, resource, {
      value: actions,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }

  if (role.grantedBy !== undefined)
    checked.grantedBy = names(
      role.grantedBy,
      roleLimits.grantedBy,
      roleLimits.connectionId,
      `${path}.grantedBy`,
    );
  if (role.description !== undefined) {
    const d = role.description;
    if (typeof d !== 'string')
      throw invalid(`${path}.description`, 'must be a string', 'ERR_INVALID_ARG_TYPE');
    if (d.length > roleLimits.description)
      throw invalid(`${path}.description`, `must be at most ${roleLimits.description} characters long`);
    if (CONTROL_BUT_LAYOUT.test(d))
      throw invalid(`${path}.description`, 'must not contain control characters other than tab and newline');
    if (d !== '') checked.description = d;
  }
  return checked;
}

const has = (patch: object, key: string) => Object.hasOwn(patch, key);

/**
 * The role `current` becomes under `patch` ({@link RolePatch}), checked by {@link checkRole}: a
 * coded `TypeError` for a malformed result or a patch that changes the name other than in case.
 * Stores call it, then write the result with a later `updatedAt`.
 *
 * @example
 * ```ts
 * import { applyRolePatch, checkRole } from '@ssokit/storage';
 *
 * const current = { ...checkRole({ name: 'org-owner', scope: 'organization', organizationId: 'org-1' }),
 *   source: 'api' as const, createdAt: new Date(), updatedAt: new Date() };
 * applyRolePatch(current, { scope: 'global' }); // { name: 'org-owner', scope: 'global', ... } without organizationId
 * ```
 */
export function applyRolePatch(current: StoredRole, patch: RolePatch): CheckedRole {
  if (!isRecord(patch)) throw invalid('patch', 'must be an object', 'ERR_INVALID_ARG_TYPE');
  let newName = current.name;
  if (patch.name !== undefined) {
    newName = name(patch.name, roleLimits.name, 'patch.name');
    if (foldCase(newName) !== foldCase(current.name))
      throw invalid(
        'patch.name',
        `cannot rename the role "${current.name}": a role's name is its identity; delete it and create another`,
      );
  }
  const { source: _s, origin: _o, createdAt: _c, updatedAt: _u, ...definition } = current;
  const next: Record<string, unknown> = { ...definition, name: newName };
  for (const key of ['scope', 'organizationId', 'permissions', 'description', 'grantedBy'] as const)
    if (has(patch, key)) next[key] = patch[key];
  if (patch.scope === 'global' && !has(patch, 'organizationId')) delete next.organizationId;
  return checkRole(next as unknown as RoleDefinition, 'patch');
}

/**
 * A file's roles and origin, checked: at most 1000 roles, each by {@link checkRole} (as
 * `roles[i]`), no name twice case-insensitively, and an origin of 1 to 255 visible characters. A
 * coded `TypeError` otherwise, before anything is read or written.
 *
 * @example
 * ```ts
 * import { checkRoleFile } from '@ssokit/storage';
 *
 * checkRoleFile([{ name: 'idp-admin' }, { name: 'IDP-admin' }], 'arthur.yaml'); // throws: roles[1] repeats roles[0]
 * ```
 */
export function checkRoleFile(
  roles: readonly RoleDefinition[],
  origin: string,
): { roles: CheckedRole[]; origin: string } {
  const checkedOrigin = name(origin, roleLimits.origin, 'origin');
  if (!Array.isArray(roles)) throw invalid('roles', 'must be an array of roles', 'ERR_INVALID_ARG_TYPE');
  if (roles.length > roleLimits.fileRoles)
    throw invalid('roles', `must have at most ${roleLimits.fileRoles} roles`);
  const seen = new Map<string, number>();
  const checked = roles.map((role, i) => {
    const c = checkRole(role, `roles[${i}]`);
    const first = seen.get(foldCase(c.name));
    if (first !== undefined)
      throw invalid(
        `roles[${i}].name`,
        `repeats the role "${roles[first]?.name}" of roles[${first}]; role names are unique case-insensitively`,
      );
    seen.set(foldCase(c.name), i);
    return c;
  });
  return { roles: checked, origin: checkedOrigin };
}
