/**
 * `@ssokit/koa`: mounts ssokit in a Koa 3 app. It only translates between Koa and the Web
 * `Request`/`Response` of `sso.handle()`; every route, cookie and check lives in `@ssokit/server`.
 *
 * @packageDocumentation
 */
import type { Sso } from '@ssokit/server';
import {
  authenticate,
  checkRequireAuthOptions,
  checkRequirePermission,
  checkRouterOptions,
  checkSignInTarget,
  type RequireAuthOptions,
  type RequirePermissionOptions,
  replyToError,
  type SignInTarget,
  type SsoAuth,
  signInRedirect,
  toWebRequest,
  toWebRequestHead,
  writeWebResponse,
} from '@ssokit/server/node';
import type { Context, Middleware, Next } from 'koa';

export type {
  RequireAuthOptions,
  RequirePermissionOptions,
  SignInTarget,
  SsoAuth,
} from '@ssokit/server/node';

declare module 'koa' {
  interface DefaultState {
    /**
     * Who made the request, set by `requireAuth()` and `requirePermission()`; `null` after
     * `optionalAuth()` when nobody is signed in.
     */
    sso?: SsoAuth | null;
    /** The `Sso` of `ssoRouter()`, for `requireAuth()` further down. */
    ssokit?: Sso;
  }
}

/** Options of {@link ssoRouter}. */
export interface SsoRouterOptions {
  /** The largest request body read for ssokit's routes, in bytes. Default: 1048576 (1 MiB). */
  bodyLimit?: number;
}

/**
 * Serves ssokit's routes (everything under `sso.basePath`, and the routes moved out of it: `sso.serves`) and passes every other request on. Use it
 * before a body parser, or keep the parser's raw body (`ctx.request.rawBody`, as @koa/bodyparser does):
 * a SAML POST must reach ssokit byte for byte.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { requireAuth, ssoRouter } from '@ssokit/koa';
 *
 * const app = new Koa();
 * app.use(ssoRouter(sso));
 * app.use(requireAuth({ roles: ['admin'] }));
 * app.use((ctx) => { ctx.body = ctx.state.sso; });
 * ```
 */
export function ssoRouter(sso: Sso, options: SsoRouterOptions = {}): Middleware {
  const { bodyLimit, owns } = checkRouterOptions(sso, options);
  return async function ssoRouter(ctx: Context, next: Next) {
    ctx.state.ssokit = sso;
    if (!owns(pathOf(ctx))) return next();
    try {
      const rawBody = (ctx.request as { rawBody?: unknown }).rawBody;
      const request = await toWebRequest(ctx.req, sso.origin, ctx.originalUrl, {
        bodyLimit,
        rawBody,
        clientAddress: ctx.ip,
      });
      const response = await sso.handle(request);
      ctx.respond = false; // the Web Response is written as is, past Koa's body handling
      await writeWebResponse(ctx.res, response);
    } catch (error) {
      refuse(sso, error, ctx);
    }
  };
}

/** What `requireAuth()` and `requirePermission()` take besides their own options. */
export interface SsoMiddlewareOptions {
  /** The `Sso` to use. Default: the one `ssoRouter(sso)` put on `ctx.state` before. */
  sso?: Sso;
  /**
   * Where a signed-out browser asking for a page (GET or HEAD, `Accept: text/html`) is sent with a
   * 303, with `returnTo` set to the page's path: a site path (`'/login'`, `'/sso/login/okta'`), an
   * http(s) URL, or a function of `ctx` returning one. API clients still get the 401 JSON. Default:
   * none, every refusal is JSON.
   */
  redirectTo?: SignInTarget<Context>;
}

/**
 * Answers a failure: an `SsoError` as JSON (or, for a signed-out page, a redirect to sign in); anything
 * else, after `onError`, is thrown on to the app's error handling (a try/catch middleware, or Koa's
 * own: `app.on('error')` and a 500).
 */
function refuse(sso: Sso, error: unknown, ctx: Context, redirectTo?: SignInTarget<Context>): void {
  const head = toWebRequestHead(ctx.req, sso.origin, ctx.originalUrl);
  const { status, headers, body } = replyToError(sso, error, head);
  if (body.error === 'server_error') throw error;
  const location = signInRedirect(head, error, redirectTo, ctx);
  if (location) {
    ctx.status = 303;
    ctx.set({ 'cache-control': 'no-store', location });
    return;
  }
  ctx.status = status;
  ctx.set(headers);
  ctx.body = body;
}

/** The request's path, or `''` (not ssokit's) when Koa cannot parse its target. */
function pathOf(ctx: Context): string {
  try {
    return ctx.path;
  } catch {
    return '';
  }
}

