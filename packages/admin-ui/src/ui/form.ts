/**
 * The guided form of a provider, for a new connection or an existing one: rendered from the form's
 * description (`GET /admin/forms`), built and checked by the server (`POST /admin/forms/:id/connection`,
 * whose issues come back by field and are shown once, beside their field), then saved through the
 * ordinary connection routes, so every check of the admin API applies (optimistic concurrency, unique
 * names: shown beside the display name too). A new connection's id is proposed from its display name,
 * so the values to register shown as you type are real URLs. Sections most connections leave alone
 * (claim mapping, provisioning, group sync, advanced) are collapsed; one with an issue opens.
 *
 * @module
 */
import { type AdminApi, ApiError } from './api.ts';
import { h, replace, setTitle } from './dom.ts';
import { type FieldControl, fieldControl } from './fields.ts';
import type { FieldValue, FormsResponse } from './form-types.ts';
import { announce, explain, type Notices } from './notice.ts';
import { text } from './text.ts';

const f = text.form;
let cache: Promise<FormsResponse> | undefined;
const formsOf = (api: AdminApi) => {
  cache ??= api.forms().catch((error) => {
    cache = undefined;
    throw error;
  });
  return cache;
};

/** The sections shown collapsed: what most connections keep at the defaults. */
const COLLAPSED = new Set(['claims', 'provisioning', 'groupSync', 'advanced']);

/** A connection's provider as its form names it (`okta` → `Okta`); its id when no form has it. */
export async function providerNames(
  api: AdminApi,
): Promise<(c: { provider: string; protocol: string }) => string> {
  const forms = await formsOf(api).catch(() => undefined);
  return (c) =>
    forms?.forms.find((form) => form.provider === c.provider && form.protocol === c.protocol)?.label ??
    c.provider;
}

/** A connection id proposed from a display name: `Acme SSO (EU)` → `acme-sso-eu`. */
export function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** `#/new`: the providers to choose from, OIDC and SAML. */
export async function choosePage(main: HTMLElement, api: AdminApi, notices: Notices): Promise<void> {
  setTitle(f.newConnection);
  replace(main, h('p', {}, text.loading));
  try {
    const { forms } = await formsOf(api);
    const list = (protocol: 'oidc' | 'saml') =>
      h(
        'ul',
        { class: 'choices' },
        ...forms
          .filter((form) => form.protocol === protocol)
          .map((form) => h('li', {}, h('a', { href: `#/new/${form.id}` }, form.label))),
      );
    replace(
      main,
      h('p', {}, h('a', { href: '#/' }, text.detail.back)),
      h('h1', {}, f.chooseHeading),
      h('h2', {}, text.protocols.oidc),
      list('oidc'),
      h('h2', {}, text.protocols.saml),
      list('saml'),
    );
  } catch (error) {
    explain(notices, error, () => location.reload());
  }
}

