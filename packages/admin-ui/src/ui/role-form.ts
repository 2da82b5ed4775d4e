/**
 * A role's form: a new role (`#/roles/new`, or `#/roles/new?group=<IdP group>` named after a group
 * recent logins brought), or one role (`#/roles/<name>/edit`). Saved through `/admin/roles`, whose
 * checks decide: each issue comes back by path and is shown once, beside its field (a name taken,
 * whatever its case, beside the name); a change someone else saved meanwhile is a conflict explained
 * with a Reload. A role from code or a role file is shown read-only, saying where it changes.
 *
 * @module
 */
import {
  type AdminApi,
  ApiError,
  type ConnectionSummary,
  type ListedRole,
  type RolesAtAGlance,
} from './api.ts';
import { confirmDialog } from './controls.ts';
import { h, replace, setTitle } from './dom.ts';
import { type FieldControl, fieldControl } from './fields.ts';
import { announce, explain, type Notices } from './notice.ts';
import { grantsEditor, permissionsEditor, type RolePart, withLabel } from './role-fields.ts';
import { text } from './text.ts';

const t = text.role;

/** What the page shows: a new role (maybe for an IdP group) or the role `name`. */
export type RoleTarget = { name: string } | { group?: string };

/** Asks before deleting a role: its holders lose its permissions at once. */
export const askDeleteRole = (dialog: ReturnType<typeof confirmDialog>, name: string) =>
  dialog.ask({ title: t.confirmTitle(name), body: t.confirmBody, confirm: t.confirmDelete });

