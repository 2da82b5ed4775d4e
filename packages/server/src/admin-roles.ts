/**
 * `GET /admin/roles`: the roles at a glance, for the console's "Roles and groups" page: each role with
 * the IdP groups that grant it (Arthur's same-name rule and the host's rules) and the connections
 * allowed to grant it, and the app groups that group sync matches IdP groups onto. Read-only: roles
 * come from `createSso({ roles })`.
 *
 * @module
 */
import type { RoleMatcher, RoleMatchingOptions } from '@ssokit/core';
import type { AdminContext } from './admin.ts';
import { json, notAllowed } from './respond.ts';

/** Serves `GET /admin/roles` for an admin (already authorized). */
export async function rolesAtAGlance(request: Request, ctx: AdminContext): Promise<Response> {
  if (request.method !== 'GET') throw notAllowed('The roles are read with GET.', 'GET');
  const given = ctx.context.options.roles;
  // A host's own matcher (an object with `match`) has no definitions to show.
  const options: RoleMatchingOptions | undefined =
    given === undefined || typeof (given as RoleMatcher).match === 'function'
      ? undefined
      : (given as RoleMatchingOptions);
  const byName = options?.matchGroupNames !== false;
  const roles = (options?.roleDefinitions ?? []).map((role) => ({
    name: role.name,
    ...(role.description ? { description: role.description } : {}),
    scope: role.scope ?? 'global',
    grantedBy: [...(role.grantedBy ?? [])],
    permissions: role.permissions ?? {},
    groups: [
      ...(byName ? [{ match: 'name' as const, pattern: role.name }] : []),
      ...(options?.rules ?? [])
        .filter((rule) => rule.role === role.name)
        .map((rule) => ({ match: rule.match, pattern: rule.pattern })),
    ],
  }));
  const groups = (await ctx.storage.groups.list()).map((g) => ({
    id: g.id,
    name: g.name,
    ...(g.externalId ? { externalId: g.externalId } : {}),
  }));
  return json({
    custom: given !== undefined && options === undefined,
    matchGroupNames: byName,
    caseInsensitive: options?.caseInsensitive === true,
    ...(options?.defaultRole ? { defaultRole: options.defaultRole } : {}),
    roles,
    groups,
  });
}
