/**
 * @ssokit/nest in a real NestJS app (Express platform) on 127.0.0.1: whole OIDC logins against
 * oidc-provider and SAML logins against a samlify IdP over HTTP, SsoGuard with @Roles() and bearer
 * tokens, @CurrentUser(), forRoot and forRootAsync.
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { createAccessTokenVerifier } from '@ssokit/oidc';
import { createSso, type Sso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import express from 'express';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { httpOidcLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { httpSamlLogin, redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import {
  startTokenIssuer,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  type TokenIssuer,
} from 'ssokit-test-fixtures/token-issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CurrentUser,
  Roles,
  type SsoAuth,
  SsoGuard,
  SsoModule,
  type SsoModuleOptions,
} from '../src/index.ts';

let op: TestOp;
let idp: Awaited<ReturnType<typeof redirectBindingIdp>>;
let tokens: TokenIssuer;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  idp = await redirectBindingIdp();
  op = await startProvider({ loopbackRedirects: true });
  tokens = await startTokenIssuer('RS256');
}, 30_000);

afterAll(async () => {
  for (const close of closers) await close();
  tokens.close();
  await op.close();
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
  UseGuards(SsoGuard)(ProfileController);
  Controller()(ProfileController);
}

const CONFIG = Symbol('config');

async function startApp(mode: 'forRoot' | 'forRootAsync') {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storage = memoryStorage();
  const sso: Sso = createSso({
    baseUrl: base,
    storage,
    secret: 'test-secret-with-at-least-32-characters!',
    roles: { roleDefinitions: [{ name: 'admins' }] },
  });
  const oidc = await storage.connections.create(oidcConnection(op.issuer));
  const saml = await storage.connections.create(
    samlConnection(idp.getMetadata(), `${base}/sso/saml/metadata/local`),
  );
  const options: SsoModuleOptions = {
    sso,
    bearer: createAccessTokenVerifier({
      jwksUri: tokens.jwksUri,
      issuer: TOKEN_ISSUER,
      audience: [TOKEN_AUDIENCE],
      roles: { roleDefinitions: [{ name: 'admins' }] },
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
            imports: [ConfigModule],
            inject: [CONFIG],
            useFactory: (config: SsoModuleOptions) => config,
          }),
    ],
    controllers: [ProfileController],
  })(AppModule);
  const expressApp = express();
  const app = await NestFactory.create(AppModule, new ExpressAdapter(expressApp), {
    rawBody: true,
    logger: false,
  });
  await app.init();
  server.on('request', expressApp);
  closers.push(async () => {
    await app.close();
    server.close();
  });
  return { base, oidcId: oidc.id, samlId: saml.id };
}

const get = (
  base: string,
  path: string,
  jar = new Map<string, string>(),
  headers: Record<string, string> = {},
) =>
  fetch(`${base}${path}`, {
    redirect: 'manual',
    headers: { cookie: jar.get(new URL(base).host) ?? '', ...headers },
  });

describe('@ssokit/nest', () => {
  for (const mode of ['forRoot', 'forRootAsync'] as const) {
    it(`${mode}: a whole OIDC login, then SsoGuard, @Roles() and @CurrentUser()`, async () => {
      const app = await startApp(mode);
      const { jar, response } = await httpOidcLogin(app.base, app.oidcId);
      expect(response.status).toBe(303);
      expect(await (await get(app.base, '/me', jar)).json()).toMatchObject({
        kind: 'session',
        user: { email: 'ada@example.com' },
        roles: ['admins'],
      });
      expect(await (await get(app.base, '/admin', jar)).json()).toEqual({ hello: 'ada@example.com' });
    });
  }

  it('a whole SAML login through Nest body parsing (rawBody: true); roles missing → 403', async () => {
    const app = await startApp('forRoot');
    const { jar, response } = await httpSamlLogin(app.base, app.samlId, idp, { email: 'grace@example.com' });
    expect(response.status).toBe(303);
    expect(await (await get(app.base, '/me', jar)).json()).toMatchObject({
      session: { connectionId: app.samlId },
    });
    const admin = await get(app.base, '/admin', jar);
    expect(admin.status).toBe(403);
    expect(await admin.json()).toMatchObject({ error: 'forbidden' });
  });

  it('SsoGuard: 401 without a session, bearer tokens with roles, forged tokens refused', async () => {
    const app = await startApp('forRoot');
    const anonymous = await get(app.base, '/me');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'unauthenticated' });
    const token = await tokens.mint({ sub: 'svc-9', groups: ['admins'] });
    expect(
      await (await get(app.base, '/api', undefined, { authorization: `Bearer ${token}` })).json(),
    ).toEqual({
      kind: 'bearer',
      user: 'svc-9',
      roles: ['admins'],
    });
    const forged = await get(app.base, '/api', undefined, { authorization: `Bearer ${token}x` });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: 'access_token_invalid' });
    expect(() => SsoModule.forRoot({} as never)).toThrow(TypeError);
  });
});
