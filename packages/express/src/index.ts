/**
 * `@ssokit/express`: mounts ssokit in an Express 5 app. It only translates between Express and the Web
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
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export type {
  RequireAuthOptions,
  RequirePermissionOptions,
  SignInTarget,
  SsoAuth,
} from '@ssokit/server/node';

declare global {
  namespace Express {
    interface Request {
      /**
       * Who made the request, set by `requireAuth()` and `requirePermission()`; `null` after
       * `optionalAuth()` when nobody is signed in.
       */
      sso?: SsoAuth | null;
    }
    interface Locals {
      /** The `Sso` of `ssoRouter()`, for `requireAuth()` further down. */
      ssokit?: Sso;
    }
  }
}

/** Options of {@link ssoRouter}. */
export interface SsoRouterOptions {
  /** The largest request body read for ssokit's routes, in bytes. Default: 1048576 (1 MiB). */
  bodyLimit?: number;
}

/**
 * Serves ssokit's routes (everything under `sso.basePath`, and the routes moved out of it: `sso.serves`) and passes every other request on. Mount
 * it at the app's root, before `express.json()` / `express.urlencoded()`: it reads the raw body, so a
 * SAML POST reaches ssokit byte for byte.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { requireAuth, ssoRouter } from '@ssokit/express';
 *
 * const app = express();
 * app.use(ssoRouter(sso));
 * app.get('/me', requireAuth(), (req, res) => res.json(req.sso));
 * ```
 */
export function ssoRouter(sso: Sso, options: SsoRouterOptions = {}): RequestHandler {
  const { bodyLimit, owns } = checkRouterOptions(sso, options);
  return async function ssoRouter(req: Request, res: Response, next: NextFunction) {
    res.locals.ssokit = sso;
    if (!owns(req.originalUrl.split('?')[0] as string)) return next();
    try {
      await writeWebResponse(
        res,
        await sso.handle(
          await toWebRequest(req, sso.origin, req.originalUrl, { bodyLimit, clientAddress: req.ip }),
        ),
      );
    } catch (error) {
      refuse(sso, error, req, res, next);
    }
  };
}

/** What `requireAuth()` and `requirePermission()` take besides their own options. */
export interface SsoMiddlewareOptions {
  /** The `Sso` to use. Default: the one `ssoRouter(sso)` mounted before. */
  sso?: Sso;
  /**
   * Where a signed-out browser asking for a page (GET or HEAD, `Accept: text/html`) is sent with a
   * 303, with `returnTo` set to the page's path: a site path (`'/login'`, `'/sso/login/okta'`), an
   * http(s) URL, or a function of `req` returning one. API clients still get the 401 JSON. Default:
   * none, every refusal is JSON.
   */
  redirectTo?: SignInTarget<Request>;
}

/**
 * Answers a failure: an `SsoError` as JSON (or, for a signed-out page, a redirect to sign in); anything
 * else, after `onError`, goes to the app's error handler (`next(error)`).
 */
function refuse(
  sso: Sso,
  error: unknown,
  req: Request,
  res: Response,
  next: NextFunction,
  redirectTo?: SignInTarget<Request>,
): void {
  const head = toWebRequestHead(req, sso.origin, req.originalUrl);
  const { status, headers, body } = replyToError(sso, error, head);
  if (body.error === 'server_error') {
    next(error);
    return;
  }
  let location: string | undefined;
  try {
    location = signInRedirect(head, error, redirectTo, req);
  } catch (failure) {
    next(failure);
    return;
  }
  if (location) res.status(303).set({ 'cache-control': 'no-store', location }).end();
  else res.status(status).set(headers).json(body);
}

/**
 * Lets a request through only with a session (or, with `bearer`, an access token) and one of `roles`,
 * and puts who made it on `req.sso`. Answers 401 `unauthenticated` / `access_token_invalid` or 403
 * `forbidden` as JSON otherwise; with `redirectTo`, a signed-out browser asking for a page is sent to
 * sign in instead. A failure that is no refusal (a session store that throws) goes to `onError` and
 * then to the app's error handler. Needs `ssoRouter(sso)` mounted before it, or `sso` given here.
 *
 * @example
 * ```ts
 * app.get('/admin', requireAuth({ roles: ['admin'] }), (req, res) => res.json({ hello: req.sso?.user.name }));
 * app.get('/reports', requireAuth({ redirectTo: '/login' }), reportsPage); // browsers: 303 /login?returnTo=%2Freports
 * app.get('/api/models', requireAuth({ bearer: createAccessTokenVerifier({ issuer, audience: ['api://models'] }) }), handler);
 * ```
 */