/**
 * Lets a request through only with a session (or, with `bearer`, an access token) and one of `roles`,
 * and puts who made it on `ctx.state.sso`. Answers 401 `unauthenticated` / `access_token_invalid` or 403
 * `forbidden` as JSON otherwise; with `redirectTo`, a signed-out browser asking for a page is sent to
 * sign in instead. A failure that is no refusal (a session store that throws) goes to `onError` and is
 * then thrown, to the app's error handling. Needs `ssoRouter(sso)` before it, or `sso` given here.
 *
 * @example
 * ```ts
 * router.get('/admin', requireAuth({ roles: ['admin'] }), (ctx) => { ctx.body = ctx.state.sso?.user; });
 * router.get('/reports', requireAuth({ redirectTo: '/login' }), reportsPage); // browsers: 303 /login?returnTo=%2Freports
 * ```
 */
export function requireAuth(options?: RequireAuthOptions & SsoMiddlewareOptions): Middleware {
  const checked = checkRequireAuthOptions(options);
  checkSignInTarget(options?.redirectTo, 'requireAuth(options)');
  return async function requireAuth(ctx: Context, next: Next) {
    const sso = options?.sso ?? ctx.state.ssokit;
    if (!sso) throw new TypeError('requireAuth(): use ssoRouter(sso) before it, or pass { sso }.');
    try {
      ctx.state.sso = await authenticate(
        sso,
        toWebRequestHead(ctx.req, sso.origin, ctx.originalUrl),
        checked,
      );
    } catch (error) {
      return refuse(sso, error, ctx, options?.redirectTo);
    }
    await next();
  };
}

/**
 * Reads who made the request without requiring anyone: puts the session (or, with `bearer`, the
 * access token) on `ctx.state.sso`, or `null` when there is none or it was refused, and always goes
 * on; for pages that show more to a signed-in visitor. A failure that is no refusal (a session store
 * that throws) goes to `onError` and is then thrown, to the app's error handling.
 *
 * @example
 * ```ts
 * app.use(optionalAuth());
 * app.use((ctx) => { ctx.body = ctx.state.sso ? `Hello ${ctx.state.sso.user.name}` : 'Sign in'; });
 * ```
 */
export function optionalAuth(options?: Pick<RequireAuthOptions, 'bearer'> & { sso?: Sso }): Middleware {
  const checked = checkRequireAuthOptions({ bearer: options?.bearer });
  return async function optionalAuth(ctx: Context, next: Next) {
    const sso = options?.sso ?? ctx.state.ssokit;
    if (!sso) throw new TypeError('optionalAuth(): use ssoRouter(sso) before it, or pass { sso }.');
    const head = toWebRequestHead(ctx.req, sso.origin, ctx.originalUrl);
    try {
      ctx.state.sso = await authenticate(sso, head, checked);
    } catch (error) {
      if (replyToError(sso, error, head).body.error === 'server_error') throw error;
      ctx.state.sso = null;
    }
    await next();
  };
}

/**
 * Lets a request through only when its session (or, with `bearer`, its access token) has a role that
 * grants `action` on `resource` (see `sso.can`): in the organization `options.organization` reads from
 * `ctx`, or anywhere for a global role. Puts who made it on `ctx.state.sso`. Answers 401
 * `unauthenticated` / `access_token_invalid`, or 403 `forbidden` with `reason: 'permission'`, as JSON
 * (`redirectTo` and failures as for {@link requireAuth}). Needs `ssoRouter(sso)` before it, or `sso`
 * given here.
 *
 * @example
 * ```ts
 * import type { Context } from 'koa';
 * import { requirePermission } from '@ssokit/koa';
 *
 * // With @koa/router, read ctx.params.org instead.
 * const organization = (ctx: Context) => /^\/orgs\/([^/]+)\//.exec(ctx.path)?.[1];
 * router.get('/orgs/:org/models', requirePermission('models', 'read', { organization }), listModels);
 * ```
 */
export function requirePermission(
  resource: string,
  action: string,
  options?: RequirePermissionOptions<Context> & SsoMiddlewareOptions,
): Middleware {
  const checked = checkRequirePermission(resource, action, options);
  checkSignInTarget(options?.redirectTo, 'requirePermission(options)');
  return async function requirePermission(ctx: Context, next: Next) {
    const sso = options?.sso ?? ctx.state.ssokit;
    if (!sso) throw new TypeError('requirePermission(): use ssoRouter(sso) before it, or pass { sso }.');
    try {
      ctx.state.sso = await authenticate(sso, toWebRequestHead(ctx.req, sso.origin, ctx.originalUrl), {
        ...(checked.bearer ? { bearer: checked.bearer } : {}),
        permission: { resource, action, organization: checked.organization?.(ctx) },
      });
    } catch (error) {
      return refuse(sso, error, ctx, options?.redirectTo);
    }
    await next();
  };
}
