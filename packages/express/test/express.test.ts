/**
 * @ssokit/express in a real Express 5 app on 127.0.0.1: whole OIDC logins against oidc-provider and
 * SAML logins against a samlify IdP over HTTP, requireAuth with sessions and bearer tokens, the raw
 * body for SAML, concurrent replays of one callback, and a 400-group session through real cookies.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AccessTokenVerifier, createAccessTokenVerifier } from '@ssokit/oidc';
import { createSso, type Sso } from '@ssokit/server';
import { memoryStorage, type SsoStorage } from '@ssokit/storage';
import { memoryRawReader } from '@ssokit/storage/testkit';
import express from 'express';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import {
  browserLogin,
  httpOidcLogin,
  rememberCookies,
  startProvider,
  type TestOp,
} from 'ssokit-test-fixtures/oidc-provider';
import { httpSamlLogin, redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { startTokenIssuer, TOKEN_AUDIENCE, TOKEN_ISSUER } from 'ssokit-test-fixtures/token-issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireAuth, ssoRouter } from '../src/index.ts';

interface App {
  base: string;
  sso: Sso;
  storage: SsoStorage;
  oidcId: string;
  samlId: string;
  server: Server;
}

let op: TestOp;
let idp: Awaited<ReturnType<typeof redirectBindingIdp>>;
let bearer: {
  verifier: AccessTokenVerifier;
  mint: (claims: Record<string, unknown>) => Promise<string>;
  close: () => void;
};
const apps: App[] = [];

/** An Express app with ssokit, listening on a free port; `configure` adds the host's own middleware. */
async function startApp(configure: (app: express.Express, sso: Sso) => void = defaultRoutes): Promise<App> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storage = memoryStorage();
  const sso = createSso({
    baseUrl: base,
    storage,
    secret: 'test-secret-with-at-least-32-characters!',
    roles: { roleDefinitions: [{ name: 'admins' }, { name: 'viewers' }] },
  });
  const oidc = await storage.connections.create(
    oidcConnection(op.issuer, { groupSync: { enabled: true, removeRevoked: true } }),
  );
  const saml = await storage.connections.create(
    samlConnection(idp.getMetadata(), `${base}/sso/saml/metadata/local`),
  );
  const app = express();
  configure(app, sso);
  server.on('request', app);
  const started = { base, sso, storage, oidcId: oidc.id, samlId: saml.id, server };
  apps.push(started);
  return started;
}

function defaultRoutes(app: express.Express, sso: Sso): void {
  app.use(ssoRouter(sso));
  app.use(express.urlencoded({ extended: false })); // the host's own parser, after ssokit
  app.get('/health', (_req, res) => res.send('ok'));
  app.get('/me', requireAuth(), (req, res) => res.json(req.sso));
  app.get('/admin', requireAuth({ roles: ['admins'] }), (req, res) =>
    res.json({ hello: req.sso?.user.email }),
  );
  app.get('/api/models', requireAuth({ bearer: bearer.verifier }), (req, res) =>
    res.json({ kind: req.sso?.kind, user: req.sso?.user.id, roles: req.sso?.roles }),
  );
  app.post('/echo', (req, res) => res.json(req.body));
}

beforeAll(async () => {
  idp = await redirectBindingIdp();
  // The OP must know each app's callback before the app exists: reserve the ports by starting the
  // OP with a redirect URI pattern it accepts for any loopback port (native clients, RFC 8252 §7.3).
  op = await startProvider({ loopbackRedirects: true });
  // An API gateway's IdP for bearer tokens.
  const tokens = await startTokenIssuer('ES256');
  bearer = {
    verifier: createAccessTokenVerifier({
      jwksUri: tokens.jwksUri,
      issuer: TOKEN_ISSUER,
      audience: [TOKEN_AUDIENCE],
      roles: { roleDefinitions: [{ name: 'admins' }] },
    }),
    mint: tokens.mint,
    close: tokens.close,
  };
}, 30_000);

afterAll(async () => {
  for (const app of apps) app.server.close();
  bearer.close();
  await op.close();
});

