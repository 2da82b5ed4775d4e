/**
 * What `GET /admin/roles` answers (Arthur's `custom_roles` listing): every role with where it comes
 * from and whether the admin API may change it, the IdP groups that grant it by rule, the IdP groups
 * of recent logins that map to it now, and the recent groups that map to no role. Recent groups come
 * from the login activity store (`storage.loginActivity`); they are matched with the roles as they are
 * when asked, so a role created a minute ago already lists the groups that will grant it.
 *
 * @module
 */
import type { RoleMatcher, RoleMatchingOptions } from '@ssokit/core';
import { type LoginActivityStore, loginActivityLimits } from '@ssokit/storage';
import type { RoleSnapshot } from './role-catalog.ts';

/** An IdP group seen in recent logins. */
export interface RecentGroup {
  group: string;
  /** The connections whose logins brought it. */
  connectionIds: string[];
  /** How many of the recent logins recorded brought it. */
  count: number;
  /** The latest of them, as an ISO 8601 string. */
  lastSeen: string;
  /** Roles it matches that its connections may not grant (`grantedBy`); unmatched groups only. */
  refusedRoles?: string[];
}

/** One role as `GET /admin/roles` lists it. */
export interface ListedRole {
  name: string;
  description?: string;
  scope: 'global' | 'organization';
  organizationId?: string;
  permissions: Record<string, string[]>;
  grantedBy: string[];
  /** `code`: `createSso({ roles })`; `file`: `roleFiles` (see `origin`); `api`: the admin API. */
  source: 'code' | 'file' | 'api';
  origin?: string;
  createdAt?: string;
  updatedAt?: string;
  /** Whether the admin API may change or delete it: roles from code and files change there. */
  editable: boolean;
  /** How IdP groups grant it: its own name (Arthur's rule) and the host's rules. */
  groups: { match: 'name' | 'exact' | 'glob' | 'regex'; pattern: string }[];
  /** The IdP groups of recent logins that grant it now, the most frequent first. */
  recentGroups: RecentGroup[];
}

/** The most groups listed per role and unmatched. */
export const MAX_LISTED_GROUPS = 100;

/** The roles of `snapshot`, with their recent groups. `editable`: whether a role store takes writes. */
export async function listRoles(
  snapshot: RoleSnapshot,
  matching: RoleMatchingOptions | undefined,
  activity: { store: LoginActivityStore | undefined; connectionIds: string[] },
  editable: boolean,
): Promise<{ roles: ListedRole[]; unmatchedGroups: RecentGroup[] }> {
  const byName = matching?.matchGroupNames !== false;
  const recent = await recentGroups(snapshot.matcher, activity);
  const roles = snapshot.definitions.map((role): ListedRole => {
    const origin = snapshot.origins.get(role.name) ?? { source: 'code' as const };
    return {
      name: role.name,
      ...(role.description ? { description: role.description } : {}),
      scope: role.scope === 'organization' ? 'organization' : 'global',
      ...(role.organizationId !== undefined ? { organizationId: role.organizationId } : {}),
      permissions: Object.fromEntries(
        Object.entries(role.permissions ?? {}).map(([resource, actions]) => [resource, [...actions]]),
      ),
      grantedBy: [...(role.grantedBy ?? [])],
      source: origin.source,
      ...(origin.origin !== undefined ? { origin: origin.origin } : {}),
      ...(origin.createdAt ? { createdAt: origin.createdAt.toISOString() } : {}),
      ...(origin.updatedAt ? { updatedAt: origin.updatedAt.toISOString() } : {}),
      editable: editable && origin.source === 'api',
      groups: [
        ...(byName ? [{ match: 'name' as const, pattern: role.name }] : []),
        ...(matching?.rules ?? [])
          .filter((rule) => rule.role === role.name)
          .map((rule) => ({ match: rule.match, pattern: rule.pattern })),
      ],
      recentGroups: ordered(recent.byRole.get(role.name)),
    };
  });
  return { roles, unmatchedGroups: ordered(recent.unmatched) };
}

interface Tally {
  connectionIds: Set<string>;
  count: number;
  lastSeen: number;
  refusedRoles: Set<string>;
}

/** The recent logins' groups by the role they grant now, and those that grant none. */
async function recentGroups(
  matcher: RoleMatcher,
  activity: { store: LoginActivityStore | undefined; connectionIds: string[] },
): Promise<{ byRole: Map<string, Map<string, Tally>>; unmatched: Map<string, Tally> }> {
  const byRole = new Map<string, Map<string, Tally>>();
  const unmatched = new Map<string, Tally>();
  const { store } = activity;
  if (!store) return { byRole, unmatched };
  const lists = await Promise.all(
    activity.connectionIds.map((id) =>
      store.list(id, { outcome: 'succeeded', limit: loginActivityLimits.maxEntries }),
    ),
  );
  for (const entries of lists)
    for (const entry of entries) {
      if (entry.outcome !== 'succeeded' || !entry.groups) continue;
      const at = entry.at.getTime();
      const result = matcher.match(entry.groups, { connection: { id: entry.connectionId } });
      const granting = new Set<string>();
      for (const { group, role } of result.matches) {
        granting.add(group);
        const groups = byRole.get(role) ?? new Map<string, Tally>();
        byRole.set(role, groups);
        count(groups, group, entry.connectionId, at);
      }
      for (const group of new Set(entry.groups)) {
        if (granting.has(group)) continue;
        const tally = count(unmatched, group, entry.connectionId, at);
        for (const refused of result.refused)
          if (refused.group === group) tally.refusedRoles.add(refused.role);
      }
    }
  return { byRole, unmatched };
}

function count(tallies: Map<string, Tally>, group: string, connectionId: string, at: number): Tally {
  let tally = tallies.get(group);
  if (!tally) {
    tally = { connectionIds: new Set(), count: 0, lastSeen: at, refusedRoles: new Set() };
    tallies.set(group, tally);
  }
  tally.connectionIds.add(connectionId);
  tally.count += 1;
  tally.lastSeen = Math.max(tally.lastSeen, at);
  return tally;
}

/** The most frequent first, then the most recent, then by name; at most {@link MAX_LISTED_GROUPS}. */
function ordered(tallies: Map<string, Tally> | undefined): RecentGroup[] {
  if (!tallies) return [];
  return [...tallies]
    .sort(([a, x], [b, y]) => y.count - x.count || y.lastSeen - x.lastSeen || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, MAX_LISTED_GROUPS)
    .map(([group, t]) => ({
      group,
      connectionIds: [...t.connectionIds].sort(),
      count: t.count,
      lastSeen: new Date(t.lastSeen).toISOString(),
      ...(t.refusedRoles.size > 0 ? { refusedRoles: [...t.refusedRoles].sort() } : {}),
    }));
}
