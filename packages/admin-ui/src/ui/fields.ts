/**
 * One form field, rendered from its description: a labelled control, the provider's own name for it,
 * its help and default, and the place where the API's issue about it appears (once, beside it), with
 * a warning that does not stop the save (a date already past). A field with a pattern is checked as
 * soon as it is left. Secrets are write-only: never prefilled; left empty, the stored one is kept.
 *
 * @module
 */
import { h, replace } from './dom.ts';
import type { FieldValue, FormField } from './form-types.ts';
import { text } from './text.ts';

const f = text.form;

/** A rendered field: its element, its current value, and where its issue goes. */
export interface FieldControl {
  field: FormField;
  element: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  value(): FieldValue | undefined;
  showIssue(message: string | undefined): void;
  /** A warning beside the field that does not stop the save; `undefined` removes it. */
  setWarning(message: string | undefined): void;
  setVisible(visible: boolean): void;
  onChange(listener: () => void): void;
}

/** Renders `field` with `initial` (a stored value, or its default); `secretSet` for a kept secret. */
export function fieldControl(
  field: FormField,
  initial: FieldValue | undefined,
  secretSet: boolean,
  locked: boolean,
  lockedReason?: string,
): FieldControl {
  const id = `field-${field.key.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  const describedBy = [`${id}-help`, `${id}-issue`, `${id}-warning`];
  const common = { id, name: field.key, 'aria-describedby': describedBy.join(' '), disabled: locked };
  let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  const start = initial ?? field.default;
  switch (field.kind) {
    case 'boolean':
      input = h('input', { ...common, type: 'checkbox' });
      (input as HTMLInputElement).checked = start === true;
      break;
    case 'select':
      // A select with no single default value ("automatic") starts on an empty choice that sends nothing.
      input = h(
        'select',
        common,
        field.default === undefined ? h('option', { value: '' }, f.automatic(field.defaultText)) : null,
        ...(field.options ?? []).map((o) => h('option', { value: o.value }, o.label)),
      );
      if (typeof start === 'string') input.value = start;
      break;
    case 'multiline':
    case 'list':
    case 'json':
      input = h('textarea', { ...common, rows: field.kind === 'json' ? 6 : 4, spellcheck: 'false' });
      input.value =
        field.kind === 'list' && Array.isArray(start)
          ? start.join('\n')
          : field.kind === 'json' && start !== undefined
            ? JSON.stringify(start, null, 2)
            : typeof start === 'string'
              ? start
              : '';
      break;
    default:
      input =
        field.kind === 'secret' && field.multiline
          ? h('textarea', { ...common, rows: 4, spellcheck: 'false', autocomplete: 'off' })
          : h('input', {
              ...common,
              type: field.kind === 'secret' ? 'password' : field.kind === 'url' ? 'url' : 'text',
              autocomplete: 'off',
              spellcheck: 'false',
            });
      if (field.kind !== 'secret' && typeof start === 'string') input.value = start;
  }
  if (field.required) input.setAttribute('aria-required', 'true');
  if (field.placeholder && !(input instanceof HTMLSelectElement))
    input.setAttribute('placeholder', field.placeholder);
  if (field.kind === 'secret' && secretSet) input.setAttribute('placeholder', f.secretKept);
  const issue = h('p', { id: `${id}-issue`, class: 'field-issue' });
  const warning = h('p', { id: `${id}-warning`, class: 'field-warning' });
  // Each part a sentence: a preset's help may lack its full stop ("The realm name").
  const helpParts = [
    field.help,
    field.kind === 'list' ? f.onePerLine : '',
    field.providerName ? f.providerCalls(field.providerName) : '',
    defaultText(field),
    field.writeOnly ? f.writeOnly : '',
    lockedReason ?? '',
  ]
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => (/[.!?]$/.test(part) ? part : `${part}.`));
  const upload = field.upload
    ? h('input', {
        type: 'file',
        accept: field.upload.accept,
        'aria-label': f.uploadLabel(field.label),
        onchange: async (event: Event) => {
          const file = (event.target as HTMLInputElement).files?.[0];
          if (file) input.value = await file.text();
          input.dispatchEvent(new Event('input'));
        },
      })
    : null;
  const label = h(
    'label',
    { for: id },
    field.label,
    field.required ? h('span', { class: 'required' }, ` ${f.required}`) : null,
  );
  const element = h(
    'div',
    { class: `field field-${field.kind}` },
    field.kind === 'boolean' ? h('div', { class: 'check' }, input, label) : label,
    field.kind === 'boolean' ? null : input,
    upload,
    h('p', { id: `${id}-help`, class: 'hint' }, helpParts.join(' ')),
    issue,
    warning,
  );
  const showIssue = (message: string | undefined) => {
    replace(issue, message ?? '');
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  // A value that does not fit the field's pattern is said when the field is left, not only on save.
  let patternIssue = false;
  if (field.pattern) {
    const pattern = new RegExp(field.pattern.regex);
    const message = `${field.label}: ${field.pattern.message}`;
    input.addEventListener('change', () => {
      const bad = input.value.trim() !== '' && !pattern.test(input.value.trim());
      if (bad) showIssue(message);
      else if (patternIssue) showIssue(undefined);
      patternIssue = bad;
    });
  }
  return {
    field,
    element,
    input,
    value() {
      if (field.kind === 'boolean') return (input as HTMLInputElement).checked;
      const raw = input.value;
      if (field.kind === 'list')
        return raw
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean);
      if (field.kind === 'json') {
        if (raw.trim() === '') return {};
        try {
          return JSON.parse(raw) as Record<string, unknown>;
        } catch {
          return raw; // the server names what is wrong with it
        }
      }
      return raw === '' ? (field.kind === 'secret' ? '' : undefined) : raw;
    },
    showIssue(message) {
      patternIssue = false;
      showIssue(message);
    },
    setWarning(message) {
      replace(warning, message ?? '');
    },
    setVisible(visible) {
      element.hidden = !visible;
    },
    onChange(listener) {
      input.addEventListener('input', listener);
      input.addEventListener('change', listener);
    },
  };
}

/** What the field is when left alone, in the words the form shows: a choice's label, on or off. */
function defaultText(field: FormField): string {
  if (field.defaultText) return f.defaultIs(field.defaultText);
  const value = field.default;
  if (value === undefined || field.kind === 'secret') return '';
  const shown = Array.isArray(value)
    ? value.join(', ') || f.none
    : typeof value === 'boolean'
      ? value
        ? f.on
        : f.off
      : typeof value === 'object'
        ? ''
        : (field.options?.find((o) => o.value === value)?.label ?? String(value));
  return shown ? f.defaultIs(shown) : '';
}
