/**
 * @ssokit/nest in a real NestJS app (Express platform, rawBody: true) on 127.0.0.1: the shared adapter
 * scenarios through SsoModule.forRoot, SsoGuard, @Roles() and @CurrentUser(), then what is Nest's own:
 * forRootAsync, and a module-wide bearer verifier.
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  All,
  type ArgumentsHost,
  Catch,
  Controller,
  Get,
  HttpException,
  Module,
  UseGuards,
} from '@nestjs/common';
import { BaseExceptionFilter, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { createAccessTokenVerifier } from '@ssokit/oidc';
import { createSso, type Sso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import { memoryRawReader } from '@ssokit/storage/testkit';
import express from 'express';
import {
  ADAPTER_ROLES,
  type AdapterPeers,
  failSessionReads,
  getWithJar,
  MOVED_ROUTES,
  type ReportedError,
  reportTo,
  runAdapterScenarios,
} from 'ssokit-test-fixtures/adapter-suite';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { httpOidcLogin, startProvider } from 'ssokit-test-fixtures/oidc-provider';
import { redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { startTokenIssuer, TOKEN_AUDIENCE, TOKEN_ISSUER } from 'ssokit-test-fixtures/token-issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CurrentUser,
  OptionalAuth,
  RequirePermission,
  Roles,
  type SsoAuth,
  SsoGuard,
  SsoModule,
  type SsoModuleOptions,
  type SsoRequest,
} from '../src/index.ts';

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/**
 * The host's own controller. Decorated by calls here; in an app it reads:
 * `@Controller() @UseGuards(SsoGuard) class ProfileController { @Get('admin') @Roles('admins') admin(@CurrentUser('user') user) {} }`.
 */
class ProfileController {
  me(auth: SsoAuth) {
    return auth;
  }
  admin(email: SsoAuth['user']) {
    return { hello: email.email };
  }
  api(auth: SsoAuth) {
    return { kind: auth.kind, user: auth.user.id, roles: auth.roles };
  }
  models(auth: SsoAuth) {
    return { kind: auth.kind, user: auth.user.id, roles: auth.roles, organizations: auth.organizations };
  }
  customRoles(auth: SsoAuth) {
    return this.models(auth);
  }
  installation(auth: SsoAuth) {
    return this.models(auth);
  }
  page(auth: SsoAuth) {
    return auth;
  }
  maybe(auth: SsoAuth | null) {
    return { auth };
  }
}
{
  const proto = ProfileController.prototype;
  const method = (name: keyof ProfileController) =>
    Object.getOwnPropertyDescriptor(proto, name) as PropertyDescriptor;
  Get('me')(proto, 'me', method('me'));
  CurrentUser()(proto, 'me', 0);
  Get('admin')(proto, 'admin', method('admin'));
  Roles('admins')(proto, 'admin', method('admin'));
  CurrentUser('user')(proto, 'admin', 0);
  Get('api')(proto, 'api', method('api'));
  CurrentUser()(proto, 'api', 0);
  const organization = (req: { params: Record<string, string> }) => req.params.org;
  for (const [name, path, resource, action] of [
    ['models', 'orgs/:org/models', 'models', 'read'],
    ['customRoles', 'custom-roles', 'custom_roles', 'write'],
    ['installation', 'installation', 'installation', 'manage'],
  ] as const) {
    Get(path)(proto, name, method(name));
    RequirePermission(resource, action, { organization })(proto, name, method(name));
    CurrentUser()(proto, name, 0);
  }
  All('page')(proto, 'page', method('page'));
  CurrentUser()(proto, 'page', 0);
  Get('maybe')(proto, 'maybe', method('maybe'));
  OptionalAuth()(proto, 'maybe', method('maybe'));
  CurrentUser()(proto, 'maybe', 0);
  UseGuards(SsoGuard)(ProfileController);
  Controller()(ProfileController);
}

/**
 * A controller for admins with one page open to everyone, and a handler that asks for both:
 * `@Controller('mixed') @UseGuards(SsoGuard) @Roles('admins') class MixedController { @Get('open') @OptionalAuth() open() {} ... }`.
 */
