/**
 * A connection's recent activity: the failed logins with the step, the code and the fix ("it doesn't
 * work" answered from the console), and the IdP groups that matched nothing ("my groups do not show").
 *
 * @module
 */
import type { Activity } from './api.ts';
import { h } from './dom.ts';
import { text } from './text.ts';

const a = text.activity;

/** The two sections, from `GET /admin/connections/:id/activity`. */
export function activitySections(activity: Activity): HTMLElement[] {
  const failures = !activity.recording
    ? h('p', {}, a.off)
    : activity.failures.length === 0
      ? h('p', {}, a.none)
      : h(
          'table',
          { class: 'activity' },
          h('caption', {}, a.caption),
          h(
            'thead',
            {},
            h('tr', {}, ...[a.when, a.step, a.code, a.what].map((label) => h('th', { scope: 'col' }, label))),
          ),
          h(
            'tbody',
            {},
            ...activity.failures.map((f) =>
              h(
                'tr',
                {},
                h('td', {}, h('time', { datetime: f.at }, new Date(f.at).toLocaleString())),
                h('td', {}, a.steps[f.step] ?? f.step),
                h('td', {}, h('code', {}, f.reason ? `${f.code} (${f.reason})` : f.code)),
                h(
                  'td',
                  {},
                  h('p', { class: 'finding-message' }, f.message),
                  f.fix
                    ? h('p', { class: 'finding-fix' }, h('strong', {}, text.report.fix), ' ', f.fix)
                    : null,
                ),
              ),
            ),
          ),
        );
  const unmatched =
    activity.unmatchedGroups.length === 0
      ? h('p', {}, a.unmatchedNone)
      : h(
          'table',
          { class: 'compact' },
          h('caption', {}, a.unmatchedHeading),
          h(
            'thead',
            {},
            h('tr', {}, ...[a.group, a.count, a.lastSeen].map((label) => h('th', { scope: 'col' }, label))),
          ),
          h(
            'tbody',
            {},
            ...activity.unmatchedGroups.map((g) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, g.group),
                h('td', {}, String(g.count)),
                h('td', {}, h('time', { datetime: g.lastSeen }, new Date(g.lastSeen).toLocaleString())),
              ),
            ),
          ),
        );
  return [
    h(
      'section',
      { 'aria-labelledby': 'failures-heading' },
      h('h2', { id: 'failures-heading' }, a.heading),
      h('p', { class: 'hint' }, a.hint),
      failures,
    ),
    h(
      'section',
      { 'aria-labelledby': 'unmatched-heading' },
      h('h2', { id: 'unmatched-heading' }, a.unmatchedHeading),
      h('p', { class: 'hint' }, a.unmatchedHint),
      unmatched,
    ),
  ];
}
