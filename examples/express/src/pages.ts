/** The example's HTML. Plain server-rendered pages; the admin page drives ssokit's admin API. */
import type { SsoSession } from '@ssokit/server';
import type { SsoStorage } from '@ssokit/storage';

type Connection = { id: string; name: string; protocol: string; provider: string };

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
header{background:#0f172a;color:#fff;padding:.8rem 1.5rem;display:flex;gap:1.5rem;align-items:center}
header a{color:#cbd5e1;text-decoration:none}header .me{margin-left:auto}main{padding:1.5rem;max-width:70rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #e2e8f0;padding:.45rem .6rem;text-align:left;vertical-align:top}
.button,button{background:#1d4ed8;color:#fff;border:0;border-radius:4px;padding:.45rem .8rem;cursor:pointer;text-decoration:none;display:inline-block;margin:.2rem 0}
button.secondary{background:#475569}button.danger{background:#b91c1c}textarea{width:100%;font-family:monospace;font-size:.85rem}
.ok{color:#15803d}.warning{color:#b45309}.error{color:#b91c1c}pre{background:#fff;border:1px solid #e2e8f0;padding:.6rem;overflow:auto}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:1rem;margin:1rem 0}`;

export function layout(title: string, session: SsoSession | null, body: string): string {
  const me = session
    ? `<span class="me" data-testid="me">${escapeHtml(session.user.email ?? session.user.id)}</span><form method="post" action="/sso/logout"><button class="secondary" data-testid="logout">Sign out</button></form>`
    : '<span class="me"></span>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · ssokit example</title><style>${STYLE}</style></head>
<body><header><b>ssokit example</b><a href="/">Sign in</a><a href="/profile">Profile</a><a href="/admin">Admin</a>${me}</header><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function loginPage(providers: Connection[], session: SsoSession | null): string {
  const buttons = providers
    .map(
      (p) =>
        `<p><a class="button" data-testid="login-${escapeHtml(p.id)}" href="/sso/login/${encodeURIComponent(p.id)}?returnTo=/profile">Sign in with ${escapeHtml(p.name)}</a> <small>${escapeHtml(p.protocol.toUpperCase())}</small></p>`,
    )
    .join('');
  return `${session ? `<p>Signed in as ${escapeHtml(session.user.email ?? session.user.id)}. <a href="/profile">Your profile</a></p>` : ''}
<div class="card" data-testid="providers">${buttons || '<p>No identity provider is active. An admin can add one.</p>'}</div>`;
}

export function profilePage(
  session: SsoSession,
  user: { email?: string; name?: string; username?: string; emailVerified?: boolean } | null,
  memberships: { group: string; sources: string[] }[],
): string {
  const describe = (source: string) =>
    source === 'manual' ? 'manual (added by an admin)' : `synced from ${source.slice(4)}`;
  // One row per group, with every way the user is in it (an admin, one or several connections).
  const rows = memberships
    .map(
      (m) =>
        `<tr data-testid="membership"><td>${escapeHtml(m.group)}</td><td>${escapeHtml(m.sources.map(describe).join('; '))}</td></tr>`,
    )
    .join('');
  return `<div class="card"><table>
<tr><th>Name</th><td data-testid="name">${escapeHtml(user?.name ?? '')}</td></tr>
<tr><th>Username</th><td>${escapeHtml(user?.username ?? '')}</td></tr>
<tr><th>Email</th><td data-testid="email">${escapeHtml(user?.email ?? '')} ${user?.emailVerified ? '(verified)' : ''}</td></tr>
<tr><th>Roles</th><td data-testid="roles">${escapeHtml(session.roles.join(', ') || '(none)')}</td></tr>
<tr><th>Signed in through</th><td data-testid="connection">${escapeHtml(session.connectionId)}</td></tr>
</table></div>
<h2>Group memberships</h2><table data-testid="memberships"><tr><th>Group</th><th>Source</th></tr>${rows}</table>`;
}

/** The connections table and its tools; the script below calls /sso/admin/connections. */
export function adminPage(groups: string[], users: { email: string }[]): string {
  return `<p>The identity providers users can sign in with. Secrets are never shown: a secret field left out keeps its value.</p>
<table data-testid="connections"><thead><tr><th>Active</th><th>Name</th><th>Provider</th><th>Protocol</th><th>ID</th><th>Last Update</th><th></th></tr></thead><tbody id="rows"></tbody></table>
<p><button id="new" data-testid="new">New connection</button></p>
<p id="message" role="status" data-testid="message"></p>
<div class="card" id="editor" hidden><h2 id="editor-title">Connection</h2><textarea id="json" rows="18" data-testid="editor-json"></textarea><p><button id="save" data-testid="save">Save</button> <button class="secondary" id="cancel">Cancel</button></p></div>
<div class="card" id="test" hidden><h2>Test Provider: <span id="test-name"></span></h2>
<p>Optional sample (JSON: <code>{"claims": {...}}</code>, <code>{"idToken": "..."}</code> or <code>{"samlResponse": "..."}</code>):</p><textarea id="sample" rows="4" data-testid="sample"></textarea>
<p><button id="run" data-testid="run-test">Run test</button></p><div id="report" data-testid="report"></div></div>
<h2>Add a manual group membership</h2>
<form method="post" action="/admin/memberships" class="card"><label>User <select name="email" data-testid="manual-user">${users.map((u) => `<option>${escapeHtml(u.email)}</option>`).join('')}</select></label>
<label>Group <select name="group" data-testid="manual-group">${groups.map((g) => `<option>${escapeHtml(g)}</option>`).join('')}</select></label> <button data-testid="manual-add">Add</button></form>
<script>${ADMIN_SCRIPT}</script>`;
}

const ADMIN_SCRIPT = `
const api = '/sso/admin/connections';
let connections = [];
let editing = null;
let testing = null;
const $ = (id) => document.getElementById(id);
const esc = (t) => String(t ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const show = (text, kind = 'ok') => { $('message').textContent = text; $('message').className = kind; };
async function call(method, url, body, headers = {}) {
  const res = await fetch(url, { method, headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, body: body ? JSON.stringify(body) : undefined });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(data.message + (data.issues ? ' ' + data.issues.map((i) => i.path + ': ' + i.message).join('; ') : ''));
  return data;
}
async function load() {
  connections = await call('GET', api);
  $('rows').innerHTML = connections.map((c) => '<tr data-testid="row-' + esc(c.id) + '">' +
    '<td><input type="checkbox" data-testid="active-' + esc(c.id) + '" ' + (c.active ? 'checked' : '') + ' data-id="' + esc(c.id) + '" class="toggle"></td>' +
    '<td>' + esc(c.name) + '</td><td>' + esc(c.provider) + '</td><td>' + esc(c.protocol.toUpperCase()) + '</td><td><code>' + esc(c.id) + '</code></td><td>' + esc(new Date(c.updatedAt).toLocaleString()) + '</td>' +
    '<td><button class="secondary edit" data-id="' + esc(c.id) + '">Edit</button> <button class="test" data-testid="test-' + esc(c.id) + '" data-id="' + esc(c.id) + '">Test Provider</button> <button class="danger delete" data-id="' + esc(c.id) + '">Delete</button></td></tr>').join('');
}
const byId = (id) => connections.find((c) => c.id === id);
document.addEventListener('change', async (e) => {
  if (!e.target.classList.contains('toggle')) return;
  const c = byId(e.target.dataset.id);
  try { await call('PATCH', api + '/' + encodeURIComponent(c.id), { active: e.target.checked, updatedAt: c.updatedAt }); show((e.target.checked ? 'Activated ' : 'Deactivated ') + c.name); }
  catch (err) { show(err.message, 'error'); }
  await load();
});
document.addEventListener('click', async (e) => {
  const id = e.target.dataset?.id;
  if (e.target.classList.contains('edit')) {
    editing = byId(id);
    const { id: _i, createdAt, protocol, secretsSet, ...fields } = editing;
    $('editor-title').textContent = 'Edit ' + editing.name; $('json').value = JSON.stringify(fields, null, 2); $('editor').hidden = false;
  } else if (e.target.classList.contains('delete')) {
    const c = byId(id);
    if (!confirm('Delete ' + c.name + '?')) return;
    try { await call('DELETE', api + '/' + encodeURIComponent(id), undefined, { 'if-match': '"' + c.updatedAt + '"' }); show('Deleted ' + c.name); } catch (err) { show(err.message, 'error'); }
    await load();
  } else if (e.target.classList.contains('test')) {
    testing = byId(id); $('test-name').textContent = testing.name; $('report').innerHTML = ''; $('test').hidden = false;
  }
});
$('new').onclick = () => {
  editing = null; $('editor-title').textContent = 'New connection';
  $('json').value = JSON.stringify({ name: 'My IdP', protocol: 'oidc', provider: 'custom', oidc: { issuer: 'https://idp.example.com', clientId: 'app', flow: 'code', pkce: 'S256' } }, null, 2);
  $('editor').hidden = false;
};
$('cancel').onclick = () => { $('editor').hidden = true; };
$('save').onclick = async () => {
  try {
    const body = JSON.parse($('json').value);
    if (editing) await call('PATCH', api + '/' + encodeURIComponent(editing.id), body); else await call('POST', api, body);
    $('editor').hidden = true; show('Saved'); await load();
  } catch (err) { show(err.message, 'error'); }
};
$('run').onclick = async () => {
  $('report').textContent = 'Testing…';
  try {
    const sample = $('sample').value.trim() ? JSON.parse($('sample').value) : undefined;
    const r = await call('POST', api + '/' + encodeURIComponent(testing.id) + '/test', sample);
    $('report').innerHTML = '<p>Result: <b class="' + r.status + '" data-testid="report-status">' + r.status + '</b></p>' +
      '<h3>Register at the IdP</h3><table>' + Object.entries(r.register).map(([k, v]) => '<tr><th>' + esc(k) + '</th><td><code>' + esc(v) + '</code></td></tr>').join('') + '</table>' +
      '<h3>Findings</h3><table><tr><th>Check</th><th>Status</th><th>Finding</th><th>Fix</th></tr>' + r.findings.map((f) => '<tr data-testid="finding"><td>' + esc(f.check) + '</td><td class="' + f.status + '">' + f.status + '</td><td>' + esc(f.message) + '</td><td>' + esc(f.fix) + '</td></tr>').join('') + '</table>' +
      (r.preview ? '<h3>Mapping preview</h3><pre data-testid="preview">' + esc(JSON.stringify(r.preview, null, 2)) + '</pre>' : '');
  } catch (err) { $('report').innerHTML = '<p class="error">' + esc(err.message) + '</p>'; }
};
load().catch((err) => show(err.message, 'error'));
`;

/** The users who signed in (memoryStorage has no user listing; they are found through the groups). */
export async function listUsers(storage: SsoStorage): Promise<{ email: string }[]> {
  const seen = new Map<string, { email: string }>();
  for (const group of await storage.groups.list()) {
    for (const m of await storage.memberships.listForGroup(group.id)) {
      const user = await storage.users.get(m.userId);
      if (user?.email) seen.set(user.id, { email: user.email });
    }
  }
  return [...seen.values()];
}

/** The membership rows of the profile page: each group once, with its sources (manual first). */
export async function membershipRows(
  storage: SsoStorage,
  userId: string,
): Promise<{ group: string; sources: string[] }[]> {
  const memberships = await storage.memberships.listForUser(userId);
  const groups = await storage.groups.find({
    values: memberships.map((m) => m.groupId),
    matchBy: 'id',
    caseInsensitive: false,
  });
  const names = new Map(groups.map((g) => [g.id, g.name]));
  const byGroup = new Map<string, string[]>();
  for (const m of memberships) {
    const group = names.get(m.groupId) ?? m.groupId;
    byGroup.set(group, [...(byGroup.get(group) ?? []), m.source]);
  }
  return [...byGroup]
    .map(([group, sources]) => ({
      group,
      sources: sources.sort((a, b) => (a === 'manual' ? -1 : b === 'manual' ? 1 : a.localeCompare(b))),
    }))
    .sort((a, b) => a.group.localeCompare(b.group));
}
