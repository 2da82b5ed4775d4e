/**
 * @ssokit/express in a real Express 5 app on 127.0.0.1: the shared adapter scenarios (whole OIDC and
 * SAML logins, requireAuth, 413/405, concurrent replays, a 400-group session), then what is Express's
 * own: the raw body when the host parses forms before or after ssokit, and option checks.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRestoreMode } from '@ssokit/config';
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
  type ReportedError,
  reportTo,
  runAdapterScenarios,
} from 'ssokit-test-fixtures/adapter-suite';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { httpSamlLogin, redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { startTokenIssuer, TOKEN_AUDIENCE, TOKEN_ISSUER } from 'ssokit-test-fixtures/token-issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  optionalAuth,
  requireAuth,
  requirePermission,
  type SsoRouterOptions,
  ssoRouter,
} from '../src/index.ts';

const closers: (() => void)[] = [];
afterAll(() => {
  for (const close of closers) close();
});

/**
 * An Express app with ssokit on the adapter-suite contract, listening on a free port; `configure`
 * mounts ssokit and the host's own middleware (default: ssokit, then the host's form parser).
 */
async function startApp(
  peers: Pick<AdapterPeers, 'idp' | 'tokens'> & { op?: AdapterPeers['op'] },
  configure: (app: express.Express, sso: Sso) => void = (app, sso) => {
    app.use(ssoRouter(sso));
    app.use(express.urlencoded({ extended: false })); // the host's own parser, after ssokit
  },
  routes?: Record<string, string>,
) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storage = memoryStorage();
  const failSessions = failSessionReads(storage);
  const errors: ReportedError[] = [];
  const failures: unknown[] = [];
  const sso = createSso({
    baseUrl: base,
    storage,
    secret: 'test-secret-with-at-least-32-characters!',
    onError: reportTo(errors),
    ...(routes ? { routes } : {}),
    // Only the OIDC connection may grant roles: its IdP's group "admins" is the role "admins".
    roles: { roleDefinitions: [...ADAPTER_ROLES, { name: 'viewers', grantedBy: ['local-op'] }] },
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
  const bearer = createAccessTokenVerifier({
    jwksUri: peers.tokens.jwksUri,
    issuer: TOKEN_ISSUER,
    audience: [TOKEN_AUDIENCE],
    roles: sso.roleMatcher('local-op'),
  });
  const app = express();
  configure(app, sso);
  app.get('/me', requireAuth(), (req, res) => res.json(req.sso));
  app.get('/admin', requireAuth({ roles: ['admins'] }), (req, res) =>
    res.json({ hello: req.sso?.user.email }),
  );
  app.get('/api', requireAuth({ bearer }), (req, res) =>
    res.json({ kind: req.sso?.kind, user: req.sso?.user.id, roles: req.sso?.roles }),
  );
  const answer = (req: express.Request, res: express.Response) =>
    res.json({
      kind: req.sso?.kind,
      user: req.sso?.user.id,
      roles: req.sso?.roles,
      organizations: req.sso?.organizations,
    });
  const organization = (req: express.Request) => req.params.org as string | undefined;
  app.get('/orgs/:org/models', requirePermission('models', 'read', { organization, bearer }), answer);
  app.get('/custom-roles', requirePermission('custom_roles', 'write', { bearer }), answer);
  app.get('/installation', requirePermission('installation', 'manage', { bearer }), answer);
  const signIn = (req: express.Request) => `/sso/login/${req.query.idp ?? 'local-op'}`;
  app.all('/page', requireAuth({ redirectTo: signIn }), (req, res) => res.json(req.sso));
  app.get('/maybe', optionalAuth({ bearer }), (req, res) => res.json({ auth: req.sso }));
  app.post('/echo', (req, res) => res.json(req.body));
  // The host's error handler: what ssokit could not answer itself comes here.
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    failures.push(error);
    res.status(500).json({ error: 'app_error' });
  });
  server.on('request', app);
  return {
    base,
    oidcId: oidc?.id ?? '',
    samlId: saml.id,
    errors,
    userCount: () => memoryRawReader(storage).userCount(),
    createGroup: (name: string) => storage.groups.create({ name }),
    revokeSessions: (filter: { userId: string }) => sso.revokeSessions(filter),
    failures,
    failSessionReads: failSessions,
  };
}

runAdapterScenarios({
  name: '@ssokit/express',
  startApp: (peers, { bodyLimit, routes }) =>
    startApp(
      peers,
      (app, sso) => {
        app.use(ssoRouter(sso, bodyLimit ? ({ bodyLimit } satisfies SsoRouterOptions) : {}));
        app.use(express.urlencoded({ extended: false }));
      },
      routes,
    ),
});

