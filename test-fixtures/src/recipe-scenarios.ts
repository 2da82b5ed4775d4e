/**
 * What the tests of docs/frameworks.md's recipes (Fastify, Next.js) share: a browser without JavaScript
 * signing in at @ssokit/dev-idp, seeded from examples/keycloak/realm-export.json, through an app that
 * serves ssokit's routes; and the scenario every recipe passes with it: a page that needs a session,
 * a whole OIDC login, the page again, and a sign-out.
 */
import { expect } from 'vitest';
import { jarFetch } from './http.ts';

/** The realm the recipes' dev-idp serves (its SSOKIT_APP_URL placeholder names the app). */
export const DEV_IDP_REALM_FILE: string = new URL(
  '../../examples/keycloak/realm-export.json',
  import.meta.url,
).pathname;

/** The passwords of the realm's users. */
export const DEV_IDP_PASSWORDS = {
  ada: 'ada-demo-password',
  grace: 'grace-demo-password',
  linus: 'linus-demo-password',
} as const;

const decodeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * What a browser without JavaScript submits from an IdP page: the page's form (its action, or the page
 * itself) with its fields, dev-idp's login form filled in as `username`. `undefined` for a page with
 * neither a form nor a password field: a sign-in stuck there.
 */
export function devIdpForm(
  html: string,
  page: URL,
  username: keyof typeof DEV_IDP_PASSWORDS,
): { target: URL; form: URLSearchParams } | undefined {
  const action = /<form[^>]*action="([^"]*)"/i.exec(html)?.[1];
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi))
    form.set(m[1] as string, decodeHtml(m[2] as string));
  if (/name="password"/.test(html)) {
    form.set('username', username);
    form.set('password', DEV_IDP_PASSWORDS[username]);
  } else if (!action) return undefined;
  return { target: new URL(decodeHtml(action ?? page.href), page), form };
}

/**
 * Signs in as `username` from `start` (the app's login route): follows redirects, types the password
 * into dev-idp's form, submits self-posting forms (form_post, the SAML POST binding), and stops at
 * the app's answer to the IdP (the callback or the ACS), which it returns with the jar.
 */
export async function devIdpLogin(
  start: URL,
  username: keyof typeof DEV_IDP_PASSWORDS,
  jar = new Map<string, string>(),
): Promise<{ response: Response; jar: Map<string, string> }> {
  let url = start;
  let init: RequestInit = {};
  let leftTheApp = false;
  for (let hop = 0; hop < 25; hop++) {
    const response = await jarFetch(jar, url, init);
    if (url.origin === start.origin && leftTheApp) return { response, jar };
    if (url.origin !== start.origin) leftTheApp = true;
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      init = {};
      continue;
    }
    const html = await response.text();
    const next = devIdpForm(html, url, username);
    if (!next) throw new Error(`Stuck at ${url.href} (${response.status}): ${html.slice(0, 200)}`);
    url = next.target;
    init = {
      method: 'POST',
      body: next.form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
  }
  throw new Error('Too many hops.');
}

/** An app built on a recipe, as the scenario uses it. */
export interface RecipeApp {
  base: string;
  /** A page that needs a session and answers `{ email }` (or the session) as JSON when there is one. */
  protectedPath: string;
  /** What a signed-out browser gets there: 401, or a redirect to this location. */
  signedOut: { status: 401 } | { status: number; location: string };
  /** The login route of the dev-idp OIDC connection, e.g. `/sso/login/dev-idp`. */
  loginPath: string;
}

/**
 * The scenario every recipe passes: the protected page refuses a signed-out browser (or sends it to
 * sign in); Ada signs in at dev-idp through the app and comes back to the page, which then knows her;
 * a sign-out (a POST through the app's routes) ends the session.
 */
export async function signInAndOut(app: RecipeApp): Promise<void> {
  const page = new URL(`${app.base}${app.protectedPath}`);
  const signedOut = await jarFetch(new Map(), page, { headers: { accept: 'text/html' } });
  expect(signedOut.status).toBe(app.signedOut.status);
  if ('location' in app.signedOut) expect(signedOut.headers.get('location')).toBe(app.signedOut.location);
  const start = new URL(`${app.base}${app.loginPath}?returnTo=${encodeURIComponent(app.protectedPath)}`);
  const { response, jar } = await devIdpLogin(start, 'ada');
  expect(response.status, await response.clone().text()).toBe(303);
  expect(response.headers.get('location')).toBe(app.protectedPath);
  const signedIn = await jarFetch(jar, page, { headers: { accept: 'application/json' } });
  expect(signedIn.status).toBe(200);
  expect(await signedIn.text()).toContain('ada@example.com');
  const logout = await jarFetch(jar, new URL(`${app.base}/sso/logout`), {
    method: 'POST',
    headers: { origin: app.base, accept: 'application/json' },
  });
  expect(logout.status).toBe(200);
  expect(await logout.json()).toMatchObject({ loggedOut: true });
  expect((await jarFetch(jar, page, { headers: { accept: 'text/html' } })).status).toBe(app.signedOut.status);
}
