/**
 * The two parts of the role form that are not single fields: the permissions (rows of a resource and
 * its comma-separated actions, added and removed with the keyboard) and the connections allowed to
 * grant the role (a checkbox each, and one for every connection). Each shows the API's issue about it
 * beside the row or the group it names, once.
 *
 * @module
 */
import { h, replace } from './dom.ts';
import { text } from './text.ts';

const t = text.role;
let rowCount = 0;

/** A part of the form: its element, what it says, and where the API's issues about it go. */
export interface RolePart<T> {
  element: HTMLElement;
  value(): T;
  /** Shows an issue of `path` beside what it names; false when `path` is not about this part. */
  showIssue(path: string, message: string): boolean;
  clearIssues(): void;
}

/** An issue beside an input: said in `into`, the input marked invalid. */
function mark(into: HTMLElement, input: HTMLElement | undefined, message: string): void {
  replace(into, message);
  input?.setAttribute('aria-invalid', 'true');
}

/** A message of the API that starts with its verb ("must be …") said after the field's label. */
export const withLabel = (label: string, message: string) =>
  /^[a-z]/.test(message) ? `${label} ${message}` : message;

interface Row {
  element: HTMLElement;
  resource: HTMLInputElement;
  actions: HTMLInputElement;
  issue: HTMLElement;
}

