/**
 * `@ssokit/nest`: mounts ssokit in a NestJS (11 or later, Express platform) app. A controller passes
 * ssokit's routes to `sso.handle()`, `SsoGuard` checks sessions, bearer tokens and `@Roles()`, and
 * `@CurrentUser()` reads who made the request. Nothing else: every check lives in `@ssokit/server`.
 *
 * Decorators are applied as plain calls in this file, so the package needs no decorator transform
 * and no emitted type metadata (dependencies are injected by token).
 *
 * @packageDocumentation
 */
import {
  All,
  type CanActivate,
  Controller,
  createParamDecorator,
  type DynamicModule,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  type InjectionToken,
  Module,
  type OptionalFactoryDependency,
  Req,
  Res,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Sso, SsoRoutes } from '@ssokit/server';
import {
  authenticate,
  checkRequirePermission,
  DEFAULT_BODY_LIMIT,
  type RequireAuthOptions,
  replyToError,
  type SsoAuth,
  toWebRequest,
  toWebRequestHead,
  writeWebResponse,
} from '@ssokit/server/node';

export type { SsoAuth } from '@ssokit/server/node';

/** The injection token of the module's {@link SsoModuleOptions}. */
export const SSO_OPTIONS = Symbol.for('ssokit:nest-options');
const ROLES = 'ssokit:roles';
const PERMISSION = 'ssokit:permission';

/** What {@link SsoModule} needs. */
export interface SsoModuleOptions {
  /** The object `createSso()` returned. */
  sso: Sso;
  /** Accept `Authorization: Bearer` tokens in `SsoGuard`, verified by this. Default: sessions only. */
  bearer?: RequireAuthOptions['bearer'];
  /** The largest request body read for ssokit's routes, in bytes. Default: 1048576 (1 MiB). */
  bodyLimit?: number;
}

type NodeRequest = Parameters<typeof toWebRequest>[0] & { originalUrl?: string; sso?: SsoAuth };

/**
 * A controller serving ssokit's routes at one path: the base path (and everything under it), or one
 * route moved out of it (`createSso({ routes })`). A Nest controller's path is fixed when declared.
 */
function routesController(path: string, declared: { basePath: string; routes: SsoRoutes }, base: boolean) {
  class SsoRoutesController {
    readonly options: SsoModuleOptions;
    constructor(options: SsoModuleOptions) {
      this.options = options;
    }

    async handle(req: NodeRequest, res: Parameters<typeof writeWebResponse>[0]): Promise<void> {
      const { sso, bodyLimit = DEFAULT_BODY_LIMIT } = this.options;
      const mismatch = routesMismatch(sso, declared);
      if (mismatch) throw new TypeError(mismatch);
      try {
        const request = await toWebRequest(req, sso.origin, req.originalUrl ?? req.url, {
          bodyLimit,
          clientAddress: (req as { ip?: string }).ip,
        });
        await writeWebResponse(res, await sso.handle(request));
      } catch (error) {
        const head = toWebRequestHead(req, sso.origin, req.originalUrl ?? req.url);
        const { status, headers, body } = replyToError(sso, error, head);
        res.statusCode = status;
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify(body));
      }
    }
  }
  Inject(SSO_OPTIONS)(SsoRoutesController, undefined, 0);
  const proto = SsoRoutesController.prototype;
  const handle = Object.getOwnPropertyDescriptor(proto, 'handle') as PropertyDescriptor;
  Req()(proto, 'handle', 0);
  Res()(proto, 'handle', 1);
  // The base path's controller takes every path under it; a moved route's, its own path only.
  if (base) All('{*path}')(proto, 'handle', handle);
  else All()(proto, 'handle', handle);
  Controller(path.slice(1))(SsoRoutesController);
  return SsoRoutesController;
}

/** What differs between the paths a module declared and those of its `Sso`, or undefined. */
function routesMismatch(sso: Sso, declared: { basePath: string; routes: SsoRoutes }): string | undefined {
  if (sso.basePath !== declared.basePath)
    return `SsoModule: forRootAsync({ basePath }) is "${declared.basePath}", createSso() has "${sso.basePath}".`;
  const names = new Set([...Object.keys(sso.routes), ...Object.keys(declared.routes)]) as Set<
    keyof SsoRoutes
  >;
  for (const name of names)
    if (sso.routes[name] !== declared.routes[name])
      return `SsoModule: forRootAsync({ routes }) has ${name} "${declared.routes[name] ?? '(unset)'}", createSso() has "${sso.routes[name] ?? '(unset)'}".`;
  return undefined;
}