/** `#/new/<formId>` (no `id`) or `#/connections/<id>/edit`. */
export async function formPage(
  main: HTMLElement,
  api: AdminApi,
  notices: Notices,
  target: { formId: string } | { id: string },
): Promise<void> {
  replace(main, h('p', {}, text.loading));
  let forms: FormsResponse;
  let stored: Awaited<ReturnType<AdminApi['connectionForm']>> | undefined;
  let sources: Record<string, { source: string; origin?: string }> = {};
  try {
    forms = await formsOf(api);
    if ('id' in target)
      [stored, { sources }] = await Promise.all([
        api.connectionForm(target.id),
        api.getConnection(target.id),
      ]);
  } catch (error) {
    replace(main, h('p', {}, h('a', { href: '#/' }, text.detail.back)));
    explain(notices, error, () => location.reload());
    return;
  }
  if (!main.isConnected) return;
  const formId = stored?.formId ?? (target as { formId: string }).formId;
  const form = forms.forms.find((x) => x.id === formId);
  if (!form) {
    replace(main, h('p', {}, f.unknownForm), h('p', {}, h('a', { href: '#/new' }, f.chooseHeading)));
    return;
  }
  const editing = stored !== undefined;
  const heading = editing ? f.editHeading(form.label) : f.newHeading(form.label);
  setTitle(heading);
  const controls = new Map<string, FieldControl>();
  const general = h('div', { class: 'notice notice-error', role: 'alert' });
  const registerList = h('dl', { class: 'values' });
  const sections = form.sections.map((section) => {
    const fields = [
      section.help ? h('p', { class: 'hint' }, section.help) : null,
      ...section.fields.map((field) => {
        // A field the environment or a file sets is shown, locked, with what sets it.
        const fixer = [field.key, ...(field.paths ?? [])]
          .map((path) => sources[path])
          .find((s) => s?.source === 'environment' || s?.source === 'file');
        const control = fieldControl(
          field,
          stored?.values[field.key],
          stored?.secretsSet.includes(field.key) ?? false,
          (editing && field.fixedOnEdit === true) || fixer !== undefined,
          fixer ? f.fixedBy(text.detail.sources[fixer.source] ?? fixer.source, fixer.origin) : undefined,
        );
        controls.set(field.key, control);
        return control.element;
      }),
    ];
    return COLLAPSED.has(section.id)
      ? h('details', { class: 'section' }, h('summary', {}, section.title), ...fields)
      : h('fieldset', {}, h('legend', {}, section.title), ...fields);
  });
  const save = h('button', { type: 'submit', class: 'primary' }, editing ? f.saveChanges : f.create);
  const element = h(
    'form',
    { novalidate: true, 'aria-describedby': 'form-quirks' },
    general,
    ...sections,
    h(
      'div',
      { class: 'actions start' },
      save,
      h(
        'a',
        {
          class: 'button',
          href: editing ? `#/connections/${encodeURIComponent((target as { id: string }).id)}` : '#/',
        },
        text.connections.cancel,
      ),
    ),
  );
  replace(
    main,
    h('p', {}, h('a', { href: '#/' }, text.detail.back)),
    h('h1', {}, heading),
    h(
      'p',
      { class: 'meta' },
      f.where(form.console),
      ' ',
      form.docsUrl
        ? h('a', { href: form.docsUrl, rel: 'noreferrer', target: '_blank' }, f.docs(form.docsName))
        : null,
    ),
    form.quirks.length
      ? h('ul', { id: 'form-quirks', class: 'quirks' }, ...form.quirks.map((q) => h('li', {}, q)))
      : null,
    h(
      'section',
      { 'aria-labelledby': 'form-register' },
      h('h2', { id: 'form-register' }, text.detail.registerHeading),
      registerList,
    ),
    element,
  );

  // A new connection's id is proposed from its display name as it is typed, until the admin types one
  // (clearing it brings the proposal back): every URL shown below is then the real one.
  const idInput = editing ? undefined : controls.get('id')?.input;
  const nameInput = controls.get('name')?.input;
  if (idInput && nameInput) {
    idInput.dataset.proposed = 'true';
    idInput.addEventListener('input', () => {
      idInput.dataset.proposed = String(idInput.value === '');
    });
    nameInput.addEventListener('input', () => {
      if (idInput.dataset.proposed === 'true') idInput.value = slugOf(nameInput.value);
      refresh();
    });
  }
  const idOf = () => String(controls.get('id')?.value() ?? (target as { id?: string }).id ?? '');
  const renderRegister = () =>
    replace(
      registerList,
      ...form.register.flatMap((r) => {
        const template = forms.register[r.key] ?? '';
        const value = template.replaceAll('{id}', idOf());
        return [
          h('dt', {}, r.providerName ? `${r.label} (${r.providerName})` : r.label),
          h(
            'dd',
            {},
            template.includes('{id}') && idOf() === ''
              ? h('span', { class: 'hint' }, f.noIdYet)
              : h('code', {}, value),
          ),
        ];
      }),
    );
  const refresh = () => {
    for (const control of controls.values()) {
      const when = control.field.when;
      if (when) control.setVisible(when.equals.includes(String(controls.get(when.field)?.value() ?? '')));
      // The SP entity ID defaults to the SP metadata URL of this id (nothing until there is an id).
      if (control.field.prefill && !editing) {
        const input = control.input;
        const prefilled = idOf()
          ? (forms.register[control.field.prefill] ?? '').replaceAll('{id}', idOf())
          : '';
        if (input.value === '' || input.dataset.prefilled === 'true') {
          input.value = prefilled;
          input.dataset.prefilled = 'true';
        }
      }
      // A client secret whose expiry has passed: said, not refused (the date may be set on purpose).
      if (control.field.key.endsWith('ExpiresAt')) {
        const at = Date.parse(String(control.value() ?? ''));
        control.setWarning(at < Date.now() ? f.pastDate : undefined);
      }
    }
    renderRegister();
  };
  // A prefilled value the admin edits is theirs: no longer replaced (emptied, it is offered again).
  for (const control of controls.values())
    if (control.field.prefill)
      control.input.addEventListener('input', () => {
        control.input.dataset.prefilled = String(control.input.value === '');
      });
  for (const control of controls.values()) control.onChange(refresh);
  refresh();
  const showIssue = (control: FieldControl, message: string) => {
    control.showIssue(message);
    const section = control.element.closest('details');
    if (section) section.open = true;
  };

  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    for (const control of controls.values()) control.showIssue(undefined);
    replace(general);
    const values: Record<string, FieldValue> = {};
    for (const [key, control] of controls) {
      // The id is in the URL of an edit: not sent again.
      if (control.element.hidden || (editing && control.field.fixedOnEdit)) continue;
      const value = control.value();
      if (value !== undefined) values[key] = value;
    }
    try {
      const { connection } = await api.buildConnection(form.id, values);
      const saved = editing
        ? await api.updateConnection((target as { id: string }).id, {
            ...connection,
            updatedAt: stored?.updatedAt,
          })
        : await api.createConnection(connection);
      // Kept for the connection's page, which the next line opens.
      announce(notices, editing ? f.saved(saved.name) : f.created(saved.name, saved.active), true);
      location.hash = `#/connections/${encodeURIComponent(saved.id)}`;
    } catch (error) {
      save.disabled = false;
      if (error instanceof ApiError && error.issues.length > 0) {
        const loose: string[] = [];
        for (const issue of error.issues) {
          const control = controls.get(issue.field ?? issue.path);
          if (control && !control.element.hidden) showIssue(control, issue.message);
          else loose.push(`${issue.path}: ${issue.message}`);
        }
        replace(
          general,
          f.fixIssues(error.issues.length),
          ...(loose.length ? [h('ul', {}, ...loose.map((l) => h('li', {}, l)))] : []),
        );
        (element.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
      } else if (
        error instanceof ApiError &&
        error.code === 'connection_name_taken' &&
        controls.has('name')
      ) {
        // The create or PATCH refused the name: said beside the display name, not as a page banner.
        const name = controls.get('name') as FieldControl;
        showIssue(name, error.message);
        replace(general, f.fixIssues(1));
        name.input.focus();
      } else explain(notices, error, () => location.reload());
    }
  });
}
