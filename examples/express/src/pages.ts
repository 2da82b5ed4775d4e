/**
 * The example's HTML: plain server-rendered pages. The identity providers are managed in ssokit's
 * console (`@ssokit/admin-ui`, served by ssokit at /sso/admin); the host keeps one admin page of its
 * own, the manual group memberships.
 */
import type { SsoSession } from '@ssokit/server';
import type { SsoStorage } from '@ssokit/storage';

/** Where ssokit serves the Identity providers console (its basePath `/sso`, then `/admin`). */
export const CONSOLE_PATH = '/sso/admin';
/** The host's own admin page: manual group memberships. */
export const MEMBERSHIPS_PATH = '/admin/memberships';

/** Whether the session holds the demo's administrator role. */
export const isAdmin = (session: SsoSession | null | undefined): boolean =>
  session?.roles.includes('admins') ?? false;

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
button.secondary{background:#475569}caption{text-align:left;font-weight:600;padding:.4rem 0}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:1rem;margin:1rem 0}`;

export function layout(title: string, session: SsoSession | null, body: string): string {
  // Administrators get the console and the host's own admin page; nobody else sees those links.
  const admin = isAdmin(session)
    ? `<a href="${CONSOLE_PATH}" data-testid="nav-console">Identity providers</a><a href="${MEMBERSHIPS_PATH}" data-testid="nav-memberships">Manual memberships</a>`
    : '';
  const me = session
    ? `<span class="me" data-testid="me">${escapeHtml(session.user.email ?? session.user.id)}</span><form method="post" action="/sso/logout"><button class="secondary" data-testid="logout">Sign out</button></form>`
    : '<span class="me"></span>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · ssokit example</title><style>${STYLE}</style></head>
<body><header><b>ssokit example</b><a href="/">Sign in</a><a href="/profile">Profile</a>${admin}${me}</header><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function loginPage(providers: Connection[], session: SsoSession | null): string {
  const buttons = providers
    .map(
      (p) =>
        `<p><a class="button" data-testid="login-${escapeHtml(p.id)}" href="/sso/login/${encodeURIComponent(p.id)}?returnTo=/profile">Sign in with ${escapeHtml(p.name)}</a> <small>${escapeHtml(p.protocol.toUpperCase())}</small></p>`,
    )
    .join('');
  return `${session ? `<p>Signed in as ${escapeHtml(session.user.email ?? session.user.id)}. <a href="/profile">Your profile</a></p>` : ''}
<div class="card" data-testid="providers">${buttons || `<p>No identity provider is active. An administrator can add or enable one in the <a href="${CONSOLE_PATH}">Identity providers console</a>.</p>`}</div>`;
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
  // For an administrator, the next step: the console where the identity providers are managed.
  const next = isAdmin(session)
    ? `<p class="card" data-testid="admin-next">You are an administrator: manage the identity providers in the <a href="${CONSOLE_PATH}">Identity providers console</a>.</p>`
    : '';
  return `${next}<div class="card"><table>
<tr><th>Name</th><td data-testid="name">${escapeHtml(user?.name ?? '')}</td></tr>
<tr><th>Username</th><td>${escapeHtml(user?.username ?? '')}</td></tr>
<tr><th>Email</th><td data-testid="email">${escapeHtml(user?.email ?? '')} ${user?.emailVerified ? '(verified)' : ''}</td></tr>
<tr><th>Roles</th><td data-testid="roles">${escapeHtml(session.roles.join(', ') || '(none)')}</td></tr>
<tr><th>Signed in through</th><td data-testid="connection">${escapeHtml(session.connectionId)}</td></tr>
</table></div>
<h2>Group memberships</h2><table data-testid="memberships"><tr><th>Group</th><th>Source</th></tr>${rows}</table>`;
}

/**
 * The host's own admin page: manual group memberships, which group sync never adds, changes or
 * removes. (The connections are managed in ssokit's console at /sso/admin.)
 */
export function membershipsPage(
  groups: string[],
  users: { email: string }[],
  manual: { email: string; group: string }[],
): string {
  const rows = manual
    .map(
      (m) =>
        `<tr data-testid="manual-membership"><td>${escapeHtml(m.email)}</td><td>${escapeHtml(m.group)}</td></tr>`,
    )
    .join('');
  return `<p>Group sync adds and removes the memberships an identity provider's groups give at each sign-in.
A membership added here is <em>manual</em>: sync never touches it, whatever the IdP says later.
The identity providers themselves are managed in the <a href="${CONSOLE_PATH}">Identity providers console</a>.</p>
<table data-testid="manual-memberships"><caption>Manual memberships</caption><thead><tr><th>User</th><th>Group</th></tr></thead><tbody>${rows || '<tr><td colspan="2">None yet.</td></tr>'}</tbody></table>
<h2>Add a manual group membership</h2>
<form method="post" action="${MEMBERSHIPS_PATH}" class="card"><label>User <select name="email" data-testid="manual-user">${users.map((u) => `<option>${escapeHtml(u.email)}</option>`).join('')}</select></label>
<label>Group <select name="group" data-testid="manual-group">${groups.map((g) => `<option>${escapeHtml(g)}</option>`).join('')}</select></label> <button data-testid="manual-add">Add</button></form>`;
}

/** The manual memberships (group sync's are left out), by user email and group name. */
export async function listManualMemberships(
  storage: SsoStorage,
): Promise<{ email: string; group: string }[]> {
  const found: { email: string; group: string }[] = [];
  for (const group of await storage.groups.list()) {
    for (const m of await storage.memberships.listForGroup(group.id)) {
      if (m.source !== 'manual') continue;
      const user = await storage.users.get(m.userId);
      found.push({ email: user?.email ?? m.userId, group: group.name });
    }
  }
  return found.sort((a, b) => a.email.localeCompare(b.email) || a.group.localeCompare(b.group));
}

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
