/**
 * `SsoModule`: a controller per path ssokit serves (its base path, and each route moved out of it),
 * passing requests to `sso.handle()`, and `SsoGuard` for the app's controllers.
 *
 * @module
 */
import {
  All,
  Controller,
  type DynamicModule,
  Inject,
  type InjectionToken,
  Module,
  type OptionalFactoryDependency,
  Req,
  Res,
} from '@nestjs/common';
import type { Sso, SsoRoutes } from '@ssokit/server';
import {
  checkSignInTarget,
  DEFAULT_BODY_LIMIT,
  replyToError,
  toWebRequest,
  toWebRequestHead,
  writeWebResponse,
} from '@ssokit/server/node';
import { SsoGuard } from './guard.ts';
import { SSO_OPTIONS, type SsoModuleOptions, type SsoRequest } from './options.ts';

type NodeRequest = Parameters<typeof toWebRequest>[0] & SsoRequest;

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
        if (body.error === 'server_error') throw error; // to the app's exception filters
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

/** Options of {@link SsoModule.forRootAsync}. */
export interface SsoModuleAsyncOptions {
  /** Must equal the `basePath` given to `createSso()`: Nest fixes a controller's path up front. Default: `'/sso'`. */
  basePath?: string;
  /** Must equal the `routes` given to `createSso()`, for the same reason. Default: none moved. */
  routes?: SsoRoutes;
  imports?: DynamicModule['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** Returns the module's options (`{ sso }`, ...), given the providers named in `inject`, in order. */
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
  /** The module for an `Sso` already made: its options are checked here (a TypeError when wrong). */
  static forRoot(options: SsoModuleOptions): DynamicModule {
    if (typeof options?.sso?.handle !== 'function')
      throw new TypeError('SsoModule.forRoot({ sso }): pass the object createSso() returned.');
    checkSignInTarget(options.redirectTo, 'SsoModule.forRoot(options)');
    return moduleFor(options.sso.basePath, options.sso.routes, { provide: SSO_OPTIONS, useValue: options });
  }

  /**
   * The module for an `Sso` made by a factory with injected providers (a ConfigService); `basePath`
   * and `routes` must be given here too, and are checked against the factory's `Sso` when it runs.
   */
  static forRootAsync(options: SsoModuleAsyncOptions): DynamicModule {
    if (typeof options?.useFactory !== 'function')
      throw new TypeError('SsoModule.forRootAsync({ useFactory }): useFactory must return { sso }.');
    return {
      ...moduleFor(options.basePath ?? '/sso', options.routes ?? {}, {
        provide: SSO_OPTIONS,
        useFactory: async (...args: never[]) => {
          const made = await options.useFactory(...args);
          checkSignInTarget(made?.redirectTo, 'SsoModule.forRootAsync(): useFactory()');
          return made;
        },
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