export function requireAuth(options?: RequireAuthOptions & SsoMiddlewareOptions): RequestHandler {
  const checked = checkRequireAuthOptions(options);
  checkSignInTarget(options?.redirectTo, 'requireAuth(options)');
  return async function requireAuth(req: Request, res: Response, next: NextFunction) {
    const sso = options?.sso ?? res.locals.ssokit;
    if (!sso) return next(new TypeError('requireAuth(): mount ssoRouter(sso) before it, or pass { sso }.'));
    try {
      req.sso = await authenticate(sso, toWebRequestHead(req, sso.origin, req.originalUrl), checked);
    } catch (error) {
      return refuse(sso, error, req, res, next, options?.redirectTo);
    }
    next();
  };
}

/**
 * Reads who made the request without requiring anyone: puts the session (or, with `bearer`, the
 * access token) on `req.sso`, or `null` when there is none or it was refused, and always lets the
 * request through; for pages that show more to a signed-in visitor. A failure that is no refusal (a
 * session store that throws) goes to `onError` and then to the app's error handler.
 *
 * @example
 * ```ts
 * app.get('/', optionalAuth(), (req, res) => res.send(req.sso ? `Hello ${req.sso.user.name}` : 'Sign in'));
 * ```
 */
export function optionalAuth(options?: Pick<RequireAuthOptions, 'bearer'> & { sso?: Sso }): RequestHandler {
  const checked = checkRequireAuthOptions({ bearer: options?.bearer });
  return async function optionalAuth(req: Request, res: Response, next: NextFunction) {
    const sso = options?.sso ?? res.locals.ssokit;
    if (!sso) return next(new TypeError('optionalAuth(): mount ssoRouter(sso) before it, or pass { sso }.'));
    const head = toWebRequestHead(req, sso.origin, req.originalUrl);
    try {
      req.sso = await authenticate(sso, head, checked);
    } catch (error) {
      if (replyToError(sso, error, head).body.error === 'server_error') return next(error);
      req.sso = null;
    }
    next();
  };
}

/**
 * Lets a request through only when its session (or, with `bearer`, its access token) has a role that
 * grants `action` on `resource` (see `sso.can`): in the organization `options.organization` reads from
 * the request, or anywhere for a global role. Puts who made it on `req.sso`. Answers 401
 * `unauthenticated` / `access_token_invalid`, or 403 `forbidden` with `reason: 'permission'`, as JSON
 * (`redirectTo` and failures as for {@link requireAuth}). Needs `ssoRouter(sso)` mounted before it, or
 * `sso` given here.
 *
 * @example
 * ```ts
 * app.get('/orgs/:org/models', requirePermission('models', 'read', { organization: (req) => String(req.params.org) }), listModels);
 * ```
 */
export function requirePermission(
  resource: string,
  action: string,
  options?: RequirePermissionOptions<Request> & SsoMiddlewareOptions,
): RequestHandler {
  const checked = checkRequirePermission(resource, action, options);
  checkSignInTarget(options?.redirectTo, 'requirePermission(options)');
  return async function requirePermission(req: Request, res: Response, next: NextFunction) {
    const sso = options?.sso ?? res.locals.ssokit;
    if (!sso)
      return next(new TypeError('requirePermission(): mount ssoRouter(sso) before it, or pass { sso }.'));
    try {
      req.sso = await authenticate(sso, toWebRequestHead(req, sso.origin, req.originalUrl), {
        ...(checked.bearer ? { bearer: checked.bearer } : {}),
        permission: { resource, action, organization: checked.organization?.(req) },
      });
    } catch (error) {
      return refuse(sso, error, req, res, next, options?.redirectTo);
    }
    next();
  };
}
