/**
 * One connection: its Active switch and Delete, the values to register at the IdP (with copy
 * buttons), Test Provider and the live test login, and the effective configuration with each field's
 * source (fields the environment or a file fixes are marked read-only, with what fixes them). Secrets
 * are never shown: only whether they are set.
 *
 * @module
 */

import { activitySections } from './activity.ts';
import type { AdminApi, ConnectionDetail, FieldSource, TestLoginReport, TestReport } from './api.ts';
import { activeSwitch, askDelete, confirmDialog, scrollRegion } from './controls.ts';
import { h, replace, setTitle } from './dom.ts';
import { providerNames } from './form.ts';
import { announce, explain, type Notices } from './notice.ts';
import { findingsList, previewSection } from './report.ts';
import { text } from './text.ts';

const d = text.detail;

/** Renders the page of connection `id`; `testLogin` is a test login's result id to show. */
export async function connectionPage(
  main: HTMLElement,
  api: AdminApi,
  notices: Notices,
  id: string,
  testLogin: string | undefined,
): Promise<void> {
  replace(main, h('p', {}, text.loading));
  let c: ConnectionDetail;
  let providerOf: Awaited<ReturnType<typeof providerNames>>;
  try {
    [c, providerOf] = await Promise.all([api.getConnection(id), providerNames(api)]);
  } catch (error) {
    replace(main, h('p', {}, h('a', { href: '#/' }, d.back)));
    explain(notices, error, () => location.reload());
    return;
  }
  if (!main.isConnected) return;
  setTitle(c.name);
  const register = h('div', { class: 'register' });
  // Not live regions: a run the admin starts is summed up in one line in the status region.
  const testArea = h('div', { class: 'test-area' });
  const loginArea = h('div', { class: 'test-area' });
  // Never disabled while it runs (that would lose the focus): aria-disabled, and clicks ignored.
  const runTest = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      onclick: () => {
        if (runTest.getAttribute('aria-disabled') !== 'true') void test(true);
      },
    },
    d.runTest,
  );
  const runLogin = h('button', { type: 'button', onclick: () => void startLogin() }, d.testLogin);
  const dialog = confirmDialog();
  const reload = () => location.reload();
  const switchArea = h('span', { class: 'active-switch' });
  const renderSwitch = (focus: boolean) => {
    const toggle = activeSwitch(c, d.activeLabel, { api, notices, dialog, reload }, (updated) => {
      c = { ...c, ...updated };
      renderSwitch(true);
    });
    replace(switchArea, h('span', { 'aria-hidden': 'true' }, d.activeLabel), toggle);
    if (focus) toggle.focus();
  };
  renderSwitch(false);
  const remove = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      onclick: async () => {
        if (!(await askDelete(dialog, c.name))) return;
        try {
          await api.deleteConnection(c);
          announce(notices, text.connections.deleted(c.name), true);
          location.hash = '#/';
        } catch (error) {
          explain(notices, error, reload);
        }
      },
    },
    d.deleteConnection,
  );
  replace(
    main,
    h('p', {}, h('a', { href: '#/' }, d.back)),
    h('h1', {}, c.name),
    h(
      'p',
      { class: 'meta' },
      `${text.protocols[c.protocol] ?? c.protocol} · ${providerOf(c)} · `,
      h('code', {}, c.id),
      ' · ',
      h('a', { href: `#/connections/${encodeURIComponent(c.id)}/edit` }, text.form.edit),
    ),
    h('div', { class: 'actions start' }, switchArea, remove),
    dialog.element,
    h(
      'section',
      { 'aria-labelledby': 'register-heading' },
      h('h2', { id: 'register-heading' }, d.registerHeading),
      h('p', { class: 'hint' }, d.registerHint),
      register,
    ),
    h(
      'section',
      { 'aria-labelledby': 'test-heading' },
      h('h2', { id: 'test-heading' }, d.testHeading),
      h('p', { class: 'hint' }, d.testHint),
      h('div', { class: 'actions start' }, runTest, runLogin),
      testArea,
      loginArea,
    ),
    h(
      'section',
      { 'aria-labelledby': 'effective-heading' },
      h('h2', { id: 'effective-heading' }, d.effectiveHeading),
      h('p', { class: 'hint' }, d.effectiveHint),
      scrollRegion(d.effectiveCaption, effectiveTable(c)),
    ),
  );

  /** Runs the checks; `say`: the admin asked, so the outcome is announced in one line. */
  const test = async (say: boolean) => {
    runTest.setAttribute('aria-disabled', 'true');
    replace(testArea, h('p', {}, d.testing));
    try {
      const report = await api.testConnection(id);
      renderRegister(register, report, notices);
      const status = text.report.status[report.status] ?? report.status;
      replace(testArea, h('h3', {}, d.testResult(status)), findingsList(report.findings));
      const count = (what: string) => report.findings.filter((f) => f.status === what).length;
      if (say) announce(notices, d.testSummary(status, count('error'), count('warning')));
    } catch (error) {
      replace(testArea);
      explain(notices, error, reload);
    } finally {
      runTest.removeAttribute('aria-disabled');
    }
  };
  const startLogin = async () => {
    runLogin.disabled = true;
    try {
      // Back here after the IdP, with ?testLogin=<result id>.
      const started = await api.startTestLogin(
        id,
        `${location.pathname}#/connections/${encodeURIComponent(id)}`,
      );
      location.assign(started.url);
    } catch (error) {
      runLogin.disabled = false;
      explain(notices, error, () => location.reload());
    }
  };
  const activityArea = h('div');
  main.insertBefore(activityArea, main.lastElementChild);
  api
    .activity(id)
    .then((activity) => replace(activityArea, ...activitySections(activity)))
    .catch(() => undefined);
  await test(false);
  if (testLogin) {
    try {
      renderTestLogin(loginArea, await api.testLoginReport(id, testLogin));
      loginArea.querySelector('h3')?.setAttribute('tabindex', '-1');
      (loginArea.querySelector('h3') as HTMLElement | null)?.focus();
    } catch (error) {
      explain(notices, error, () => location.reload());
    }
  }
}

