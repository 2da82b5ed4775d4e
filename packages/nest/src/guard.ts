/**
 * `SsoGuard` and the decorators it reads: `@Roles()`, `@RequirePermission()`, `@OptionalAuth()`, and
 * `@CurrentUser()` for handlers. Decorators are applied as plain calls, so the package needs no
 * decorator transform and no emitted type metadata (dependencies are injected by token).
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  authenticate,
  checkRequirePermission,
  replyToError,
  type SsoAuth,
  signInRedirect,
  toWebRequestHead,
} from '@ssokit/server/node';
import { SSO_OPTIONS, type SsoModuleOptions, type SsoRequest } from './options.ts';

const ROLES = 'ssokit:roles';
const PERMISSION = 'ssokit:permission';
const OPTIONAL = 'ssokit:optional-auth';

/**
 * Lets a request through only with a session (or, with the module's `bearer`, an access token) and,
 * when the handler or class has `@Roles()`, one of those roles, and with `@RequirePermission()`, that
 * permission. Sets `request.sso`. Refuses with 401 `unauthenticated` / `access_token_invalid` or 403
 * `forbidden` and a JSON `{ error, message, reason }`; with the module's `redirectTo`, a signed-out
 * browser asking for a page gets a 303 to sign in instead. With `@OptionalAuth()` it refuses nobody.
 * A failure that is no refusal (a session store that throws) goes to `onError` and is then thrown, to
 * the app's exception filters.
 *
 * @example
 * ```ts
 * import { Controller, Get, UseGuards } from '@nestjs/common';
 * import { CurrentUser, Roles, type SsoAuth, SsoGuard } from '@ssokit/nest';
 *
 * @Controller()
 * class AdminController {
 *   @UseGuards(SsoGuard)
 *   @Roles('admin')
 *   @Get('admin')
 *   admin(@CurrentUser() auth: SsoAuth) { return auth.user; }
 * }
 * ```
 */
export class SsoGuard implements CanActivate {
  readonly #options: SsoModuleOptions;
  readonly #reflector: Reflector;
  constructor(options: SsoModuleOptions, reflector: Reflector) {
    this.#options = options;
    this.#reflector = reflector;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<SsoRequest>();
    const { optional, roles, permission } = this.#requirement(context);
    const { sso, bearer, redirectTo } = this.#options;
    const head = toWebRequestHead(req, sso.origin, req.originalUrl ?? req.url);
    try {
      req.sso = await authenticate(sso, head, {
        ...(roles ? { roles } : {}),
        ...(bearer ? { bearer } : {}),
        ...(permission
          ? { permission: { ...permission, organization: permission.organization?.(req) } }
          : {}),
      });
      return true;
    } catch (error) {
      const { status, headers, body } = replyToError(sso, error, head);
      if (body.error === 'server_error') throw error; // to the app's exception filters
      if (optional) {
        req.sso = null;
        return true;
      }
      const location = signInRedirect(head, error, redirectTo, req);
      // Nest's exception filter writes the status and the body; headers set here stay.
      const res = context.switchToHttp().getResponse<ServerResponse>();
      const sent = location ? { 'cache-control': 'no-store', location } : headers;
      for (const [name, value] of Object.entries(sent)) res.setHeader(name, value);
      throw new HttpException(body, location ? 303 : status);
    }
  }

  /**
   * What the handler needs: `@Roles()` and `@RequirePermission()` each from the handler, else its
   * class; `@OptionalAuth()` on the handler sets the class's aside, and on the class applies to the
   * handlers with neither of their own. Both on one handler (or one class) is a mistake.
   */
  #requirement(context: ExecutionContext) {
    const handler = context.getHandler();
    const cls = context.getClass();
    const own = (target: object) => ({
      optional: this.#reflector.get<boolean | undefined>(OPTIONAL, target as never) === true,
      refuses:
        this.#reflector.get(ROLES, target as never) !== undefined ||
        this.#reflector.get(PERMISSION, target as never) !== undefined,
    });
    for (const [target, name] of [
      [handler, `${cls.name}.${handler.name}`],
      [cls, cls.name],
    ] as const) {
      const { optional, refuses } = own(target);
      if (optional && refuses)
        throw new TypeError(
          `SsoGuard: ${name} has @OptionalAuth() and @Roles() or @RequirePermission(), which refuse: keep one.`,
        );
    }
    const optional = own(handler).optional || (own(cls).optional && !own(handler).refuses);
    if (optional) return { optional };
    const targets = [handler, cls];
    return {
      optional,
      roles: this.#reflector.getAllAndOverride<string[] | undefined>(ROLES, targets),
      permission: this.#reflector.getAllAndOverride<PermissionMetadata | undefined>(PERMISSION, targets),
    };
  }
}
Inject(SSO_OPTIONS)(SsoGuard, undefined, 0);
Inject(Reflector)(SsoGuard, undefined, 1);
Injectable()(SsoGuard);

