/**
 * The console's entry point: the shell (a skip link, the header, the notices, the main region) and,
 * for now, its one page. The base path of the admin API comes from the page's
 * `<meta name="ssokit-base-path">`, since no inline script may run (the CSP forbids it).
 *
 * @module
 */
import { adminApi } from './api.ts';
import { connectionPage } from './connection.ts';
import { connectionsPage } from './connections.ts';
import { h, replace } from './dom.ts';
import { choosePage, formPage } from './form.ts';
import { createNotices } from './notice.ts';
import { rolesPage } from './roles.ts';
import { text } from './text.ts';

const basePath = document.querySelector<HTMLMetaElement>('meta[name="ssokit-base-path"]')?.content ?? '/sso';
const notices = createNotices();
const main = h('main', { id: 'content', tabindex: '-1' });
replace(
  document.body,
  h('a', { class: 'skip', href: '#content' }, text.skip),
  h(
    'header',
    { class: 'top' },
    h('p', { class: 'brand' }, document.title || text.title),
    h(
      'nav',
      { 'aria-label': text.nav.label },
      h('a', { href: '#/' }, text.nav.connections),
      h('a', { href: '#/roles' }, text.nav.roles),
    ),
  ),
  h('div', { class: 'notices' }, notices.status, notices.alert),
  main,
);
const api = adminApi(basePath);

/** The page of the location's hash: `#/` (the table) or `#/connections/<id>`. */
function route(): void {
  const hash = location.hash.replace(/^#/, '') || '/';
  const detail = /^\/connections\/([^/]+)$/.exec(hash);
  const edit = /^\/connections\/([^/]+)\/edit$/.exec(hash);
  const create = /^\/new\/([^/]+)$/.exec(hash);
  if (hash === '/roles') void rolesPage(main, api, notices);
  else if (hash === '/new') void choosePage(main, api, notices);
  else if (create) void formPage(main, api, notices, { formId: decodeURIComponent(create[1] as string) });
  else if (edit) void formPage(main, api, notices, { id: decodeURIComponent(edit[1] as string) });
  else if (detail) {
    const testLogin = new URLSearchParams(location.search).get('testLogin') ?? undefined;
    void connectionPage(main, api, notices, decodeURIComponent(detail[1] as string), testLogin);
  } else void connectionsPage(main, api, notices);
  main.focus();
}
window.addEventListener('hashchange', route);
route();