class MixedController {
  open(auth: SsoAuth | null) {
    return { auth: auth?.user.email ?? null };
  }
  closed() {
    return { ok: true };
  }
  both() {
    return { ok: true };
  }
}
{
  const proto = MixedController.prototype;
  const method = (name: keyof MixedController) =>
    Object.getOwnPropertyDescriptor(proto, name) as PropertyDescriptor;
  Get('open')(proto, 'open', method('open'));
  OptionalAuth()(proto, 'open', method('open'));
  CurrentUser()(proto, 'open', 0);
  Get('closed')(proto, 'closed', method('closed'));
  Get('both')(proto, 'both', method('both'));
  OptionalAuth()(proto, 'both', method('both'));
  Roles('admins')(proto, 'both', method('both'));
  Roles('admins')(MixedController);
  UseGuards(SsoGuard)(MixedController);
  Controller('mixed')(MixedController);
}

const CONFIG = Symbol('config');

/** The host's exception filter: records what is no HTTP answer, then lets Nest answer as usual. */
class RecordingFilter extends BaseExceptionFilter {
  readonly failures: unknown[] = [];
  override catch(exception: unknown, host: ArgumentsHost) {
    if (!(exception instanceof HttpException)) this.failures.push(exception);
    super.catch(exception, host);
  }
}
Catch()(RecordingFilter);

/** The sign-in page of the suite's contract: the connection the `idp` query parameter names. */
const signIn = (req: SsoRequest) => `/sso/login/${req.query?.idp ?? 'local-op'}`;

async function startApp(
  peers: Pick<AdapterPeers, 'idp' | 'tokens'> & { op?: AdapterPeers['op'] },
  mode: 'forRoot' | 'forRootAsync' = 'forRoot',
  bodyLimit?: number,
  routes?: Record<string, string>,
) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storage = memoryStorage();
  const failSessions = failSessionReads(storage);
  const errors: ReportedError[] = [];
  const sso: Sso = createSso({
    baseUrl: base,
    storage,
    secret: 'test-secret-with-at-least-32-characters!',
    onError: reportTo(errors),
    ...(routes ? { routes } : {}),
    roles: { roleDefinitions: ADAPTER_ROLES },
  });
  const oidc = peers.op
    ? await storage.connections.create(
        oidcConnection(peers.op.issuer, {
          id: 'local-op',
          groupSync: { enabled: true, removeRevoked: true },
        }),
      )
    : undefined;
  const saml = await storage.connections.create(
    samlConnection(peers.idp.getMetadata(), `${base}/sso/saml/metadata/local`),
  );
  const options: SsoModuleOptions = {
    sso,
    redirectTo: signIn,
    ...(bodyLimit ? { bodyLimit } : {}),
    bearer: createAccessTokenVerifier({
      jwksUri: peers.tokens.jwksUri,
      issuer: TOKEN_ISSUER,
      audience: [TOKEN_AUDIENCE],
      roles: sso.roleMatcher('local-op'),
    }),
  };
  // forRootAsync: the options come from another provider, as from a ConfigService.
  class ConfigModule {}
  Module({ providers: [{ provide: CONFIG, useValue: options }], exports: [CONFIG] })(ConfigModule);
  class AppModule {}
  Module({
    imports: [
      mode === 'forRoot'
        ? SsoModule.forRoot(options)
        : SsoModule.forRootAsync({
            ...(routes ? { routes } : {}),
            imports: [ConfigModule],
            inject: [CONFIG],
            useFactory: (config: SsoModuleOptions) => config,
          }),
    ],
    controllers: [ProfileController, MixedController],
  })(AppModule);
  const expressApp = express();
  const app = await NestFactory.create(AppModule, new ExpressAdapter(expressApp), {
    rawBody: true,
    logger: false,
  });
  const filter = new RecordingFilter(app.getHttpAdapter());
  app.useGlobalFilters(filter);
  await app.init();
  server.on('request', expressApp);
  closers.push(async () => {
    await app.close();
    server.close();
  });
  return {
    base,
    oidcId: oidc?.id ?? '',
    samlId: saml.id,
    errors,
    userCount: () => memoryRawReader(storage).userCount(),
    createGroup: (name: string) => storage.groups.create({ name }),
    revokeSessions: (filter: { userId: string }) => sso.revokeSessions(filter),
    failures: filter.failures,
    failSessionReads: failSessions,
  };
}

