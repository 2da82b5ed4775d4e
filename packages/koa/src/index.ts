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
  type RequireAuthOptions,
  type RequirePermissionOptions,
  replyToError,
  type SsoAuth,
  toWebRequest,
  toWebRequestHead,
  writeWebResponse,
} from '@ssokit/server/node';
import type { Context, Middleware, Next } from 'koa';

export type { RequireAuthOptions, RequirePermissionOptions, SsoAuth } from '@ssokit/server/node';

declare module 'koa' {
  interface DefaultState {
    /** Who made the request, set by `requireAuth()` and `requirePermission()`. */
    sso?: SsoAuth;
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
      const head = toWebRequestHead(ctx.req, sso.origin, ctx.originalUrl);
      const { status, headers, body } = replyToError(sso, error, head);
      ctx.status = status;
      ctx.set(headers);
      ctx.body = body;
    }
  };
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
 * `forbidden` as JSON otherwise. Needs `ssoRouter(sso)` before it, or `sso` given here.
 *
 * @example
 * ```ts
 * router.get('/admin', requireAuth({ roles: ['admin'] }), (ctx) => { ctx.body = ctx.state.sso?.user; });
 * ```
 */
export function requireAuth(options?: RequireAuthOptions & { sso?: Sso }): Middleware {
  const checked = checkRequireAuthOptions(options);
  return async function requireAuth(ctx: Context, next: Next) {
    const sso = options?.sso ?? ctx.state.ssokit;
    if (!sso) throw new TypeError('requireAuth(): use ssoRouter(sso) before it, or pass { sso }.');
    const head = toWebRequestHead(ctx.req, sso.origin, ctx.originalUrl);
    try {
      ctx.state.sso = await authenticate(sso, head, checked);
    } catch (error) {
      const { status, headers, body } = replyToError(sso, error, head);
      ctx.status = status;
      ctx.set(headers);
      ctx.body = body;
      return;
    }
    await next();
  };
}

/**
 * Lets a request through only when its session (or, with `bearer`, its access token) has a role that
 * grants `action` on `resource` (see `sso.can`): in the organization `options.organization` reads from
 * `ctx`, or anywhere for a global role. Puts who made it on `ctx.state.sso`. Answers 401
 * `unauthenticated` / `access_token_invalid`, or 403 `forbidden` with `reason: 'permission'`, as JSON.
 * Needs `ssoRouter(sso)` before it, or `sso` given here.
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
  options?: RequirePermissionOptions<Context> & { sso?: Sso },
): Middleware {
  const checked = checkRequirePermission(resource, action, options);
  return async function requirePermission(ctx: Context, next: Next) {
    const sso = options?.sso ?? ctx.state.ssokit;
    if (!sso) throw new TypeError('requirePermission(): use ssoRouter(sso) before it, or pass { sso }.');
    const head = toWebRequestHead(ctx.req, sso.origin, ctx.originalUrl);
    try {
      ctx.state.sso = await authenticate(sso, head, {
        ...(checked.bearer ? { bearer: checked.bearer } : {}),
        permission: { resource, action, organization: checked.organization?.(ctx) },
      });
    } catch (error) {
      const { status, headers, body } = replyToError(sso, error, head);
      ctx.status = status;
      ctx.set(headers);
      ctx.body = body;
      return;
    }
    await next();
  };
}