const get = (app: App, path: string, jar: Map<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${app.base}${path}`, {
    redirect: 'manual',
    headers: { cookie: jar.get(new URL(app.base).host) ?? '', ...headers },
  });

describe('@ssokit/express', () => {
  it('a whole OIDC login through the app, then requireAuth sees the session', async () => {
    const app = await startApp();
    const { jar, response } = await httpOidcLogin(app.base, app.oidcId);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/me');
    const me = await get(app, '/me', jar);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      kind: 'session',
      user: { email: 'ada@example.com' },
      session: { connectionId: app.oidcId },
    });
    // Ada is in the IdP group "admins", which is the role "admins".
    expect(await (await get(app, '/admin', jar)).json()).toEqual({ hello: 'ada@example.com' });
    expect((await get(app, '/health', new Map())).status).toBe(200);
  });

  it('a whole SAML login: the ACS gets the raw POST even with the host parsing forms after ssokit', async () => {
    const app = await startApp();
    const { jar, response } = await httpSamlLogin(app.base, app.samlId, idp, { email: 'grace@example.com' });
    expect(response.status).toBe(303);
    const me = await get(app, '/me', jar);
    expect(await me.json()).toMatchObject({ kind: 'session', session: { connectionId: app.samlId } });
    // Grace has no roles: the admin page is forbidden.
    const admin = await get(app, '/admin', jar);
    expect(admin.status).toBe(403);
    expect(await admin.json()).toMatchObject({ error: 'forbidden' });
    // The host's parser still works for its own routes.
    const echo = await fetch(`${app.base}/echo`, { method: 'POST', body: new URLSearchParams({ a: '1' }) });
    expect(await echo.json()).toEqual({ a: '1' });
  });

  it('takes the raw bytes a body parser kept, and refuses clearly when none were kept', async () => {
    const kept = await startApp((app, sso) => {
      app.use(
        express.urlencoded({
          extended: false,
          verify: (req, _res, buffer) => {
            (req as unknown as { rawBody: Buffer }).rawBody = buffer;
          },
        }),
      );
      app.use(ssoRouter(sso));
    });
    expect(
      (await httpSamlLogin(kept.base, kept.samlId, idp, { email: 'grace@example.com' })).response.status,
    ).toBe(303);
    const lost = await startApp((app, sso) => {
      app.use(express.urlencoded({ extended: false }));
      app.use(ssoRouter(sso));
    });
    const { response } = await httpSamlLogin(lost.base, lost.samlId, idp, { email: 'grace@example.com' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'invalid_request',
      message: expect.stringMatching(/Mount ssokit before the body parser/),
    });
    expect(await memoryRawReader(lost.storage).userCount()).toBe(0);
  });

  it('answers 413 past bodyLimit and 405 with Allow for a method a route does not take', async () => {
    const app = await startApp((app, sso) => {
      app.use(ssoRouter(sso, { bodyLimit: 1024 }));
    });
    const big = await fetch(`${app.base}/sso/saml/acs`, {
      method: 'POST',
      body: new URLSearchParams({ SAMLResponse: 'x'.repeat(4096) }),
      headers: { accept: 'application/json' },
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: 'payload_too_large' });
    const get = await fetch(`${app.base}/sso/saml/acs`, { headers: { accept: 'application/json' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('requireAuth: 401 without a session, bearer tokens verified with roles, bad tokens refused', async () => {
    const app = await startApp();
    const anonymous = await get(app, '/me', new Map(), { accept: 'application/json' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'unauthenticated' });
    const token = await bearer.mint({ sub: 'svc-1', groups: ['admins'] });
    const ok = await get(app, '/api/models', new Map(), { authorization: `Bearer ${token}` });
    expect(await ok.json()).toEqual({ kind: 'bearer', user: 'svc-1', roles: ['admins'] });
    const forged = await get(app, '/api/models', new Map(), {
      authorization: `Bearer ${token.slice(0, -4)}AAAA`,
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: 'access_token_invalid' });
    // A route without `bearer` does not accept tokens.
    expect((await get(app, '/me', new Map(), { authorization: `Bearer ${token}` })).status).toBe(401);
    expect(() => requireAuth({ roles: 'admins' as never })).toThrow(TypeError);
  });

  it('concurrent replays of one callback make exactly one session', async () => {
    const app = await startApp();
    const jar = new Map<string, string>();
    const start = new URL(`${app.base}/sso/login/${app.oidcId}`);
    const login = await fetch(start, { redirect: 'manual' });
    rememberCookies(jar, start, login);
    const callback = await browserLogin(
      new URL(login.headers.get('location') as string),
      new Map(),
      `${app.base}/sso/oidc/callback`,
    );
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () =>
        get(app, `/sso/oidc/callback?${callback.params}`, jar, { accept: 'application/json' }),
      ),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses).toEqual([303, 400, 400, 400, 400, 400, 400, 400]);
    const sessions = attempts.filter((r) =>
      r.headers
        .getSetCookie()
        .some((c) => c.startsWith('sso_session.0=') && !c.startsWith('sso_session.0=;')),
    );
    expect(sessions).toHaveLength(1);
    expect(await memoryRawReader(app.storage).userCount()).toBe(1);
  });

  it('a user in 400 groups: a 10 KB session round-trips and the Cookie header stays under 8 KB', async () => {
    const app = await startApp();
    const names = Array.from(
      { length: 400 },
      (_, i) => `team-${String(i).padStart(3, '0')}-machine-learning-platform`,
    );
    for (const name of names) await app.storage.groups.create({ name });
    op.nextUser = 'lin';
    try {
      const { jar, response } = await httpOidcLogin(app.base, app.oidcId);
      expect(response.status).toBe(303);
      const cookieHeader = jar.get(new URL(app.base).host) ?? '';
      expect(cookieHeader.length).toBeLessThan(8192);
      const me = (await (await get(app, '/me', jar)).json()) as { groups: string[] };
      expect(me.groups).toHaveLength(400);
      expect(JSON.stringify(me.groups).length).toBeGreaterThan(10_000);
    } finally {
      op.nextUser = 'ada';
    }
  });
});