/** The permissions editor, starting from `initial`; `locked`: shown, not editable. */
export function permissionsEditor(
  initial: Record<string, string[]>,
  locked: boolean,
): RolePart<Record<string, string[]>> {
  const rows: Row[] = [];
  const list = h('div', { class: 'permission-rows' });
  const empty = h('p', { class: 'hint' }, t.noPermission);
  const issue = h('p', { id: 'permissions-issue', class: 'field-issue' });
  const add = h(
    'button',
    { type: 'button', onclick: () => addRow('', []).resource.focus() },
    t.addPermission,
  );
  const element = h(
    'fieldset',
    { class: 'permissions', 'aria-describedby': 'permissions-help permissions-issue' },
    h('legend', {}, t.permissions),
    h('p', { id: 'permissions-help', class: 'hint' }, t.permissionsHelp),
    list,
    empty,
    locked ? null : h('div', { class: 'actions start' }, add),
    issue,
  );
  const refresh = () => {
    empty.hidden = rows.length > 0;
  };
  const addRow = (resourceName: string, actionNames: string[]): Row => {
    const n = ++rowCount;
    const id = `permission-${n}`;
    const common = { type: 'text', autocomplete: 'off', spellcheck: 'false', disabled: locked };
    const resource = h('input', { ...common, id: `${id}-resource`, 'aria-describedby': `${id}-issue` });
    const actions = h('input', {
      ...common,
      id: `${id}-actions`,
      placeholder: t.actionsPlaceholder,
      'aria-describedby': `${id}-issue`,
    });
    resource.value = resourceName;
    actions.value = actionNames.join(', ');
    const remove = h('button', { type: 'button', class: 'remove' }, t.remove);
    const label = () => remove.setAttribute('aria-label', t.removeLabel(resource.value.trim()));
    label();
    resource.addEventListener('input', label);
    const rowIssue = h('p', { id: `${id}-issue`, class: 'field-issue' });
    const row: Row = {
      resource,
      actions,
      issue: rowIssue,
      element: h(
        'div',
        { class: 'permission-row' },
        h('div', { class: 'field' }, h('label', { for: resource.id }, t.resource), resource),
        h('div', { class: 'field' }, h('label', { for: actions.id }, t.actions), actions),
        locked ? null : remove,
        rowIssue,
      ),
    };
    remove.addEventListener('click', () => {
      const at = rows.indexOf(row);
      rows.splice(at, 1);
      row.element.remove();
      refresh();
      // The focus goes to the row that took its place, else the one before, else "Add a permission".
      const next = rows[at] ?? rows[at - 1];
      (next ? next.resource : add).focus();
    });
    rows.push(row);
    list.appendChild(row.element);
    refresh();
    return row;
  };
  for (const [resource, actions] of Object.entries(initial)) addRow(resource, actions);
  refresh();

  /** The rows as sent: each resource once (a repeated one's actions joined), in order, with its row. */
  const collect = () => {
    const sent = new Map<string, { actions: Set<string>; row: Row }>();
    for (const row of rows) {
      const resource = row.resource.value.trim();
      const actions = row.actions.value
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      if (resource === '' && actions.length === 0) continue;
      const entry = sent.get(resource) ?? { actions: new Set<string>(), row };
      for (const action of actions) entry.actions.add(action);
      sent.set(resource, entry);
    }
    return sent;
  };
  return {
    element,
    value: () => Object.fromEntries([...collect()].map(([resource, e]) => [resource, [...e.actions]])),
    showIssue(path, message) {
      if (!path.startsWith('permissions')) return false;
      const sent = [...collect()];
      // `permissions (resource #2)`: the second resource sent; `permissions["models"]…`: its actions.
      const byIndex = /^permissions \(resource #(\d+)\)$/.exec(path);
      const byName = /^permissions\[("(?:[^"\\]|\\.)*")\]/.exec(path);
      const target = byIndex
        ? sent[Number(byIndex[1]) - 1]
        : byName
          ? sent.find(([resource]) => resource === (JSON.parse(byName[1] as string) as string))
          : undefined;
      const row = target?.[1].row;
      if (row && byIndex) mark(row.issue, row.resource, withLabel(t.resource, message));
      else if (row) mark(row.issue, row.actions, withLabel(t.actions, message));
      else mark(issue, undefined, withLabel(t.permissions, message));
      return true;
    },
    clearIssues() {
      for (const p of [issue, ...rows.map((r) => r.issue)]) replace(p);
      for (const input of element.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    },
  };
}

/** The connections allowed to grant the role: `'*'` (every connection) and each connection's id. */
export function grantsEditor(
  initial: readonly string[],
  connections: readonly { id: string; name: string }[],
  locked: boolean,
): RolePart<string[]> {
  const known = new Set(connections.map((c) => c.id));
  const choices = [
    { value: '*', label: t.every },
    ...connections.map((c) => ({ value: c.id, label: `${c.name} (${c.id})` })),
    // A connection deleted since: still listed, so that unticking it is a choice.
    ...initial
      .filter((id) => id !== '*' && !known.has(id))
      .map((id) => ({ value: id, label: text.roles.unknownConnection(id) })),
  ];
  const boxes = choices.map((choice, i) => {
    const box = h('input', {
      type: 'checkbox',
      id: `grant-${i}`,
      name: 'grantedBy',
      value: choice.value,
      disabled: locked,
    });
    box.checked = initial.includes(choice.value);
    return { box, element: h('div', { class: 'check' }, box, h('label', { for: box.id }, choice.label)) };
  });
  const issue = h('p', { id: 'grants-issue', class: 'field-issue' });
  const warning = h('p', { id: 'grants-warning', class: 'field-warning' });
  const element = h(
    'fieldset',
    { class: 'grants', 'aria-describedby': 'grants-help grants-warning grants-issue' },
    h('legend', {}, t.grantedBy),
    h('p', { id: 'grants-help', class: 'hint' }, t.grantedByHelp),
    ...boxes.map((b) => b.element),
    connections.length === 0 ? h('p', { class: 'hint' }, t.noConnections) : null,
    warning,
    issue,
  );
  const value = () => boxes.filter((b) => b.box.checked).map((b) => b.box.value);
  // Said, not refused: a role may be created before any connection may grant it.
  const warn = () => replace(warning, value().length === 0 ? t.grantedNone : '');
  for (const { box } of boxes) box.addEventListener('change', warn);
  warn();
  return {
    element,
    value,
    showIssue(path, message) {
      if (!/^grantedBy\b/.test(path)) return false;
      mark(issue, boxes[0]?.box, withLabel(t.grantedBy, message));
      return true;
    },
    clearIssues() {
      replace(issue);
      boxes[0]?.box.removeAttribute('aria-invalid');
    },
  };
}
