/**
 * Sending a signed-out browser to sign in, for every Node adapter's `requireAuth({ redirectTo })`: a
 * page navigation (GET or HEAD asking for HTML) gets a 303 to the sign-in page with `returnTo` set to
 * the page it asked for; an API client still gets the 401 JSON.
 *
 * @module
 */
import { isSsoError } from '@ssokit/core';
import { isSitePath } from '../respond.ts';

/**
 * Where a signed-out visitor of a page is sent: a path on this site (`'/login'`, or
 * `'/sso/login/<connection id>'` to go straight to one IdP), an absolute `http(s)` URL, or a function
 * of the framework's request (Express's `req`, Koa's `ctx`) returning one of those.
 *
 * @example
 * ```ts
 * import type { SignInTarget } from '@ssokit/server/node';
 *
 * const toLoginPage: SignInTarget<unknown> = '/login';
 * const byTenant: SignInTarget<{ query: { tenant?: string } }> = (req) => `/sso/login/${req.query.tenant ?? 'okta'}`;
 * ```
 */
export type SignInTarget<Req> = string | ((req: Req) => string);

/** Whether `url` can be a sign-in target: a site path, or an absolute http(s) URL. */
function isTarget(url: unknown): url is string {
  if (typeof url !== 'string') return false;
  if (isSitePath(url)) return true;
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

const TARGET_RULE =
  "must be a path on this site (such as '/login' or '/sso/login/<connection id>'), an http(s) URL, or a function of the request returning one";

/**
 * Checks a `redirectTo` option once, when the middleware is made (a mistake is a TypeError at
 * start-up); `where` names the call in the message, e.g. `'requireAuth(options)'`.
 *
 * @example
 * ```ts
 * import { checkSignInTarget } from '@ssokit/server/node';
 *
 * checkSignInTarget('/login', 'requireAuth(options)'); // passes
 * checkSignInTarget('login', 'requireAuth(options)'); // TypeError: "redirectTo" must be a path on this site ...
 * ```
 */
export function checkSignInTarget(target: unknown, where: string): void {
  if (target === undefined || typeof target === 'function' || isTarget(target)) return;
  throw new TypeError(`${where}: "redirectTo" ${TARGET_RULE}.`);
}

/**
 * Whether a request is a browser asking for a page: GET or HEAD, with an `Accept` header naming
 * `text/html` and not `application/json`. What `fetch()` sends by default (`*\/*`), a JSON client and
 * any other method are not pages.
 *
 * @example
 * ```ts
 * import { wantsPage } from '@ssokit/server/node';
 *
 * wantsPage(new Request('https://app.example.com/', { headers: { accept: 'text/html' } })); // true
 * wantsPage(new Request('https://app.example.com/', { headers: { accept: 'application/json' } })); // false
 * ```
 */
export function wantsPage(request: Request): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const accept = request.headers.get('accept') ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
}

/**
 * Where to send the request instead of answering `error`, or `undefined` to answer it: only when
 * `redirectTo` is set, `error` is `unauthenticated` (nothing presented; a refused token, a missing
 * role or a failure are answered) and the request {@link wantsPage}. The target gets `returnTo` set
 * to the request's path and query, when that is a path on this site (else none: the sign-in page's
 * own default applies). A function target is called with `req` only then; what it returns is
 * checked like a string target (a TypeError otherwise, a mistake of the host).
 *
 * @example
 * ```ts
 * import { signInRedirect, toWebRequestHead } from '@ssokit/server/node';
 *
 * const head = toWebRequestHead(req, sso.origin, req.originalUrl); // GET /reports?q=1, Accept: text/html
 * signInRedirect(head, error, '/login', req); // '/login?returnTo=%2Freports%3Fq%3D1'
 * ```
 */
export function signInRedirect<Req>(
  request: Request,
  error: unknown,
  redirectTo: SignInTarget<Req> | undefined,
  req: Req,
): string | undefined {
  if (redirectTo === undefined || !isSsoError(error, 'unauthenticated') || !wantsPage(request))
    return undefined;
  const target = typeof redirectTo === 'function' ? redirectTo(req) : redirectTo;
  if (!isTarget(target)) throw new TypeError(`requireAuth(): what "redirectTo" returned ${TARGET_RULE}.`);
  const { pathname, search } = new URL(request.url);
  const returnTo = `${pathname}${search}`;
  if (!isSitePath(returnTo)) return target;
  const url = new URL(target, request.url);
  url.searchParams.set('returnTo', returnTo);
  return isSitePath(target) ? `${url.pathname}${url.search}${url.hash}` : url.href;
}
