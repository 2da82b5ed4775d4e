/**
 * The connections table: Active, Name, Provider, Protocol, ID, Last update, Expires; a filter; an
 * Active switch per row (turning one off asks first); delete behind a confirmation. A change someone else made
 * meanwhile is a conflict the page explains, never a silent overwrite (the API's `updatedAt` check).
 *
 * @module
 */
import type { AdminApi, ConnectionSummary } from './api.ts';
import { activeSwitch, askDelete, confirmDialog, scrollRegion } from './controls.ts';
import { h, replace, setTitle } from './dom.ts';
import { providerNames } from './form.ts';
import { announce, explain, type Notices } from './notice.ts';
import { text } from './text.ts';

const t = text.connections;

/** Renders the page into `main`, then loads the connections. */
export async function connectionsPage(main: HTMLElement, api: AdminApi, notices: Notices): Promise<void> {
  setTitle(t.heading);
  let all: ConnectionSummary[] = [];
  let providerOf = (c: ConnectionSummary) => c.provider;
  const filter = h('input', {
    type: 'search',
    id: 'connection-filter',
    autocomplete: 'off',
    'aria-describedby': 'connection-filter-hint',
  });
  const count = h('p', { class: 'count', 'aria-live': 'polite' });
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'connections' },
    h('caption', {}, t.caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[
          t.columns.active,
          t.columns.name,
          t.columns.provider,
          t.columns.protocol,
          t.columns.id,
          t.columns.updated,
          t.columns.expiry,
          t.columns.actions,
        ].map((label) => h('th', { scope: 'col' }, label)),
      ),
    ),
    body,
  );
  const dialog = confirmDialog();
  replace(
    main,
    h('h1', {}, t.heading),
    h('p', {}, h('a', { href: '#/new', class: 'button primary' }, text.form.newConnection)),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: 'connection-filter' }, t.filter),
      filter,
      h('span', { id: 'connection-filter-hint', class: 'hint' }, t.filterHint),
    ),
    count,
    scrollRegion(t.tableLabel, table),
    dialog.element,
  );

  const reload = () => void load();
  const rowOf = (id: string) => body.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(id)}"]`);
  const render = () => {
    const query = filter.value.trim().toLowerCase();
    const shown = all.filter((c) =>
      [c.name, c.provider, providerOf(c), c.protocol, c.id, text.protocols[c.protocol] ?? ''].some((v) =>
        v.toLowerCase().includes(query),
      ),
    );
    replace(
      count,
      all.length === 0
        ? t.empty
        : shown.length === 0
          ? t.noMatch(filter.value.trim())
          : t.count(shown.length, all.length),
    );
    replace(body, ...shown.map((c) => row(c)));
  };
  const row = (c: ConnectionSummary) => {
    const toggle = activeSwitch(c, c.name, { api, notices, dialog, reload }, (updated) => {
      all = all.map((x) => (x.id === c.id ? updated : x));
      render();
      // Focus stays on the switch, which the render replaced.
      rowOf(c.id)?.querySelector<HTMLElement>('[role="switch"]')?.focus();
    });
    const updated = new Date(c.updatedAt);
    return h(
      'tr',
      { 'data-id': c.id },
      h('td', {}, toggle),
      h('th', { scope: 'row' }, h('a', { href: `#/connections/${encodeURIComponent(c.id)}` }, c.name)),
      h('td', {}, providerOf(c)),
      h('td', {}, text.protocols[c.protocol] ?? c.protocol),
      h('td', {}, h('code', {}, c.id)),
      h(
        'td',
        {},
        h('time', { datetime: c.updatedAt, title: updated.toISOString() }, updated.toLocaleString()),
      ),
      h('td', {}, expiryText(c)),
      h(
        'td',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            'aria-label': t.deleteLabel(c.name),
            onclick: async () => {
              if (!(await askDelete(dialog, c.name))) return;
              try {
                await api.deleteConnection(c);
                // Focus goes to the next row's name, or to the filter when it was the last one.
                const next = rowOf(c.id)?.nextElementSibling?.getAttribute('data-id');
                all = all.filter((x) => x.id !== c.id);
                announce(notices, t.deleted(c.name));
                render();
                ((next ? rowOf(next)?.querySelector<HTMLElement>('th a') : null) ?? filter).focus();
              } catch (error) {
                explain(notices, error, reload);
              }
            },
          },
          t.delete,
        ),
      ),
    );
  };
  const load = async () => {
    replace(count, text.loading);
    try {
      const [list, names] = await Promise.all([api.listConnections(), providerNames(api)]);
      all = list;
      providerOf = names;
      render();
    } catch (error) {
      replace(count);
      explain(notices, error, reload);
    }
  };
  filter.addEventListener('input', render);
  await load();
}

/** The soonest expiry of a connection, in words with its state (never colour alone). */
function expiryText(c: ConnectionSummary): HTMLElement | string {
  const next = c.expiries?.[0];
  if (!next) return text.expiry.none;
  const what = text.expiry.what[next.what] ?? next.what;
  const days = Math.floor((Date.parse(next.at) - Date.now()) / 86_400_000);
  if (days < 0) return h('span', { class: 'expiry expiry-error' }, text.expiry.expired(what, -days));
  if (days < 30) return h('span', { class: 'expiry expiry-warning' }, text.expiry.soon(what, days));
  return text.expiry.later(what, new Date(next.at).toLocaleDateString());
}
