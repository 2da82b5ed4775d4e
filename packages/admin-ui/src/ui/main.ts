/**
 * The console's entry point: the shell (a skip link, the header and its navigation, the notices, the
 * main region) and the router of its pages, by the location's hash. The base path of the admin API
 * comes from the page's `<meta name="ssokit-base-path">`, since no inline script may run (the CSP
 * forbids it).
 *
 * @module
 */
import { adminApi } from './api.ts';
import { connectionPage } from './connection.ts';
import { connectionsPage } from './connections.ts';
import { h, replace } from './dom.ts';
import { choosePage, formPage } from './form.ts';
import { createNotices, forPage, navigated } from './notice.ts';
import { roleFormPage } from './role-form.ts';
import { rolesPage } from './roles.ts';
import { text } from './text.ts';

const basePath = document.querySelector<HTMLMetaElement>('meta[name="ssokit-base-path"]')?.content ?? '/sso';
const shared = createNotices();
const shell = h('main', { id: 'content', tabindex: '-1' });
const navLinks = [h('a', { href: '#/' }, text.nav.connections), h('a', { href: '#/roles' }, text.nav.roles)];
replace(
  document.body,
  h('a', { class: 'skip', href: '#content' }, text.skip),
  h(
    'header',
    { class: 'top' },
    h('p', { class: 'brand' }, document.title || text.title),
    h('nav', { 'aria-label': text.nav.label }, h('ul', {}, ...navLinks.map((link) => h('li', {}, link)))),
  ),
  h('div', { class: 'notices' }, shared.status, shared.alert),
  shell,
);
const api = adminApi(basePath);

// Back from a test login, the URL carries `?testLogin=<result id>` for the connection of the hash: read
// once, for that connection, then dropped from the URL (a reload or another page does not show it).
let pendingTestLogin: { id: string; result: string } | undefined;
const query = new URLSearchParams(location.search);
const result = query.get('testLogin');
if (result !== null) {
  const of = /^#\/connections\/([^/]+)$/.exec(location.hash)?.[1];
  if (of) pendingTestLogin = { id: decodeURIComponent(of), result };
  query.delete('testLogin');
  const rest = query.toString();
  history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
}

/**
 * The page of the location's hash: `#/` (the table), `#/connections/<id>`, `#/roles`, the forms
 * (`#/new/<formId>`, `#/connections/<id>/edit`, `#/roles/new[?group=<IdP group>]`, `#/roles/<name>/edit`).
 */
function route(): void {
  const hash = location.hash.replace(/^#/, '') || '/';
  for (const link of navLinks)
    if (link.getAttribute('href') === `#${hash}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  const detail = /^\/connections\/([^/]+)$/.exec(hash);
  const edit = /^\/connections\/([^/]+)\/edit$/.exec(hash);
  const create = /^\/new\/([^/]+)$/.exec(hash);
  const newRole = /^\/roles\/new(?:\?(.*))?$/.exec(hash);
  const role = /^\/roles\/([^/?]+)\/edit$/.exec(hash);
  // Each page renders into its own element: one still loading when the admin moves on writes into a
  // detached element, never over the page opened after it.
  const main = h('div');
  replace(shell, main);
  const notices = forPage(shared, main);
  if (hash === '/roles') void rolesPage(main, api, notices);
  else if (newRole) {
    const group = new URLSearchParams(newRole[1] ?? '').get('group');
    void roleFormPage(main, api, notices, group ? { group } : {});
  } else if (role) void roleFormPage(main, api, notices, { name: decodeURIComponent(role[1] as string) });
  else if (hash === '/new') void choosePage(main, api, notices);
  else if (create) void formPage(main, api, notices, { formId: decodeURIComponent(create[1] as string) });
  else if (edit) void formPage(main, api, notices, { id: decodeURIComponent(edit[1] as string) });
  else if (detail) {
    const id = decodeURIComponent(detail[1] as string);
    const testLogin = pendingTestLogin?.id === id ? pendingTestLogin.result : undefined;
    pendingTestLogin = undefined;
    void connectionPage(main, api, notices, id, testLogin);
  } else void connectionsPage(main, api, notices);
  shell.focus();
}
window.addEventListener('hashchange', () => {
  navigated(shared);
  route();
});
route();
