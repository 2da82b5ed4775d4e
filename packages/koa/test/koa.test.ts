/**
 * @ssokit/koa in a real Koa 3 app on 127.0.0.1: whole OIDC logins against oidc-provider and SAML
 * logins against a samlify IdP over HTTP, requireAuth on ctx.state with sessions and bearer tokens,
 * and the raw body kept by @koa/bodyparser.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import { createAccessTokenVerifier } from '@ssokit/oidc';
import { createSso, type Sso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import Koa, { type Middleware } from 'koa';
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
import { requireAuth, ssoRouter } from '../src/index.ts';

let op: TestOp;
let idp: Awaited<ReturnType<typeof redirectBindingIdp>>;
let tokens: TokenIssuer;
const servers: Server[] = [];

beforeAll(async () => {
  idp = await redirectBindingIdp();
  op = await startProvider({ loopbackRedirects: true });
  tokens = await startTokenIssuer('EdDSA');
}, 30_000);

afterAll(async () => {
  for (const server of servers) server.close();
  tokens.close();
  await op.close();
});

/** Runs `middleware` only for `path`, ending with `handler`. */
const at =
  (path: string, middleware: Middleware, handler: Middleware): Middleware =>
  async (ctx, next) => {
    if (ctx.path !== path) return next();
    await middleware(ctx, () => handler(ctx, next));
  };

async function startApp(parserFirst = false) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
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
  const app = new Koa();
  if (parserFirst) app.use(bodyParser({ enableTypes: ['form', 'json'] }));
  app.use(ssoRouter(sso));
  if (!parserFirst) app.use(bodyParser());
  const bearer = createAccessTokenVerifier({
    jwksUri: tokens.jwksUri,
    issuer: TOKEN_ISSUER,
    audience: [TOKEN_AUDIENCE],
    roles: { roleDefinitions: [{ name: 'admins' }] },
  });
  app.use(
    at('/me', requireAuth(), (ctx) => {
      ctx.body = ctx.state.sso;
    }),
  );
  app.use(
    at('/admin', requireAuth({ roles: ['admins'] }), (ctx) => {
      ctx.body = { ok: true };
    }),
  );
  app.use(
    at('/api', requireAuth({ bearer }), (ctx) => {
      ctx.body = { user: ctx.state.sso?.user.id, roles: ctx.state.sso?.roles };
    }),
  );
  server.on('request', app.callback());
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

describe('@ssokit/koa', () => {
  it('a whole OIDC login, then requireAuth puts the session on ctx.state', async () => {
    const app = await startApp();
    const { jar, response } = await httpOidcLogin(app.base, app.oidcId);
    expect(response.status).toBe(303);
    expect(
      response.headers.getSetCookie().filter((c) => c.startsWith('sso_session.')).length,
    ).toBeGreaterThan(0);
    const me = await get(app.base, '/me', jar);
    expect(await me.json()).toMatchObject({
      kind: 'session',
      user: { email: 'ada@example.com' },
      roles: ['admins'],
    });
    expect((await get(app.base, '/admin', jar)).status).toBe(200);
  });

  it('a whole SAML login, with the body parser after ssokit and with it before (rawBody kept)', async () => {
    for (const parserFirst of [false, true]) {
      const app = await startApp(parserFirst);
      const { jar, response } = await httpSamlLogin(app.base, app.samlId, idp, {
        email: 'grace@example.com',
      });
      expect(response.status, `parser first: ${parserFirst}`).toBe(303);
      expect(await (await get(app.base, '/me', jar)).json()).toMatchObject({
        session: { connectionId: app.samlId },
      });
      const admin = await get(app.base, '/admin', jar);
      expect(admin.status).toBe(403);
      expect(await admin.json()).toMatchObject({ error: 'forbidden' });
    }
  });

  it('requireAuth: 401 without a session, bearer tokens with roles, forged tokens refused', async () => {
    const app = await startApp();
    const anonymous = await get(app.base, '/me');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'unauthenticated' });
    const token = await tokens.mint({ sub: 'svc-2', groups: ['admins'] });
    expect(
      await (await get(app.base, '/api', undefined, { authorization: `Bearer ${token}` })).json(),
    ).toEqual({
      user: 'svc-2',
      roles: ['admins'],
    });
    const other = await tokens.mint({ sub: 'svc-3', aud: 'api://other' });
    const refused = await get(app.base, '/api', undefined, { authorization: `Bearer ${other}` });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'access_token_invalid' });
    // Paths outside /sso pass through untouched.
    expect((await get(app.base, '/elsewhere')).status).toBe(404);
  });
});
