/**
 * The connections table (ClearML's Provider Connections): Active, Name, Provider, Protocol, ID, Last
 * update; a filter; an Active switch per row; delete behind a confirmation. A change someone else made
 * meanwhile is a conflict the page explains, never a silent overwrite (the API's `updatedAt` check).
 *
 * @module
 */
import type { AdminApi, ConnectionSummary } from './api.ts';
import { h, replace } from './dom.ts';
import { announce, explain, type Notices } from './notice.ts';
import { text } from './text.ts';

const t = text.connections;

/** Renders the page into `main`, then loads the connections. */
export async function connectionsPage(main: HTMLElement, api: AdminApi, notices: Notices): Promise<void> {
  let all: ConnectionSummary[] = [];
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
    table,
    dialog.element,
  );

  const reload = () => void load();
  const render = () => {
    const query = filter.value.trim().toLowerCase();
    const shown = all.filter((c) =>
      [c.name, c.provider, c.protocol, c.id, text.protocols[c.protocol] ?? ''].some((v) =>
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
    const toggle = h(
      'button',
      {
        type: 'button',
        role: 'switch',
        class: 'switch',
        'aria-checked': String(c.active),
        'aria-label': t.toggle(c.name, c.active),
        onclick: async () => {
          toggle.disabled = true;
          try {
            const updated = await api.setActive(c, !c.active);
            all = all.map((x) => (x.id === c.id ? { ...x, ...updated } : x));
            announce(notices, updated.active ? t.activated(c.name) : t.deactivated(c.name));
            render();
          } catch (error) {
            toggle.disabled = false;
            explain(notices, error, reload);
          }
        },
      },
      h('span', { class: 'switch-track', 'aria-hidden': 'true' }),
      h('span', { class: 'switch-label' }, c.active ? t.on : t.off),
    );
    const updated = new Date(c.updatedAt);
    return h(
      'tr',
      { 'data-id': c.id },
      h('td', {}, toggle),
      h('th', { scope: 'row' }, h('a', { href: `#/connections/${encodeURIComponent(c.id)}` }, c.name)),
      h('td', {}, c.provider),
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
              if (!(await dialog.ask(c.name))) return;
              try {
                await api.deleteConnection(c);
                all = all.filter((x) => x.id !== c.id);
                announce(notices, t.deleted(c.name));
                render();
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
      all = await api.listConnections();
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

/** A modal confirmation (`<dialog>`: focus moves in and back, Escape cancels). */
function confirmDialog() {
  const title = h('h2', { id: 'confirm-title' });
  const yes = h('button', { type: 'submit', value: 'yes', class: 'danger' }, t.confirmDelete);
  const no = h('button', { type: 'submit', value: 'no', autofocus: true }, t.cancel);
  const element = h(
    'dialog',
    { 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-body' },
    h(
      'form',
      { method: 'dialog' },
      title,
      h('p', { id: 'confirm-body' }, t.confirmBody),
      h('div', { class: 'actions' }, no, yes),
    ),
  );
  return {
    element,
    ask(name: string): Promise<boolean> {
      replace(title, t.confirmTitle(name));
      element.returnValue = '';
      element.showModal();
      return new Promise((resolve) =>
        element.addEventListener('close', () => resolve(element.returnValue === 'yes'), { once: true }),
      );
    },
  };
}
