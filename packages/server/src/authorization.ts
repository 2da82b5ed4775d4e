/**
 * Authorization: what the roles of a session or bearer token allow, in Arthur's model. A role grants
 * actions on resources (`permissions`, resource → actions); a global role grants them everywhere, an
 * organization role only in its organization (`organizationId`). Sessions and tokens carry role names;
 * the definitions are read when a question is asked, so a changed definition counts at once.
 *
 * There are no wildcards, as in Arthur: `'*'` is an action or resource named `*`, nothing more. A
 * role name without a definition (a restore-mode `admin`, a role the host matches by rule only, a
 * definition since removed) grants nothing. A session names the connection it signed in through, and
 * a role grants it only while the role's `grantedBy` still allows that connection (as a login checks):
 * a role narrowed, or deleted and created again for other connections, stops granting at once.
 *
 * @module
 */
import type { RoleDefinition } from '@ssokit/core';

/**
 * Whose permissions are asked about: anything with `roles` (an `SsoSession`, an adapter's `SsoAuth`,
 * a `VerifiedAccessToken`), a list of role names, or nothing (`null` from `getSession`: no permission).
 *
 * @example
 * ```ts
 * import type { PermissionSubject } from '@ssokit/server';
 * declare const sso: import('@ssokit/server').Sso;
 *
 * const subjects: PermissionSubject[] = [await sso.getSession(request), ['org-1-model-owner'], null];
 * subjects.map((subject) => sso.can(subject, 'models', 'read', { organization: 'org-1' })); // [?, true, false]
 * ```
 */
export type PermissionSubject = { readonly roles: readonly string[] } | readonly string[] | null | undefined;

/**
 * Options of `sso.can()`.
 *
 * @example
 * ```ts
 * import type { CanOptions } from '@ssokit/server';
 * declare const sso: import('@ssokit/server').Sso;
 *
 * const inOrg1: CanOptions = { organization: 'org-1' };
 * sso.can(['org-1-model-owner'], 'models', 'write', inOrg1);
 * ```
 */
export interface CanOptions {
  /**
   * The organization the request acts in (the host's id, as in `RoleDefinition.organizationId`).
   * Organization roles grant only when it is theirs; without it, only global roles grant. Default:
   * none.
   */
  organization?: string | undefined;
}

/** What one role grants: where (`organization`, or everywhere) and which actions on which resources. */
interface RoleGrants {
  /** `undefined`: a global role. */
  readonly organization: string | undefined;
  readonly permissions: ReadonlyMap<string, ReadonlySet<string>>;
  /** The connections that may grant it (`'*'`: every one). */
  readonly grantedBy: ReadonlySet<string>;
}

/**
 * What decides a question besides the definitions: the role every login gets when nothing matched
 * (`defaultRole`, granted whatever `grantedBy` says, as at login).
 */
export interface PermissionPolicy {
  defaultRole?: string | undefined;
}

/** The definitions compiled for answering: one entry per role name. */
type PermissionIndex = ReadonlyMap<string, RoleGrants>;

/** One index per definitions list (its identity is its version: a new list is a new index). */
const indexes = new WeakMap<readonly RoleDefinition[], PermissionIndex>();

/** The index of `definitions`, built once per list. */
function indexOf(definitions: readonly RoleDefinition[]): PermissionIndex {
  let index = indexes.get(definitions);
  if (index) return index;
  const built = new Map<string, RoleGrants>();
  for (const definition of definitions) {
    // An organization role with no organization grants nothing: it fails closed, never global. So
    // does a scope that is neither (a typo such as 'organisation' is not global).
    const scoped =
      (definition.scope !== undefined && definition.scope !== 'global') ||
      definition.organizationId !== undefined;
    if (scoped && !definition.organizationId) continue;
    const permissions = new Map<string, ReadonlySet<string>>();
    // Object.entries: own keys only, so `constructor` or `__proto__` is never a resource by accident.
    for (const [resource, actions] of Object.entries(definition.permissions ?? {}))
      if (Array.isArray(actions)) permissions.set(resource, new Set(actions));
    built.set(definition.name, {
      organization: scoped ? definition.organizationId : undefined,
      permissions,
      grantedBy: new Set(Array.isArray(definition.grantedBy) ? definition.grantedBy : []),
    });
  }
  index = built;
  indexes.set(definitions, index);
  return index;
}

