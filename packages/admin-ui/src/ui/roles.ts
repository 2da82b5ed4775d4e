/**
 * Roles and groups at a glance: each role with the IdP groups that grant it and the connections
 * allowed to, the app groups group sync fills, and the IdP groups recent logins brought that matched
 * nothing, across the connections.
 *
 * @module
 */
import type { AdminApi } from './api.ts';
import { h, replace, setTitle } from './dom.ts';
import { explain, type Notices } from './notice.ts';
import { text } from './text.ts';

const r = text.roles;

export async function rolesPage(main: HTMLElement, api: AdminApi, notices: Notices): Promise<void> {
  setTitle(r.heading);
  replace(main, h('p', {}, text.loading));
  try {
    const [glance, connections] = await Promise.all([api.roles(), api.listConnections()]);
    const names = new Map(connections.map((c) => [c.id, c.name]));
    const activities = await Promise.all(
      connections.map(async (c) => ({ c, activity: await api.activity(c.id).catch(() => undefined) })),
    );
    const unmatched = activities.flatMap(({ c, activity }) =>
      (activity?.unmatchedGroups ?? []).map((g) => ({ ...g, connection: c.name })),
    );
    const roleRows = glance.roles.map((role) =>
      h(
        'tr',
        {},
        h(
          'th',
          { scope: 'row' },
          role.name,
          role.description ? h('p', { class: 'hint' }, role.description) : null,
        ),
        h(
          'td',
          {},
          role.groups
            .map((g) => (g.match === 'name' ? r.sameName(g.pattern) : r.rule(g.match, g.pattern)))
            .join('; '),
        ),
        h(
          'td',
          {},
          role.grantedBy.length === 0
            ? r.noConnection
            : role.grantedBy.map((id) => (id === '*' ? r.any : (names.get(id) ?? id))).join(', '),
        ),
        h(
          'td',
          {},
          Object.entries(role.permissions)
            .map(([resource, actions]) => `${resource}: ${actions.join(', ')}`)
            .join('; '),
        ),
      ),
    );
    replace(
      main,
      h('h1', {}, r.heading),
      glance.custom
        ? h('p', {}, r.custom)
        : glance.roles.length === 0
          ? h('p', { class: 'empty-roles' }, r.none[0], ' ', h('code', {}, r.none[1]), r.none[2])
          : h(
              'table',
              {},
              h('caption', {}, r.rolesCaption),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ...[r.role, r.grantedByGroups, r.connections, r.permissions].map((l) =>
                    h('th', { scope: 'col' }, l),
                  ),
                ),
              ),
              h('tbody', {}, ...roleRows),
            ),
      glance.defaultRole ? h('p', {}, r.defaultRole(glance.defaultRole)) : null,
      glance.caseInsensitive ? h('p', {}, r.caseInsensitive) : null,
      h('h2', {}, r.groupsHeading),
      h('p', { class: 'hint' }, r.groupsHint),
      glance.groups.length === 0
        ? h('p', {}, r.noGroups)
        : h(
            'table',
            { class: 'compact' },
            h('caption', {}, r.groupsCaption),
            h(
              'thead',
              {},
              h('tr', {}, h('th', { scope: 'col' }, r.groupName), h('th', { scope: 'col' }, r.externalId)),
            ),
            h(
              'tbody',
              {},
              ...glance.groups.map((g) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, g.name),
                  h('td', {}, g.externalId ? h('code', {}, g.externalId) : ''),
                ),
              ),
            ),
          ),
      h('h2', {}, r.unmatchedHeading),
      unmatched.length === 0
        ? h('p', {}, text.activity.unmatchedNone)
        : h(
            'table',
            { class: 'compact' },
            h('caption', {}, r.unmatchedCaption),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...[text.activity.group, r.connection, text.activity.count, text.activity.lastSeen].map((l) =>
                  h('th', { scope: 'col' }, l),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              ...unmatched.map((g) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, g.group),
                  h('td', {}, g.connection),
                  h('td', {}, String(g.count)),
                  h('td', {}, h('time', { datetime: g.lastSeen }, new Date(g.lastSeen).toLocaleString())),
                ),
              ),
            ),
          ),
    );
  } catch (error) {
    explain(notices, error, () => location.reload());
  }
}
