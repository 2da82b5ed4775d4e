/**
 * The guided form of a provider, for a new connection or an existing one: rendered from the form's
 * description (`GET /admin/forms`), built and checked by the server (`POST /admin/forms/:id/connection`,
 * whose issues come back by field and are shown once, beside their field), then saved through the
 * ordinary connection routes, so every check of the admin API applies (optimistic concurrency too).
 *
 * @module
 */
import { type AdminApi, ApiError } from './api.ts';
import { h, replace } from './dom.ts';
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

/** `#/new`: the providers to choose from, OIDC and SAML. */
export async function choosePage(main: HTMLElement, api: AdminApi, notices: Notices): Promise<void> {
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
  const formId = stored?.formId ?? (target as { formId: string }).formId;
  const form = forms.forms.find((x) => x.id === formId);
  if (!form) {
    replace(main, h('p', {}, f.unknownForm), h('p', {}, h('a', { href: '#/new' }, f.chooseHeading)));
    return;
  }
  const editing = stored !== undefined;
  const controls = new Map<string, FieldControl>();
  const general = h('div', { class: 'notice notice-error', role: 'alert' });
  const registerList = h('dl', { class: 'values' });
  const sections = form.sections.map((section) =>
    h(
      'fieldset',
      {},
      h('legend', {}, section.title),
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
    ),
  );
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
        { href: editing ? `#/connections/${encodeURIComponent((target as { id: string }).id)}` : '#/' },
        text.connections.cancel,
      ),
    ),
  );
  replace(
    main,
    h('p', {}, h('a', { href: '#/' }, text.detail.back)),
    h('h1', {}, editing ? f.editHeading(form.label) : f.newHeading(form.label)),
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

  const idOf = () => String(controls.get('id')?.value() ?? (target as { id?: string }).id ?? '{id}');
  const renderRegister = () =>
    replace(
      registerList,
      ...form.register.flatMap((r) => {
        const value = (forms.register[r.key] ?? '').replaceAll('{id}', idOf() || '{id}');
        return [
          h('dt', {}, r.providerName ? `${r.label} (${r.providerName})` : r.label),
          h('dd', {}, h('code', {}, value)),
        ];
      }),
    );
  const refresh = () => {
    for (const control of controls.values()) {
      const when = control.field.when;
      if (when) control.setVisible(when.equals.includes(String(controls.get(when.field)?.value() ?? '')));
      // The SP entity ID defaults to the SP metadata URL of this id.
      if (control.field.prefill && !editing) {
        const input = control.element.querySelector('input');
        const prefilled = (forms.register[control.field.prefill] ?? '').replaceAll('{id}', idOf());
        if (input && (input.value === '' || input.dataset.prefilled === 'true')) {
          input.value = prefilled;
          input.dataset.prefilled = 'true';
        }
      }
    }
    renderRegister();
  };
  for (const control of controls.values()) control.onChange(refresh);
  refresh();

  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    for (const control of controls.values()) control.showIssue(undefined);
    replace(general);
    const values: Record<string, FieldValue> = {};
    for (const [key, control] of controls) {
      if (control.element.hidden) continue;
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
      announce(notices, editing ? f.saved(saved.name) : f.created(saved.name));
      location.hash = `#/connections/${encodeURIComponent(saved.id)}`;
    } catch (error) {
      save.disabled = false;
      if (error instanceof ApiError && error.issues.length > 0) {
        const loose: string[] = [];
        for (const issue of error.issues) {
          const control = controls.get(issue.field ?? issue.path);
          if (control && !control.element.hidden) control.showIssue(issue.message);
          else loose.push(`${issue.path}: ${issue.message}`);
        }
        replace(
          general,
          f.fixIssues(error.issues.length),
          ...(loose.length ? [h('ul', {}, ...loose.map((l) => h('li', {}, l)))] : []),
        );
        (element.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
      } else explain(notices, error, () => location.reload());
    }
  });
}
