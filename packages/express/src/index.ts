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
  type RequireAuthOptions,
  type RequirePermissionOptions,
  replyToError,
  type SsoAuth,
  toWebRequest,
  toWebRequestHead,
  writeWebResponse,
} from '@ssokit/server/node';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export type { RequireAuthOptions, RequirePermissionOptions, SsoAuth } from '@ssokit/server/node';

declare global {
  namespace Express {
    interface Request {
      /** Who made the request, set by `requireAuth()` and `requirePermission()`. */
      sso?: SsoAuth;
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
      const head = toWebRequestHead(req, sso.origin, req.originalUrl);
      const { status, headers, body } = replyToError(sso, error, head);
      res.status(status).set(headers).json(body);
    }
  };
}

/**
 * Lets a request through only with a session (or, with `bearer`, an access token) and one of `roles`,
 * and puts who made it on `req.sso`. Answers 401 `unauthenticated` / `access_token_invalid` or 403
 * `forbidden` as JSON otherwise. Needs `ssoRouter(sso)` mounted before it, or `sso` given here.
 *
 * @example
 * ```ts
 * app.get('/admin', requireAuth({ roles: ['admin'] }), (req, res) => res.json({ hello: req.sso?.user.name }));
 * app.get('/api/models', requireAuth({ bearer: createAccessTokenVerifier({ issuer, audience: ['api://models'] }) }), handler);
 * ```
 */
export function requireAuth(options?: RequireAuthOptions & { sso?: Sso }): RequestHandler {
  const checked = checkRequireAuthOptions(options);
  return async function requireAuth(req: Request, res: Response, next: NextFunction) {
    const sso = options?.sso ?? res.locals.ssokit;
    if (!sso) return next(new TypeError('requireAuth(): mount ssoRouter(sso) before it, or pass { sso }.'));
    const head = toWebRequestHead(req, sso.origin, req.originalUrl);
    try {
      req.sso = await authenticate(sso, head, checked);
      next();
    } catch (error) {
      const { status, headers, body } = replyToError(sso, error, head);
      res.status(status).set(headers).json(body);
    }
  };
}

/**
 * Lets a request through only when its session (or, with `bearer`, its access token) has a role that
 * grants `action` on `resource` (see `sso.can`): in the organization `options.organization` reads from
 * the request, or anywhere for a global role. Puts who made it on `req.sso`. Answers 401
 * `unauthenticated` / `access_token_invalid`, or 403 `forbidden` with `reason: 'permission'`, as JSON.
 * Needs `ssoRouter(sso)` mounted before it, or `sso` given here.
 *
 * @example
 * ```ts
 * app.get('/orgs/:org/models', requirePermission('models', 'read', { organization: (req) => String(req.params.org) }), listModels);
 * ```
 */
export function requirePermission(
  resource: string,
  action: string,
  options?: RequirePermissionOptions<Request> & { sso?: Sso },
): RequestHandler {
  const checked = checkRequirePermission(resource, action, options);
  return async function requirePermission(req: Request, res: Response, next: NextFunction) {
    const sso = options?.sso ?? res.locals.ssokit;
    if (!sso)
      return next(new TypeError('requirePermission(): mount ssoRouter(sso) before it, or pass { sso }.'));
    const head = toWebRequestHead(req, sso.origin, req.originalUrl);
    try {
      req.sso = await authenticate(sso, head, {
        ...(checked.bearer ? { bearer: checked.bearer } : {}),
        permission: { resource, action, organization: checked.organization?.(req) },
      });
      next();
    } catch (error) {
      const { status, headers, body } = replyToError(sso, error, head);
      res.status(status).set(headers).json(body);
    }
  };
}
