/**
 * Test Provider's findings and a login preview, rendered as a report an operator can act on: each
 * check's state in words (and a symbol, never colour alone), what was found, and the fix.
 *
 * @module
 */
import type { Finding, Preview } from './api.ts';
import { h } from './dom.ts';
import { text } from './text.ts';

const r = text.report;

/** The findings as a list, errors and warnings first. */
export function findingsList(findings: readonly Finding[]): HTMLElement {
  const rank = { error: 0, warning: 1, ok: 2 } as const;
  const sorted = [...findings].sort((a, b) => rank[a.status] - rank[b.status]);
  return h(
    'ul',
    { class: 'findings' },
    ...sorted.map((f) =>
      h(
        'li',
        { class: `finding finding-${f.status}` },
        h('span', { class: 'finding-status' }, r.status[f.status]),
        ' ',
        h('span', { class: 'finding-check' }, f.check),
        h('p', { class: 'finding-message' }, f.message),
        f.fix ? h('p', { class: 'finding-fix' }, h('strong', {}, r.fix), ' ', f.fix) : null,
      ),
    ),
  );
}

/** What a login would do: the user, profile, roles, group changes and what matched nothing. */
export function previewSection(preview: Preview): HTMLElement {
  const profile = preview.profile ?? {};
  const rows = Object.entries(profile)
    .filter(([key, value]) => key !== 'groups' && value !== undefined && value !== '')
    .map(([key, value]) => h('tr', {}, h('th', { scope: 'row' }, key), h('td', {}, String(value))));
  const groups = profile.groups?.values ?? [];
  const sync = preview.groupSync;
  return h(
    'section',
    { class: 'preview', 'aria-labelledby': 'preview-heading' },
    h('h3', { id: 'preview-heading' }, r.previewHeading),
    h('p', {}, preview.outcome === 'would-succeed' ? r.wouldSucceed : r.wouldFail),
    preview.error
      ? h(
          'p',
          { class: 'finding-fix' },
          `${preview.error.code}: ${preview.error.message}`,
          preview.error.fix ? ` ${preview.error.fix}` : '',
        )
      : null,
    preview.user ? h('p', {}, preview.user.id ? r.existingUser(preview.user.id) : r.newUser) : null,
    rows.length > 0
      ? h('table', { class: 'compact' }, h('caption', {}, r.profile), h('tbody', {}, ...rows))
      : null,
    h('p', {}, h('strong', {}, r.groups), ' ', groups.length > 0 ? groups.join(', ') : r.none),
    h('p', {}, h('strong', {}, r.roles), ' ', preview.roles?.length ? preview.roles.join(', ') : r.none),
    // Groups came but no role: what grants each role is on the Roles and groups page.
    groups.length > 0 && !preview.roles?.length
      ? h('p', { class: 'hint' }, r.noRoleFromGroups, ' ', h('a', { href: '#/roles' }, text.nav.roles), '.')
      : null,
    sync
      ? h(
          'ul',
          { class: 'sync' },
          h('li', {}, h('strong', {}, r.groupsAdded), ' ', sync.add.map((g) => g.name).join(', ') || r.none),
          h(
            'li',
            {},
            h('strong', {}, r.groupsRemoved),
            ' ',
            sync.remove.map((g) => g.name ?? g.groupId).join(', ') || r.none,
          ),
          h(
            'li',
            {},
            h('strong', {}, r.groupsKept),
            ' ',
            sync.kept.map((g) => g.name ?? g.groupId).join(', ') || r.none,
          ),
        )
      : h('p', {}, r.syncOff),
    preview.unmatchedGroups?.length
      ? h('p', { class: 'unmatched' }, h('strong', {}, r.unmatched), ' ', preview.unmatchedGroups.join(', '))
      : null,
    preview.refusedRoles?.length
      ? h(
          'p',
          {},
          h('strong', {}, r.refusedRoles),
          ' ',
          preview.refusedRoles.map((x) => `${x.role} (${x.group})`).join(', '),
        )
      : null,
  );
}