/** Renders the form of `target` into `main`. */
export async function roleFormPage(
  main: HTMLElement,
  api: AdminApi,
  notices: Notices,
  target: RoleTarget,
): Promise<void> {
  replace(main, h('p', {}, text.loading));
  const back = h('p', {}, h('a', { href: '#/roles' }, t.back));
  const reload = () => location.reload();
  let glance: RolesAtAGlance;
  let connections: ConnectionSummary[];
  let role: ListedRole | undefined;
  try {
    [glance, connections, role] = await Promise.all([
      api.roles(),
      api.listConnections(),
      'name' in target ? api.getRole(target.name) : undefined,
    ]);
  } catch (error) {
    replace(main, back);
    explain(notices, error, reload);
    return;
  }
  if (!main.isConnected) return;
  const group = 'group' in target ? target.group : undefined;
  const heading = !role ? t.newHeading : role.editable ? t.editHeading(role.name) : t.viewHeading(role.name);
  setTitle(heading);
  const why = !role
    ? glance.editable
      ? undefined
      : glance.custom
        ? text.roles.readOnly.custom
        : text.roles.readOnly.noStore
    : role.editable
      ? undefined
      : role.source === 'file'
        ? t.readOnlyFile(role.origin ?? '')
        : role.source === 'code'
          ? t.readOnlyCode
          : text.roles.readOnly.noStore;
  if (!role && why) {
    replace(main, back, h('h1', {}, heading), h('p', {}, why));
    return;
  }
  const locked = why !== undefined;

  const field = (
    key: string,
    label: string,
    help: string,
    initial: string | undefined,
    extra: Partial<Parameters<typeof fieldControl>[0]> = {},
  ) => fieldControl({ key, label, help, kind: 'text', required: false, ...extra }, initial, false, locked);
  const name = field(
    'name',
    t.name,
    [glance.matchGroupNames ? t.nameGroupHelp : '', t.nameHelp, role && !locked ? t.nameFixed : ''].join(' '),
    role?.name ?? group,
    { required: true },
  );
  // The name of a saved role is its identity: read-only (focusable and read out), never sent again.
  if (role) name.input.setAttribute('readonly', '');
  const description = field('description', t.description, t.descriptionHelp, role?.description);
  const scope = field('scope', t.scope, t.scopeHelp, role?.scope, {
    kind: 'select',
    default: 'global',
    options: [
      { value: 'global', label: t.scopes.global },
      { value: 'organization', label: t.scopes.organization },
    ],
  });
  const organizationId = field(
    'organizationId',
    t.organizationId,
    t.organizationIdHelp,
    role?.organizationId,
    {
      required: true,
    },
  );
  const fields = new Map<string, FieldControl>(
    [name, description, scope, organizationId].map((c) => [c.field.key, c]),
  );
  const showOrganization = () => organizationId.setVisible(scope.value() === 'organization');
  scope.onChange(showOrganization);
  showOrganization();
  const permissions = permissionsEditor(role?.permissions ?? {}, locked);
  const grants = grantsEditor(role?.grantedBy ?? [], connections, locked);
  const parts: RolePart<unknown>[] = [permissions, grants];

  const general = h('div', { class: 'notice notice-error', role: 'alert' });
  const dialog = confirmDialog();
  const save = h('button', { type: 'submit', class: 'primary' }, role ? t.save : t.create);
  const remove = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      onclick: async () => {
        if (!role || !(await askDeleteRole(dialog, role.name))) return;
        try {
          await api.deleteRole(role);
          announce(notices, t.deleted(role.name), true);
          location.hash = '#/roles';
        } catch (error) {
          explain(notices, error, reload, t.conflict);
        }
      },
    },
    t.deleteRole,
  );
  const form = h(
    'form',
    { novalidate: true },
    general,
    h(
      'fieldset',
      {},
      h('legend', {}, t.general),
      ...[name, description, scope, organizationId].map((c) => c.element),
    ),
    permissions.element,
    grants.element,
    locked
      ? null
      : h(
          'div',
          { class: 'actions start' },
          save,
          h('a', { class: 'button', href: '#/roles' }, text.connections.cancel),
          role ? remove : null,
        ),
  );
  replace(
    main,
    back,
    h('h1', {}, heading),
    why ? h('p', { class: 'read-only' }, why) : null,
    !role && group ? h('p', { class: 'meta' }, t.forGroup(group)) : null,
    form,
    dialog.element,
  );

  const clearIssues = () => {
    for (const control of fields.values()) control.showIssue(undefined);
    for (const part of parts) part.clearIssues();
    replace(general);
  };
  /** Shows the API's issue beside what its path names, or in the banner's list when nothing does. */
  const place = (path: string, message: string, loose: string[]) => {
    const control = fields.get(path);
    if (control && !control.element.hidden) control.showIssue(withLabel(control.field.label, message));
    else if (!parts.some((part) => part.showIssue(path, message))) loose.push(`${path}: ${message}`);
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (locked || save.disabled) return;
    save.disabled = true;
    clearIssues();
    const organization = scope.value() === 'organization';
    const definition = {
      scope: organization ? ('organization' as const) : ('global' as const),
      ...(organization ? { organizationId: organizationId.input.value.trim() } : {}),
      description: description.input.value.trim(),
      permissions: permissions.value(),
      grantedBy: grants.value(),
    };
    try {
      const saved = role
        ? await api.updateRole(role.name, definition, role.updatedAt)
        : await api.createRole({ name: name.input.value.trim(), ...definition });
      // Kept for the roles page, which the next line opens.
      announce(notices, role ? t.saved(saved.name) : t.created(saved.name), true);
      location.hash = '#/roles';
    } catch (error) {
      save.disabled = false;
      const issues =
        error instanceof ApiError && error.code === 'storage_conflict' && error.reason === 'role_name'
          ? [{ path: 'name', message: error.message }]
          : error instanceof ApiError
            ? error.issues
            : [];
      if (issues.length === 0) {
        explain(notices, error, reload, t.conflict);
        return;
      }
      const loose: string[] = [];
      for (const issue of issues) place(issue.path, issue.message, loose);
      replace(
        general,
        t.fixIssues(issues.length),
        ...(loose.length ? [h('ul', {}, ...loose.map((l) => h('li', {}, l)))] : []),
      );
      (form.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
    }
  });
}
