/**
 * The console's entry point: the shell (a skip link, the header, the notices, the main region) and,
 * for now, its one page. The base path of the admin API comes from the page's
 * `<meta name="ssokit-base-path">`, since no inline script may run (the CSP forbids it).
 *
 * @module
 */
import { adminApi } from './api.ts';
import { connectionsPage } from './connections.ts';
import { h, replace } from './dom.ts';
import { createNotices } from './notice.ts';
import { text } from './text.ts';

const basePath = document.querySelector<HTMLMetaElement>('meta[name="ssokit-base-path"]')?.content ?? '/sso';
const notices = createNotices();
const main = h('main', { id: 'content', tabindex: '-1' });
replace(
  document.body,
  h('a', { class: 'skip', href: '#content' }, text.skip),
  h('header', { class: 'top' }, h('p', { class: 'brand' }, document.title || text.title)),
  h('div', { class: 'notices' }, notices.status, notices.alert),
  main,
);
void connectionsPage(main, adminApi(basePath), notices);