function renderRegister(into: HTMLElement, report: TestReport, notices: Notices): void {
  replace(
    into,
    h(
      'dl',
      { class: 'values' },
      ...Object.entries(report.register).flatMap(([key, value]) => {
        const label = d.register[key] ?? key;
        const code = h('code', {}, value);
        const copy = h(
          'button',
          {
            type: 'button',
            class: 'copy',
            'aria-label': d.copyLabel(label),
            onclick: async () => {
              // The clipboard API exists only in a secure context (https, or localhost) and may be
              // refused: then the value is selected for the admin to copy, and the page says how.
              const copied = await (navigator.clipboard?.writeText(value) ?? Promise.reject()).then(
                () => true,
                () => false,
              );
              if (copied) {
                copy.textContent = d.copied;
                setTimeout(() => (copy.textContent = d.copy), 2000);
                announce(notices, d.copiedSaid(label));
              } else {
                getSelection()?.selectAllChildren(code);
                announce(notices, d.copyByHand(label));
              }
            },
          },
          d.copy,
        );
        return [h('dt', {}, label), h('dd', {}, code, ' ', copy)];
      }),
    ),
  );
}

function renderTestLogin(into: HTMLElement, report: TestLoginReport): void {
  replace(
    into,
    h('h3', {}, report.outcome === 'would-succeed' ? d.loginSucceeded : d.loginFailed),
    report.error
      ? h(
          'div',
          { class: 'finding finding-error' },
          h(
            'p',
            {},
            h('strong', {}, d.stage[report.error.stage] ?? report.error.stage),
            ' ',
            `${report.error.code}: ${report.error.message}`,
          ),
          report.error.fix
            ? h('p', { class: 'finding-fix' }, h('strong', {}, text.report.fix), ' ', report.error.fix)
            : null,
        )
      : null,
    report.identity ? h('p', {}, d.signedInAs(report.identity.subject, report.identity.issuer)) : null,
    report.preview ? previewSection(report.preview) : null,
    report.findings.length > 0 ? findingsList(report.findings) : null,
    report.claims
      ? h(
          'details',
          {},
          h('summary', {}, d.claims),
          h('pre', { class: 'claims' }, JSON.stringify(report.claims, null, 2)),
        )
      : null,
  );
}

/** The effective configuration: each field, its value (secrets: set or not), and its source. */
function effectiveTable(c: ConnectionDetail): HTMLElement {
  const secrets = new Set(c.secretsSet ?? []);
  const rows = Object.entries(c.sources)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, source]) => {
      const value = secrets.has(path) ? d.secretSet : display(valueAt(c, path));
      return h(
        'tr',
        {},
        h('th', { scope: 'row' }, h('code', {}, path)),
        h('td', {}, value),
        h('td', {}, sourceText(source)),
      );
    });
  return h(
    'table',
    { class: 'effective' },
    h('caption', {}, d.effectiveCaption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, d.field),
        h('th', { scope: 'col' }, d.value),
        h('th', { scope: 'col' }, d.source),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}

function sourceText(source: FieldSource): string {
  const name = d.sources[source.source] ?? source.source;
  if (source.source === 'environment' || source.source === 'file') return d.fixed(name, source.origin);
  return name;
}

function valueAt(c: ConnectionDetail, path: string): unknown {
  const [key, field] = path.split('.') as [string, string | undefined];
  const value = (c as Record<string, unknown>)[key];
  return field === undefined ? value : (value as Record<string, unknown> | undefined)?.[field];
}

function display(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  return JSON.stringify(value);
}
