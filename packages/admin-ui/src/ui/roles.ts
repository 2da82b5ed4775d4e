/**
 * Roles and groups at a glance (Arthur's custom roles listing): each role with what it applies to,
 * where it is defined, its permissions, the connections allowed to grant it and the IdP groups that
 * do (by rule and from recent logins); the roles created here can be opened to edit or deleted (after
 * a confirmation). Then the IdP groups of recent logins that match no role, each with what to do (a
 * role to create for it, or the role its connection may not grant), and the app groups group sync fills.
 *
 * @module
 */
import type { AdminApi, ConnectionSummary, ListedRole, RecentGroup, RolesAtAGlance } from './api.ts';
import { confirmDialog, scrollRegion } from './controls.ts';
import { h, replace, setTitle } from './dom.ts';
import { announce, explain, type Notices } from './notice.ts';
import { askDeleteRole } from './role-form.ts';
import { text } from './text.ts';

const r = text.roles;
const hrefOf = (name: string) => `#/roles/${encodeURIComponent(name)}/edit`;
const list = (items: (Node | string)[]) =>
  h('ul', { class: 'plain' }, ...items.map((item) => h('li', {}, item)));

/** Renders the page into `main`, then loads the roles. */
export async function rolesPage(main: HTMLElement, api: AdminApi, notices: Notices): Promise<void> {
  setTitle(r.heading);
  replace(main, h('p', {}, text.loading));
  const dialog = confirmDialog();
  const reload = () => location.reload();

  const load = async (focusAfter?: (page: HTMLElement) => HTMLElement | null) => {
    let glance: RolesAtAGlance;
    let connections: ConnectionSummary[];
    try {
      [glance, connections] = await Promise.all([api.roles(), api.listConnections()]);
    } catch (error) {
      explain(notices, error, reload);
      return;
    }
    if (!main.isConnected) return;
    const names = new Map(connections.map((c) => [c.id, c.name]));
    const connectionNames = (ids: readonly string[]) =>
      ids.map((id) => (id === '*' ? r.any : (names.get(id) ?? r.unknownConnection(id)))).join(', ');

    const remove = async (role: ListedRole) => {
      if (!(await askDeleteRole(dialog, role.name))) return;
      try {
        await api.deleteRole(role);
        // The focus goes to the next role's name, or to "Add a role" when it was the last one.
        const next = glance.roles[glance.roles.indexOf(role) + 1]?.name;
        announce(notices, text.role.deleted(role.name));
        await load((page) =>
          next
            ? page.querySelector<HTMLElement>(`a[href="${CSS.escape(hrefOf(next))}"]`)
            : page.querySelector<HTMLElement>('a.button.primary'),
        );
      } catch (error) {
        explain(notices, error, reload, text.role.conflict);
      }
    };
    const row = (role: ListedRole) =>
      h(
        'tr',
        {},
        h(
          'th',
          { scope: 'row' },
          h('a', { href: hrefOf(role.name) }, role.name),
          role.description ? h('p', { class: 'hint' }, role.description) : null,
        ),
        h('td', {}, role.scope === 'organization' ? r.organization(role.organizationId ?? '') : r.global),
        h('td', {}, role.source === 'file' ? r.sources.file(role.origin ?? '') : r.sources[role.source]),
        h(
          'td',
          {},
          Object.keys(role.permissions).length === 0
            ? r.noPermissions
            : list(
                Object.entries(role.permissions).map(([resource, actions]) =>
                  h('span', {}, h('code', {}, resource), `: ${actions.join(', ')}`),
                ),
              ),
        ),
        h('td', {}, role.grantedBy.length === 0 ? r.noConnection : connectionNames(role.grantedBy)),
        h(
          'td',
          {},
          list([
            ...role.groups.map((g) =>
              g.match === 'name' ? r.sameName(g.pattern) : r.rule(g.match, g.pattern),
            ),
            ...role.recentGroups.map((g) =>
              r.recentGroup(g.group, g.count, connectionNames(g.connectionIds)),
            ),
          ]),
        ),
        glance.editable
          ? h(
              'td',
              {},
              role.editable
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger',
                      'aria-label': r.deleteLabel(role.name),
                      onclick: () => void remove(role),
                    },
                    r.delete,
                  )
                : null,
            )
          : null,
      );
    const columns = [r.role, r.appliesTo, r.definedIn, r.permissions, r.connections, r.grantedByGroups];
    const table = h(
      'table',
      { class: 'roles' },
      h('caption', {}, r.rolesCaption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...[...columns, ...(glance.editable ? [r.actions] : [])].map((l) => h('th', { scope: 'col' }, l)),
        ),
      ),
      h('tbody', {}, ...glance.roles.map(row)),
    );
    replace(
      main,
      h('h1', {}, r.heading),
      h('p', { class: 'hint' }, r.intro),
      glance.editable
        ? h('p', {}, h('a', { href: '#/roles/new', class: 'button primary' }, r.addRole))
        : h('p', { class: 'read-only' }, glance.custom ? r.readOnly.custom : r.readOnly.noStore),
      glance.custom && glance.roles.length === 0
        ? h('p', {}, r.custom)
        : glance.roles.length === 0
          ? h('p', { class: 'empty-roles' }, r.none[0], h('code', {}, r.none[1]), r.none[2])
          : scrollRegion(r.tableLabel, table),
      glance.defaultRole ? h('p', {}, r.defaultRole(glance.defaultRole)) : null,
      glance.caseInsensitive ? h('p', {}, r.caseInsensitive) : null,
      unmatchedSection(glance, connectionNames),
      groupsSection(glance),
      dialog.element,
    );
    focusAfter?.(main)?.focus();
  };
  await load();
}

