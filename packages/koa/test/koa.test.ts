/**
 * @ssokit/koa in a real Koa 3 app on 127.0.0.1: the shared adapter scenarios (whole OIDC and SAML
 * logins, requireAuth on ctx.state, 413/405, concurrent replays, a 400-group session), then what is
 * Koa's own: the raw body kept by @koa/bodyparser when it runs before ssokit.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import { createAccessTokenVerifier } from '@ssokit/oidc';
import { createSso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import { memoryRawReader } from '@ssokit/storage/testkit';
import Koa, { type Middleware } from 'koa';
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
import { optionalAuth, requireAuth, requirePermission, ssoRouter } from '../src/index.ts';

const closers: (() => void)[] = [];
afterAll(() => {
  for (const close of closers) close();
});

/** Runs `middleware` only for `path` (or the paths it matches), ending with `handler`. */
const at =
  (path: string | RegExp, middleware: Middleware, handler: Middleware): Middleware =>
  async (ctx, next) => {
    if (typeof path === 'string' ? ctx.path !== path : !path.test(ctx.path)) return next();
    await middleware(ctx, () => handler(ctx, next));
  };

/** A Koa app on the adapter-suite contract; `parserFirst` puts @koa/bodyparser before ssokit. */
async function startApp(
  peers: Pick<AdapterPeers, 'idp' | 'tokens'> & { op?: AdapterPeers['op'] },
  options: { parserFirst?: boolean; bodyLimit?: number; routes?: Record<string, string> } = {},
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
    ...(options.routes ? { routes: options.routes } : {}),
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
  const app = new Koa();
  if (options.parserFirst) app.use(bodyParser({ enableTypes: ['form', 'json'] }));
  app.use(ssoRouter(sso, options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}));
  if (!options.parserFirst) app.use(bodyParser());
  const bearer = createAccessTokenVerifier({
    jwksUri: peers.tokens.jwksUri,
    issuer: TOKEN_ISSUER,
    audience: [TOKEN_AUDIENCE],
    roles: sso.roleMatcher('local-op'),
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
      ctx.body = { kind: ctx.state.sso?.kind, user: ctx.state.sso?.user.id, roles: ctx.state.sso?.roles };
    }),
  );
  const answer: Middleware = (ctx) => {
    const auth = ctx.state.sso;
    ctx.body = {
      kind: auth?.kind,
      user: auth?.user.id,
      roles: auth?.roles,
      organizations: auth?.organizations,
    };
  };
  const models = /^\/orgs\/([^/]+)\/models$/;
  const organization = (ctx: Koa.Context) => models.exec(ctx.path)?.[1];
  app.use(at(models, requirePermission('models', 'read', { organization, bearer }), answer));
  app.use(at('/custom-roles', requirePermission('custom_roles', 'write', { bearer }), answer));
  app.use(at('/installation', requirePermission('installation', 'manage', { bearer }), answer));
  const signIn = (ctx: Koa.Context) => `/sso/login/${ctx.query.idp ?? 'local-op'}`;
  app.use(
    at('/page', requireAuth({ redirectTo: signIn }), (ctx) => {
      ctx.body = ctx.state.sso;
    }),
  );
  app.use(
    at('/maybe', optionalAuth({ bearer }), (ctx) => {
      ctx.body = { auth: ctx.state.sso };
    }),
  );
  // Koa's own error handling: the 'error' event, and its 500 without the message.
  app.on('error', (error) => failures.push(error));
  server.on('request', app.callback());
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
  name: '@ssokit/koa',
  tokenAlg: 'EdDSA',
  startApp: (peers, { bodyLimit, routes }) =>
    startApp(peers, { ...(bodyLimit ? { bodyLimit } : {}), ...(routes ? { routes } : {}) }),
});

describe('@ssokit/koa: its own', () => {
  let idp: AdapterPeers['idp'];
  let tokens: AdapterPeers['tokens'];
  beforeAll(async () => {
    idp = await redirectBindingIdp();
    tokens = await startTokenIssuer('EdDSA');
    closers.push(() => tokens.close());
  });

  it('a whole SAML login with @koa/bodyparser before ssokit (its rawBody kept)', async () => {
    const app = await startApp({ idp, tokens }, { parserFirst: true });
    const { jar, response } = await httpSamlLogin(app.base, app.samlId, idp, { email: 'grace@example.com' });
    expect(response.status).toBe(303);
    expect(await (await getWithJar(app, '/me', jar)).json()).toMatchObject({
      session: { connectionId: app.samlId },
    });
  });

  it('options are checked when the middleware is made', () => {
    expect(() => requireAuth({ roles: 'admins' as never })).toThrow(TypeError);
    expect(() => ssoRouter({} as never)).toThrow(TypeError);
    expect(() => requireAuth({ redirectTo: 'login' })).toThrow(/"redirectTo" must be a path on this site/);
    expect(() => requirePermission('models', 'read', { redirectTo: '//evil.example' })).toThrow(
      /requirePermission\(options\): "redirectTo"/,
    );
    expect(() => optionalAuth({ bearer: {} as never })).toThrow(/"bearer"/);
  });
});