/**
 * Lets a request through only with a session (or, with the module's `bearer`, an access token) and,
 * when the handler or class has `@Roles()`, one of those roles, and with `@RequirePermission()`, that
 * permission. Sets `request.sso`. Refuses with 401 `unauthenticated` / `access_token_invalid` or 403
 * `forbidden` and a JSON `{ error, message, reason }`.
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
    const req = context.switchToHttp().getRequest<NodeRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const roles = this.#reflector.getAllAndOverride<string[] | undefined>(ROLES, targets);
    const permission = this.#reflector.getAllAndOverride<PermissionMetadata | undefined>(PERMISSION, targets);
    const { sso, bearer } = this.#options;
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
      const { status, body } = replyToError(sso, error, head);
      throw new HttpException(body, status);
    }
  }
}
Inject(SSO_OPTIONS)(SsoGuard, undefined, 0);
Inject(Reflector)(SsoGuard, undefined, 1);
Injectable()(SsoGuard);

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
    const auth = context.switchToHttp().getRequest<NodeRequest>().sso;
    return field && auth ? auth[field] : auth;
  },
);

/** Options of {@link SsoModule.forRootAsync}. */
export interface SsoModuleAsyncOptions {
  /** Must equal the `basePath` given to `createSso()`: Nest fixes a controller's path up front. Default: `'/sso'`. */
  basePath?: string;
  /** Must equal the `routes` given to `createSso()`, for the same reason. Default: none moved. */
  routes?: SsoRoutes;
  imports?: DynamicModule['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: never[]) => SsoModuleOptions | Promise<SsoModuleOptions>;
}

/**
 * The module: ssokit's routes under the `Sso`'s base path, and `SsoGuard` for the app's controllers
 * (global, so any module can use it). Create the app with `{ rawBody: true }` (Nest parses bodies
 * before controllers; ssokit needs the SAML POST as the IdP sent it).
 *
 * @example
 * ```ts
 * import { Module } from '@nestjs/common';
 * import { NestFactory } from '@nestjs/core';
 * import { SsoModule } from '@ssokit/nest';
 *
 * @Module({ imports: [SsoModule.forRoot({ sso })] })
 * class AppModule {}
 * const app = await NestFactory.create(AppModule, { rawBody: true });
 * ```
 */
// biome-ignore lint/complexity/noStaticOnlyClass: Nest modules are classes with static forRoot / forRootAsync.
export class SsoModule {
  static forRoot(options: SsoModuleOptions): DynamicModule {
    if (typeof options?.sso?.handle !== 'function')
      throw new TypeError('SsoModule.forRoot({ sso }): pass the object createSso() returned.');
    return moduleFor(options.sso.basePath, options.sso.routes, { provide: SSO_OPTIONS, useValue: options });
  }

  static forRootAsync(options: SsoModuleAsyncOptions): DynamicModule {
    if (typeof options?.useFactory !== 'function')
      throw new TypeError('SsoModule.forRootAsync({ useFactory }): useFactory must return { sso }.');
    return {
      ...moduleFor(options.basePath ?? '/sso', options.routes ?? {}, {
        provide: SSO_OPTIONS,
        useFactory: options.useFactory,
        inject: options.inject ?? [],
      }),
      imports: options.imports ?? [],
    };
  }
}
Module({})(SsoModule);

function moduleFor(
  basePath: string,
  routes: SsoRoutes,
  provider: NonNullable<DynamicModule['providers']>[number],
): DynamicModule {
  return {
    module: SsoModule,
    global: true,
    controllers: [
      routesController(basePath, { basePath, routes }, true),
      ...Object.values(routes).flatMap((path) =>
        typeof path === 'string' ? [routesController(path, { basePath, routes }, false)] : [],
      ),
    ],
    providers: [provider, SsoGuard],
    exports: [SSO_OPTIONS, SsoGuard],
  };
}