/** The IdP groups of recent logins that match no role, and what to do about each. */
function unmatchedSection(glance: RolesAtAGlance, connectionNames: (ids: readonly string[]) => string) {
  const taken = new Set(glance.roles.map((role) => role.name.toLowerCase()));
  const editable = new Set(glance.roles.filter((role) => role.editable).map((role) => role.name));
  const whatToDo = (g: RecentGroup) => {
    const refused = (g.refusedRoles ?? []).map((role) =>
      h(
        'p',
        {},
        r.refused(role, connectionNames(g.connectionIds)),
        editable.has(role) ? ' ' : null,
        editable.has(role) ? h('a', { href: hrefOf(role) }, r.editRole(role)) : null,
      ),
    );
    // A role named after the group is granted by it (Arthur's rule), unless that name is taken.
    const create =
      glance.editable && glance.matchGroupNames && !taken.has(g.group.toLowerCase())
        ? h(
            'a',
            {
              class: 'button',
              href: `#/roles/new?${new URLSearchParams({ group: g.group })}`,
              'aria-label': r.createForGroupLabel(g.group),
            },
            r.createForGroup,
          )
        : null;
    return h('td', {}, ...refused, create);
  };
  return h(
    'section',
    { 'aria-labelledby': 'unmatched-heading' },
    h('h2', { id: 'unmatched-heading' }, r.unmatchedHeading),
    h('p', { class: 'hint' }, r.unmatchedHint),
    !glance.recording
      ? h('p', {}, r.notRecording)
      : glance.unmatchedGroups.length === 0
        ? h('p', {}, r.unmatchedNone)
        : scrollRegion(
            r.unmatchedCaption,
            h(
              'table',
              { class: 'unmatched' },
              h('caption', {}, r.unmatchedCaption),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ...[r.group, r.connection, text.activity.count, text.activity.lastSeen, r.whatToDo].map(
                    (l) => h('th', { scope: 'col' }, l),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                ...glance.unmatchedGroups.map((g) =>
                  h(
                    'tr',
                    {},
                    h('th', { scope: 'row' }, g.group),
                    h('td', {}, connectionNames(g.connectionIds)),
                    h('td', {}, String(g.count)),
                    h('td', {}, h('time', { datetime: g.lastSeen }, new Date(g.lastSeen).toLocaleString())),
                    whatToDo(g),
                  ),
                ),
              ),
            ),
          ),
  );
}

/** The app groups group sync puts people into. */
function groupsSection(glance: RolesAtAGlance) {
  return h(
    'section',
    { 'aria-labelledby': 'groups-heading' },
    h('h2', { id: 'groups-heading' }, r.groupsHeading),
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
  );
}
