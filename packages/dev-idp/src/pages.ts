/** The local IdP's HTML: a login form like Keycloak's, and the auto-submitting form of the POST binding. */

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const STYLE =
  'body{font-family:system-ui,sans-serif;background:#f3f4f6;display:flex;justify-content:center;padding-top:10vh}main{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 1px 4px #0002;min-width:20rem}label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;margin-top:.25rem;box-sizing:border-box}button{margin-top:1.5rem;width:100%;padding:.6rem;background:#1d4ed8;color:#fff;border:0;border-radius:4px;font-size:1rem}.error{color:#b91c1c}small{color:#6b7280}';

/** The sign-in page: username (or email) and password, posted back to `action` (default: this URL). */
export function loginPage(options: {
  realm: string;
  client: string;
  action?: string;
  error?: string;
}): string {
  const action = options.action ? ` action="${escapeHtml(options.action)}"` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to ${escapeHtml(options.realm)}</title><style>${STYLE}</style></head><body><main><h1>Sign in to ${escapeHtml(options.realm)}</h1><small>ssokit dev-idp, for ${escapeHtml(options.client)}</small>${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}<form method="post"${action}><label>Username or email<input name="username" id="username" autocomplete="username" autofocus required></label><label>Password<input name="password" id="password" type="password" autocomplete="current-password" required></label><button type="submit" id="kc-login">Sign in</button></form></main></body></html>`;
}

/** An HTML form that posts `fields` to `action` by itself (the SAML HTTP-POST binding). */
export function postForm(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Signing in…</title></head><body><form method="post" action="${escapeHtml(action)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form><script>document.forms[0].submit()</script></body></html>`;
}
