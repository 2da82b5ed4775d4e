/**
 * ssokit in a Nest app under Jest, Nest's default test runner: the recipe of docs/frameworks.md#jest,
 * run by CI (`pnpm --filter ssokit-example-nest test:jest`, after `pnpm build`: Jest loads the built
 * packages, as an app's tests would). `SsoModule` serves the login routes, `SsoGuard` and `@Roles` guard
 * a page, and whole OIDC logins go through the bundled dev-idp with the users' passwords typed into its
 * form. This file is compiled as a Nest project compiles (CommonJS, legacy decorators: ./tsconfig.json)
 * and loads ESM-only packages (Nest 12, oauth4webapi) through Jest's require(esm), which
 * `--experimental-vm-modules` turns on; without it the suite fails to load.
 */
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { Controller, Get, type INestApplication, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Roles, SsoGuard, SsoModule } from '@ssokit/nest';
import { createSso, type Sso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import express from 'express';

@Controller()
class DashboardController {
  @Get('dashboard')
  @UseGuards(SsoGuard)
  @Roles('admins')
  dashboard() {
    return { page: 'dashboard' };
  }
}

function appModule(sso: Sso) {
  @Module({ imports: [SsoModule.forRoot({ sso })], controllers: [DashboardController] })
  class AppModule {}
  return AppModule;
}

let idp: ChildProcess;
let issuer = '';
let server: Server;
let app: INestApplication;
let base = '';

/** Starts `ssokit-dev-idp` (the bundled realm, a free port) and resolves to its OIDC issuer. */
function startIdp(appUrl: string): Promise<string> {
  const bin = join(dirname(require.resolve('@ssokit/dev-idp/package.json')), 'bin', 'ssokit-dev-idp.js');
  idp = spawn(process.execPath, [bin, '--port', '0'], {
    env: { ...process.env, SSOKIT_APP_URL: appUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    idp.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /OIDC issuer\s+(\S+)/.exec(output);
      if (found) resolve(found[1] as string);
    });
    idp.once('exit', (code) => reject(new Error(`ssokit-dev-idp exited with ${code}: ${output}`)));
  });
}

beforeAll(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = await startIdp(base);
  const sso = createSso({
    baseUrl: base,
    storage: memoryStorage(),
    secret: 'a-test-secret-of-at-least-32-characters',
    // The IdP's groups of the same names grant these roles, through this connection only.
    roles: { roleDefinitions: ['admins', 'viewers'].map((name) => ({ name, grantedBy: ['keycloak'] })) },
  });
  await sso.connections.create({
    id: 'keycloak',
    name: 'Keycloak',
    protocol: 'oidc',
    provider: 'keycloak',
    active: true,
    oidc: { issuer, clientId: 'ssokit-pkce' },
    groupSync: { enabled: true },
  });
  const expressApp = express();
  app = await NestFactory.create(appModule(sso), new ExpressAdapter(expressApp), {
    rawBody: true,
    logger: ['error'],
  });
  await app.init();
  server.on('request', expressApp);
});

afterAll(async () => {
  await app?.close();
  server?.close();
  idp?.kill('SIGTERM');
});

/** One request as a browser sends it: no redirect followed, the jar's cookies for the host sent and kept. */
async function jarFetch(jar: Map<string, string>, url: URL, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.get(url.host) ?? '' },
  });
  const cookies = new Map(
    (jar.get(url.host) ?? '')
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.split('=')[0], c]),
  );
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';')[0] as string;
    if (pair.endsWith('=')) cookies.delete(pair.slice(0, -1));
    else cookies.set(pair.split('=')[0], pair);
  }
  jar.set(url.host, [...cookies.values()].join('; '));
  return response;
}

/** Signs in through the IdP's form as a browser without JavaScript would; returns the app's cookies. */
async function signIn(username: string, password: string): Promise<Map<string, string>> {
  const jar = new Map<string, string>();
  let url = new URL(`${base}/sso/login/keycloak?returnTo=/dashboard`);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const response = await jarFetch(jar, url, init);
    if (url.pathname === '/sso/oidc/callback') {
      expect(response.headers.get('location')).toBe('/dashboard');
      return jar;
    }
    const location = response.headers.get('location');
    init = {};
    if (location) {
      url = new URL(location, url);
      continue;
    }
    const html = await response.text();
    if (!html.includes('name="password"'))
      throw new Error(`No login form at ${url.href}: ${html.slice(0, 300)}`);
    const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    url = new URL(action ?? url.href, url);
    init = {
      method: 'POST',
      body: new URLSearchParams({ username, password }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
  }
  throw new Error('The login did not come back to the app in 20 hops.');
}

const get = (path: string, jar = new Map<string, string>()) =>
  jarFetch(jar, new URL(path, base), { headers: { accept: 'application/json' } });

describe('@ssokit/nest under Jest', () => {
  it('lists the connection and refuses the guarded page without a session (401)', async () => {
    const providers = await (await get('/sso/providers')).json();
    expect(providers).toEqual([expect.objectContaining({ id: 'keycloak', protocol: 'oidc' })]);
    const refused = await get('/dashboard');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'unauthenticated' });
  });

  it('signs Ada in with code + PKCE; @Roles("admins") lets her through', async () => {
    const jar = await signIn('ada', 'ada-demo-password');
    const page = await get('/dashboard', jar);
    expect(page.status).toBe(200);
    expect(await page.json()).toEqual({ page: 'dashboard' });
    const { session } = await (await get('/sso/session', jar)).json();
    expect(session).toMatchObject({ user: { username: 'ada' }, roles: ['admins'] });
  });

  it('signs Linus in; @Roles("admins") refuses a viewer (403)', async () => {
    const jar = await signIn('linus', 'linus-demo-password');
    const page = await get('/dashboard', jar);
    expect(page.status).toBe(403);
    expect(await page.json()).toMatchObject({ error: 'forbidden' });
  });
});