runAdapterScenarios({
  name: '@ssokit/nest',
  tokenAlg: 'RS256',
  parsesBodiesFirst: true,
  startApp: (peers, { bodyLimit, routes }) => startApp(peers, 'forRoot', bodyLimit, routes),
});

describe('@ssokit/nest: its own', () => {
  const peers = {} as AdapterPeers;
  beforeAll(async () => {
    peers.idp = await redirectBindingIdp();
    peers.op = await startProvider({ loopbackRedirects: true });
    peers.tokens = await startTokenIssuer('RS256');
    closers.push(
      async () => peers.tokens.close(),
      () => peers.op.close(),
    );
  }, 30_000);

  it('forRootAsync: a whole OIDC login, then SsoGuard, @Roles() and @CurrentUser()', async () => {
    const app = await startApp(peers, 'forRootAsync');
    const { jar, response } = await httpOidcLogin(app.base, app.oidcId);
    expect(response.status).toBe(303);
    expect(await (await getWithJar(app, '/me', jar)).json()).toMatchObject({
      kind: 'session',
      user: { email: 'ada@example.com' },
      roles: ['admins'],
    });
    // @CurrentUser('user') hands the handler the user alone.
    expect(await (await getWithJar(app, '/admin', jar)).json()).toEqual({ hello: 'ada@example.com' });
  });

  it('forRootAsync({ routes }): a controller per moved route, so a W&B callback path works', async () => {
    const app = await startApp(peers, 'forRootAsync', undefined, MOVED_ROUTES);
    const { jar, response } = await httpOidcLogin(app.base, app.oidcId, new Map(), '/me', '/oidc/callback');
    expect(response.status).toBe(303);
    expect((await getWithJar(app, '/me', jar)).status).toBe(200);
  });

  it('a module-wide bearer verifier: SsoGuard takes tokens on every guarded route', async () => {
    const app = await startApp(peers);
    const token = await peers.tokens.mint({ sub: 'svc-9', groups: ['admins'] });
    const me = await getWithJar(app, '/me', undefined, { authorization: `Bearer ${token}` });
    expect(await me.json()).toMatchObject({ kind: 'bearer', user: { id: 'svc-9' } });
    expect(() => SsoModule.forRoot({} as never)).toThrow(TypeError);
  });

  it("@OptionalAuth() on a handler sets its class's @Roles() aside; both on one handler is a host error", async () => {
    const app = await startApp(peers);
    expect(await (await getWithJar(app, '/mixed/open')).json()).toEqual({ auth: null });
    expect((await getWithJar(app, '/mixed/closed')).status).toBe(401);
    const { jar } = await httpOidcLogin(app.base, app.oidcId);
    expect(await (await getWithJar(app, '/mixed/open', jar)).json()).toEqual({ auth: 'ada@example.com' });
    const both = await getWithJar(app, '/mixed/both', jar);
    expect(both.status).toBe(500);
    expect(app.failures).toEqual([
      expect.objectContaining({
        message:
          'SsoGuard: MixedController.both has @OptionalAuth() and @Roles() or @RequirePermission(), which refuse: keep one.',
      }),
    ]);
  });

  it('redirectTo is checked when the module is made', async () => {
    const sso = createSso({
      baseUrl: 'http://127.0.0.1',
      storage: memoryStorage(),
      secret: 'test-secret-with-at-least-32-characters!',
    });
    expect(() => SsoModule.forRoot({ sso, redirectTo: 'login' })).toThrow(
      /SsoModule.forRoot\(options\): "redirectTo" must be a path on this site/,
    );
  });
});