describe('@ssokit/express: its own', () => {
  let idp: AdapterPeers['idp'];
  let tokens: AdapterPeers['tokens'];
  beforeAll(async () => {
    idp = await redirectBindingIdp();
    tokens = await startTokenIssuer('ES256');
    closers.push(() => tokens.close());
  });

  it("the host's parser after ssokit still parses its own routes", async () => {
    const app = await startApp({ idp, tokens });
    const { response } = await httpSamlLogin(app.base, app.samlId, idp, { email: 'grace@example.com' });
    expect(response.status).toBe(303);
    const echo = await fetch(`${app.base}/echo`, { method: 'POST', body: new URLSearchParams({ a: '1' }) });
    expect(await echo.json()).toEqual({ a: '1' });
  });

  it('takes the raw bytes a body parser kept, and refuses clearly when none were kept', async () => {
    const kept = await startApp({ idp, tokens }, (app, sso) => {
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
    const lost = await startApp({ idp, tokens }, (app, sso) => {
      app.use(express.urlencoded({ extended: false }));
      app.use(ssoRouter(sso));
    });
    const { response } = await httpSamlLogin(lost.base, lost.samlId, idp, { email: 'grace@example.com' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'invalid_request',
      message: expect.stringMatching(/Mount ssokit before the body parser/),
    });
    expect(await lost.userCount()).toBe(0);
  });

  it("limits wrong restore passwords per socket address: another client's guesses never lock the admin out", async () => {
    const restore = startRestoreMode({ restoreTtlMs: 60_000 });
    const server = createServer(
      express().use(
        ssoRouter(
          createSso({
            baseUrl: 'http://127.0.0.1',
            storage: memoryStorage(),
            secret: 'test-secret-with-at-least-32-characters!',
            restore,
          }),
        ),
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const { port } = server.address() as AddressInfo;
    // Two clients on two loopback addresses, as two machines would be.
    const post = (from: string, password: string) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ password });
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            localAddress: from,
            method: 'POST',
            path: '/sso/restore',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    const attacker = [];
    for (let i = 0; i < 8; i++) attacker.push(await post('127.0.0.2', `wrong-${i}`));
    expect(attacker.filter((status) => status === 429)).toHaveLength(3);
    expect(await post('127.0.0.2', restore.password)).toBe(429);
    expect(await post('127.0.0.3', restore.password)).toBe(200);
  });

  it('a route without `bearer` does not accept tokens; options are checked when the middleware is made', async () => {
    const app = await startApp({ idp, tokens });
    const token = await tokens.mint({ sub: 'svc-1', groups: ['admins'] });
    expect((await getWithJar(app, '/me', undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
    expect(() => requireAuth({ roles: 'admins' as never })).toThrow(TypeError);
    expect(() => ssoRouter({} as never)).toThrow(TypeError);
    expect(() => requirePermission('', 'read')).toThrow(/"resource"/);
    expect(() => requirePermission('models', undefined as never)).toThrow(/"action"/);
    expect(() => requirePermission('models', 'read', { organization: 'org-1' as never })).toThrow(
      /"organization" must be a function/,
    );
    expect(() => requirePermission('models', 'read', { bearer: {} as never })).toThrow(/"bearer"/);
    for (const redirectTo of ['login', '//evil.example/login', 'javascript:alert(1)', 5])
      expect(() => requireAuth({ redirectTo: redirectTo as never }), String(redirectTo)).toThrow(
        /requireAuth\(options\): "redirectTo" must be a path on this site/,
      );
    expect(() => requirePermission('models', 'read', { redirectTo: 'login' })).toThrow(
      /requirePermission\(options\): "redirectTo"/,
    );
    expect(() => optionalAuth({ bearer: {} as never })).toThrow(/"bearer"/);
  });

  it('redirectTo: a path keeps its own query, a URL stays absolute, a function returning no URL is a host error', async () => {
    const app = await startApp({ idp, tokens }, (app, sso) => {
      app.use(ssoRouter(sso));
      app.get('/a', requireAuth({ redirectTo: '/login?lang=en#form' }), (_req, res) => res.end());
      app.get('/b', requireAuth({ redirectTo: 'https://portal.example.com/sign-in' }), (_req, res) =>
        res.end(),
      );
      app.get('/c', requireAuth({ redirectTo: () => 'login' }), (_req, res) => res.end());
    });
    const page = { accept: 'text/html' };
    const a = await getWithJar(app, '/a?x=1', undefined, page);
    expect([a.status, a.headers.get('location')]).toEqual([303, '/login?lang=en&returnTo=%2Fa%3Fx%3D1#form']);
    const b = await getWithJar(app, '/b', undefined, page);
    expect(b.headers.get('location')).toBe('https://portal.example.com/sign-in?returnTo=%2Fb');
    const c = await getWithJar(app, '/c', undefined, page);
    expect(c.status).toBe(500);
    expect(app.failures).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/what "redirectTo" returned must be a path/),
      }),
    ]);
  });
});