/**
 * Lets every request to a handler (or every handler of a class) through `SsoGuard`, with `request.sso`
 * set to the session (or, with the module's `bearer`, the access token) or `null` when there is none
 * or it was refused: for pages that show more to a signed-in visitor. On a handler, it sets aside the
 * class's `@Roles()` and `@RequirePermission()`; on a class, it applies to the handlers without their
 * own. Both on one handler or one class is a mistake (a TypeError at its first request).
 *
 * @example
 * ```ts
 * import { Controller, Get, UseGuards } from '@nestjs/common';
 * import { CurrentUser, OptionalAuth, type SsoAuth, SsoGuard } from '@ssokit/nest';
 *
 * @Controller()
 * @UseGuards(SsoGuard)
 * class HomeController {
 *   @Get() @OptionalAuth() home(@CurrentUser() auth: SsoAuth | null) { return auth ? `Hello ${auth.user.name}` : 'Sign in'; }
 * }
 * ```
 */
export const OptionalAuth = () => SetMetadata(OPTIONAL, true);

/**
 * The roles a handler (or every handler of a class) needs; `SsoGuard` lets in holders of any of them.
 *
 * @example
 * ```ts
 * import { Controller, Delete, Param, UseGuards } from '@nestjs/common';
 * import { Roles, SsoGuard } from '@ssokit/nest';
 *
 * @Controller('projects')
 * @UseGuards(SsoGuard)
 * @Roles('admin', 'owner') // every handler of the class; a handler's own @Roles() wins
 * class ProjectsController {
 *   @Delete(':id') remove(@Param('id') id: string) { return id; }
 * }
 * ```
 */
export const Roles = (...roles: string[]) => SetMetadata(ROLES, roles);

/** What `@RequirePermission()` leaves for `SsoGuard`. */
interface PermissionMetadata {
  resource: string;
  action: string;
  organization?: ((req: unknown) => string | undefined) | undefined;
}

/**
 * The permission a handler (or every handler of a class) needs: `action` on `resource`, granted by one
 * of the caller's roles (see `sso.can`), in the organization `options.organization` reads from the
 * request (Express's `req`), or anywhere for a global role. `SsoGuard` refuses others with 403
 * `forbidden` and `reason: 'permission'`; bearer tokens count when the module has `bearer`.
 *
 * @example
 * ```ts
 * import { Controller, Get, Param, UseGuards } from '@nestjs/common';
 * import { RequirePermission, SsoGuard } from '@ssokit/nest';
 *
 * @Controller('orgs/:org/models')
 * @UseGuards(SsoGuard)
 * class ModelsController {
 *   @Get()
 *   @RequirePermission('models', 'read', { organization: (req: { params: { org: string } }) => req.params.org })
 *   list(@Param('org') org: string) { return org; }
 * }
 * ```
 */
export const RequirePermission = <Req = { params: Record<string, string> }>(
  resource: string,
  action: string,
  options?: { organization?: (req: Req) => string | undefined },
) => {
  const checked = checkRequirePermission(resource, action, options);
  const organization = checked.organization as PermissionMetadata['organization'];
  return SetMetadata(PERMISSION, { resource, action, organization } satisfies PermissionMetadata);
};

/**
 * The `SsoAuth` that `SsoGuard` found (kind, user, roles, groups, session or token), or one field of it.
 *
 * @example
 * ```ts
 * import { Controller, Get, UseGuards } from '@nestjs/common';
 * import { CurrentUser, type SsoAuth, SsoGuard } from '@ssokit/nest';
 *
 * @Controller()
 * @UseGuards(SsoGuard)
 * class ProfileController {
 *   @Get('me') me(@CurrentUser() auth: SsoAuth, @CurrentUser('roles') roles: string[]) { return { auth, roles }; }
 * }
 * ```
 */
export const CurrentUser = createParamDecorator(
  (field: keyof SsoAuth | undefined, context: ExecutionContext) => {
    const auth = context.switchToHttp().getRequest<SsoRequest>().sso;
    return field && auth ? auth[field] : auth;
  },
);