/** The role names of a subject. */
function rolesOf(subject: PermissionSubject): readonly string[] {
  if (subject === null || subject === undefined) return [];
  if (Array.isArray(subject)) return subject as readonly string[];
  const roles = (subject as { roles?: unknown }).roles;
  return Array.isArray(roles) ? roles : [];
}

/**
 * The connection a subject signed in through, when it says (a session, an adapter's `SsoAuth` of a
 * session); `undefined` for role names, bearer tokens (matched through their connection when
 * verified) and a restore-mode session, whose roles no IdP granted.
 */
function connectionOf(subject: PermissionSubject): string | undefined {
  if (subject === null || subject === undefined || Array.isArray(subject)) return undefined;
  const s = subject as { connectionId?: unknown; restore?: unknown; session?: unknown };
  const session = (typeof s.session === 'object' && s.session !== null ? s.session : s) as {
    connectionId?: unknown;
    restore?: unknown;
  };
  if (session.restore === true) return undefined;
  return typeof session.connectionId === 'string' ? session.connectionId : undefined;
}

/** The roles of `subject` its connection may still grant (all of them when it names none). */
function grantedRoles(
  index: PermissionIndex,
  subject: PermissionSubject,
  policy: PermissionPolicy,
): { name: string; grants: RoleGrants }[] {
  const connection = connectionOf(subject);
  const granted: { name: string; grants: RoleGrants }[] = [];
  for (const name of rolesOf(subject)) {
    const grants = index.get(name);
    if (!grants) continue;
    if (
      connection !== undefined &&
      name !== policy.defaultRole &&
      !grants.grantedBy.has(connection) &&
      !grants.grantedBy.has('*')
    )
      continue;
    granted.push({ name, grants });
  }
  return granted;
}

function argumentError(message: string, code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE'): TypeError {
  return Object.assign(new TypeError(message), { code });
}

/**
 * Whether one of the subject's roles grants `action` on `resource`: a global role anywhere, an
 * organization role only when `options.organization` is its `organizationId`. Synchronous and pure;
 * a wrong argument type is a `TypeError` (`ERR_INVALID_ARG_TYPE`), a host bug rather than a refusal.
 */
export function can(
  definitions: readonly RoleDefinition[],
  subject: PermissionSubject,
  resource: string,
  action: string,
  options: CanOptions = {},
  policy: PermissionPolicy = {},
): boolean {
  for (const [name, value] of [
    ['resource', resource],
    ['action', action],
  ] as const)
    if (typeof value !== 'string' || value === '')
      throw argumentError(
        `can(): "${name}" must be a non-empty string.`,
        typeof value === 'string' ? 'ERR_INVALID_ARG_VALUE' : 'ERR_INVALID_ARG_TYPE',
      );
  const organization = options?.organization;
  if (organization !== undefined && typeof organization !== 'string')
    throw argumentError('can(): "options.organization" must be a string.', 'ERR_INVALID_ARG_TYPE');
  for (const { grants } of grantedRoles(indexOf(definitions), subject, policy)) {
    if (grants.organization !== undefined && grants.organization !== organization) continue;
    if (grants.permissions.get(resource)?.has(action)) return true;
  }
  return false;
}

/**
 * The organizations the subject's roles apply to, in the order of its roles, without duplicates.
 * Global roles and unknown role names add none.
 */
export function organizationsOf(
  definitions: readonly RoleDefinition[],
  subject: PermissionSubject,
  policy: PermissionPolicy = {},
): string[] {
  const organizations = new Set<string>();
  for (const { grants } of grantedRoles(indexOf(definitions), subject, policy))
    if (grants.organization !== undefined) organizations.add(grants.organization);
  return [...organizations];
}

/** Whether a subject has any role name: a question about one without roles needs no fresh definitions. */
export function hasRoles(subject: PermissionSubject): boolean {
  return rolesOf(subject).length > 0;
}
