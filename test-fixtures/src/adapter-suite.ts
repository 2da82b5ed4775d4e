/**
 * The scenarios every framework adapter must pass, as the storage testkit's are for stores: whole OIDC
 * and SAML logins over real HTTP, `requireAuth` with sessions, roles and bearer tokens, 413 and 405,
 * concurrent replays of one callback, a 400-group session in real cookies, paths that are not
 * ssokit's passing through, pages sending a signed-out browser to sign in, `optionalAuth`, and a
 * session store that fails. An adapter's test starts its framework's app on the contract below and
 * calls {@link runAdapterScenarios}; what only one framework has (body parsers, Nest's module modes)
 * stays in that adapter's own test.
 *
 * The contract of the app: ssokit mounted at `/sso` for an `sso` made with
 * `roles: { roleDefinitions: ADAPTER_ROLES }` (more roles may follow them) and
 * `onError: reportTo(app.errors)`, one OIDC connection with id `local-op` to `peers.op` with group sync
 * on and one SAML connection to `peers.idp` (both from ./connections.ts); `bearer`, a verifier for
 * `peers.tokens` (issuer TOKEN_ISSUER, audience TOKEN_AUDIENCE) matching roles as logins through
 * `local-op` do (`roles: sso.roleMatcher('local-op')`); `app.revokeSessions` calling
 * `sso.revokeSessions`; and
 * - `GET /me`: `requireAuth()`, answering the request's auth (`req.sso`, `ctx.state.sso`, ...) as JSON;
 * - `GET /admin`: `requireAuth({ roles: ['admins'] })`, answering 200 with any JSON;
 * - `GET /api`: `requireAuth({ bearer })`, answering `{ kind, user: auth.user.id, roles }`;
 * - `GET /orgs/:org/models`: `requirePermission('models', 'read', { organization: <the :org segment>,
 *   bearer })` (Nest: `@RequirePermission` with the module's `bearer`), answering
 *   `{ kind, user: auth.user.id, roles, organizations }`;
 * - `GET /custom-roles`: the same for `requirePermission('custom_roles', 'write', { bearer })`;
 * - `GET /installation`: the same for `requirePermission('installation', 'manage', { bearer })`;
 * - `/page`, any method: `requireAuth({ redirectTo })` with a function of the framework's request
 *   returning `/sso/login/` and the request's `idp` query parameter (default `local-op`), answering the
 *   request's auth as JSON (Nest: the module's `redirectTo`, which then applies to every guarded route);
 * - `GET /maybe`: `optionalAuth({ bearer })` (Nest: `@OptionalAuth()`), answering `{ auth: <the auth> }`;
 * - any other path outside `/sso`: the framework's own 404.
 *
 * The app's storage is a `memoryStorage()` whose session reads `app.failSessionReads` breaks (see
 * {@link failSessionReads}), and the framework's own error handling records what reaches it in
 * `app.failures` and answers 500 without the error's message (Express: an error-handling middleware;
 * Koa: `app.on('error')` and Koa's 500; Nest: a global filter extending `BaseExceptionFilter`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHttp, rememberCookies, setsSession } from './http.ts';
import { browserLogin, httpOidcLogin, startProvider, type TestOp } from './oidc-provider.ts';
import { pageScenarios, type SessionReadFailure } from './page-scenarios.ts';
import { permissionScenarios } from './permission-scenarios.ts';
import { httpSamlLogin, redirectBindingIdp } from './saml-idp.ts';
import { startTokenIssuer, type TokenIssuer } from './token-issuer.ts';

export { failSessionReads, type SessionReadFailure } from './page-scenarios.ts';
export { ADAPTER_ROLES } from './permission-scenarios.ts';

/** The IdPs an app under test talks to, started once per suite. */
export interface AdapterPeers {
  op: TestOp;
  idp: Awaited<ReturnType<typeof redirectBindingIdp>>;
  tokens: TokenIssuer;
}

/** An app started by the adapter's test, listening on 127.0.0.1. */
export interface AdapterApp {
  base: string;
  oidcId: string;
  samlId: string;
  /** What the app's `onError` received (see {@link reportTo}). */
  errors: ReportedError[];
  /** How many users the app's store holds. */
  userCount(): Promise<number>;
  /** Adds an app group (the 400-group scenario). */
  createGroup(name: string): Promise<unknown>;
  /** `sso.revokeSessions(filter)`: how many sessions ended. */
  revokeSessions(filter: { userId: string }): Promise<number>;
  /** What the framework's own error handling received (not ssokit's refusals). */
  failures: unknown[];
  /** Makes the store's session reads fail from now on (`undefined`: work again). */
  failSessionReads(failure: SessionReadFailure): void;
}

export interface AdapterSuiteOptions {
  /** The package under test, for the describe block: `@ssokit/express`. */
  name: string;
  /**
   * Starts an app on the contract above; `bodyLimit` goes to the adapter's router option, `routes` to
   * `createSso` (routes moved out of `/sso`, which the adapter must then serve too).
   */
  startApp(
    peers: AdapterPeers,
    options: { bodyLimit?: number; routes?: Record<string, string> },
  ): Promise<AdapterApp>;
  /**
   * Whether the framework reads request bodies before ssokit sees them (Nest, with `rawBody: true`):
   * then a client's aborted upload is the framework's to answer and never reaches ssokit. Default: false.
   */
  parsesBodiesFirst?: boolean;
  /** The signing algorithm of the bearer tokens. Default: ES256. */
  tokenAlg?: 'RS256' | 'ES256' | 'EdDSA';
}

/** One call of `SsoOptions.onError`, as the app under test saw it. */
export interface ReportedError {
  /** The `SsoError` code, or `undefined` for anything else. */
  code: string | undefined;
  status: number;
  method: string;
  path: string;
}

/** An `onError` hook that records each failure in `into`. */
export function reportTo(into: ReportedError[]) {
  return (error: unknown, { request, status }: { request: Request; status: number }): void => {
    const code = (error as { code?: unknown })?.code;
    into.push({
      code: typeof code === 'string' ? code : undefined,
      status,
      method: request.method,
      path: new URL(request.url).pathname,
    });
  };
}

/** GET `path` on `app` with the jar's cookies, never following redirects. */
export function getWithJar(
  app: { base: string },
  path: string,
  jar = new Map<string, string>(),
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${app.base}${path}`, {
    redirect: 'manual',
    headers: { cookie: jar.get(new URL(app.base).host) ?? '', ...headers },
  });
}

/** Routes moved out of `/sso`: W&B's redirect URI and sign-out, and an ACS of the host's choosing. */
export const MOVED_ROUTES = { oidcCallback: '/oidc/callback', samlAcs: '/saml/consume', logout: '/logout' };

/** Registers the shared scenarios in a `describe` block named after the adapter. */
export function runAdapterScenarios(options: AdapterSuiteOptions): void {
  const peers = {} as AdapterPeers;
  beforeAll(async () => {
    peers.idp = await redirectBindingIdp();
    // The OP accepts a loopback redirect URI on any port (RFC 8252 §7.3): one OP for every app.
    peers.op = await startProvider({ loopbackRedirects: true });
    peers.tokens = await startTokenIssuer(options.tokenAlg ?? 'ES256');
  }, 30_000);
  afterAll(async () => {
    peers.tokens?.close();
    await peers.op?.close();
  });
  const start = (bodyLimit?: number) => options.startApp(peers, bodyLimit ? { bodyLimit } : {});

  describe(`${options.name}: the adapter scenarios`, () => {
    it('a whole OIDC login, then requireAuth sees the session and its roles', async () => {
      const app = await start();
      const { jar, response } = await httpOidcLogin(app.base, app.oidcId);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/me');
      const me = await getWithJar(app, '/me', jar);
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({
        kind: 'session',
        user: { email: 'ada@example.com' },
        roles: ['admins'],
        session: { connectionId: app.oidcId },
      });
      // Ada is in the IdP group "admins", which is the role "admins".
      expect((await getWithJar(app, '/admin', jar)).status).toBe(200);
    });

    it('a whole SAML login (the ACS gets the raw POST); a missing role is 403 forbidden', async () => {
      const app = await start();
      const { jar, response } = await httpSamlLogin(app.base, app.samlId, peers.idp, {
        email: 'grace@example.com',
      });
      expect(response.status).toBe(303);
      expect(await (await getWithJar(app, '/me', jar)).json()).toMatchObject({
        kind: 'session',
        session: { connectionId: app.samlId },
      });
      const admin = await getWithJar(app, '/admin', jar);
      expect(admin.status).toBe(403);
      expect(await admin.json()).toMatchObject({ error: 'forbidden' });
    });

    it('requireAuth: 401 without a session; bearer tokens verified with roles; forged and foreign tokens refused', async () => {
      const app = await start();
      const anonymous = await getWithJar(app, '/me');
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: 'unauthenticated' });
      const token = await peers.tokens.mint({ sub: 'svc-1', groups: ['admins'] });
      const ok = await getWithJar(app, '/api', undefined, { authorization: `Bearer ${token}` });
      expect(await ok.json()).toEqual({ kind: 'bearer', user: 'svc-1', roles: ['admins'] });
      const forged = await getWithJar(app, '/api', undefined, {
        authorization: `Bearer ${token.slice(0, -4)}AAAA`,
      });
      expect(forged.status).toBe(401);
      expect(await forged.json()).toMatchObject({ error: 'access_token_invalid' });
      const foreign = await peers.tokens.mint({ sub: 'svc-3', aud: 'api://other' });
      const refused = await getWithJar(app, '/api', undefined, { authorization: `Bearer ${foreign}` });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: 'access_token_invalid' });
      // The host's onError hears of both refused tokens; a visitor with no credential is no failure.
      expect(app.errors).toEqual([
        { code: 'access_token_invalid', status: 401, method: 'GET', path: '/api' },
        { code: 'access_token_invalid', status: 401, method: 'GET', path: '/api' },
      ]);
    });

    it('odd request targets: an absolute-form URL is read on this site, a malformed one never shows a stack', async () => {
      const app = await start();
      const token = await peers.tokens.mint({ sub: 'svc-1', aud: 'api://other' });
      const absolute = await rawHttp(
        app.base,
        `GET http://evil.example/api HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nAuthorization: Bearer ${token}`,
      );
      expect(absolute?.status).toBe(401);
      expect(JSON.parse(absolute?.body ?? '')).toMatchObject({ error: 'access_token_invalid' });
      // reported with this site's path, never the host the request line named
      expect(app.errors).toEqual([
        { code: 'access_token_invalid', status: 401, method: 'GET', path: '/api' },
      ]);
      for (const target of ['http://[/me', '//[', '//[/sso/providers', 'http://[/sso/providers']) {
        const answer = await rawHttp(
          app.base,
          `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json`,
        );
        expect(answer?.status, target).toBeGreaterThanOrEqual(400);
        expect(answer?.body, target).not.toMatch(/TypeError|Invalid URL|\bat \S+ \(/);
      }
    });

    it('a client that goes away in the middle of its upload is a typed refusal, reported with its method', async () => {
      const app = await start();
      await rawHttp(
        app.base,
        'POST /sso/saml/acs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000',
        'SAMLResponse=abc',
        { abortAfterBody: true },
      );
      if (options.parsesBodiesFirst) {
        await new Promise((r) => setTimeout(r, 300));
        expect(app.errors).toEqual([]);
        return;
      }
      for (let i = 0; i < 100 && app.errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(app.errors).toEqual([
        { code: 'invalid_request', status: 400, method: 'POST', path: '/sso/saml/acs' },
      ]);
    });

    it('413 past bodyLimit, 405 with Allow, and other paths left to the host', async () => {
      const app = await start(1024);
      const big = await fetch(`${app.base}/sso/saml/acs`, {
        method: 'POST',
        body: new URLSearchParams({ SAMLResponse: 'x'.repeat(4096) }),
        headers: { accept: 'application/json' },
      });
      expect(big.status).toBe(413);
      expect(await big.json()).toMatchObject({ error: 'payload_too_large' });
      // refused by the adapter before sso.handle, and still reported to the host
      expect(app.errors).toContainEqual({
        code: 'payload_too_large',
        status: 413,
        method: 'POST',
        path: '/sso/saml/acs',
      });
      const get = await getWithJar(app, '/sso/saml/acs', undefined, { accept: 'application/json' });
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect((await getWithJar(app, '/elsewhere')).status).toBe(404);
    });

    it('concurrent replays of one callback make exactly one session and one user', async () => {
      const app = await start();
      const jar = new Map<string, string>();
      const login = new URL(`${app.base}/sso/login/${app.oidcId}`);
      const started = await fetch(login, { redirect: 'manual' });
      rememberCookies(jar, login, started);
      const callback = await browserLogin(
        new URL(started.headers.get('location') as string),
        new Map(),
        `${app.base}/sso/oidc/callback`,
      );
      const attempts = await Promise.all(
        Array.from({ length: 8 }, () =>
          getWithJar(app, `/sso/oidc/callback?${callback.params}`, jar, { accept: 'application/json' }),
        ),
      );
      expect(attempts.map((r) => r.status).sort()).toEqual([303, 400, 400, 400, 400, 400, 400, 400]);
      const sessions = attempts.filter(setsSession);
      expect(sessions).toHaveLength(1);
      expect(await app.userCount()).toBe(1);
    });

    it("routes moved out of /sso (W&B's /oidc/callback and /logout, another ACS) are served there and only there", async () => {
      const app = await options.startApp(peers, { routes: MOVED_ROUTES });
      const { jar, response } = await httpOidcLogin(app.base, app.oidcId, new Map(), '/me', '/oidc/callback');
      expect(response.status).toBe(303);
      expect((await getWithJar(app, '/me', jar)).status).toBe(200);
      // The SAML IdP posts where the SP metadata says: the moved ACS.
      const saml = await httpSamlLogin(app.base, app.samlId, peers.idp, { email: 'grace@example.com' });
      expect(saml.response.status).toBe(303);
      expect(await (await getWithJar(app, '/me', saml.jar)).json()).toMatchObject({
        session: { connectionId: app.samlId },
      });
      // Their old places under /sso are gone: ssokit's own 404, not a second redirect URI.
      for (const old of ['/sso/oidc/callback', '/sso/saml/acs', '/sso/logout'])
        expect((await getWithJar(app, old, jar)).status).toBe(404);
      const logout = await fetch(`${app.base}/logout`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie: jar.get(new URL(app.base).host) ?? '',
          origin: app.base,
          accept: 'application/json',
        },
      });
      expect(logout.status).toBe(200);
      expect(await logout.json()).toMatchObject({ loggedOut: true });
      rememberCookies(jar, new URL(app.base), logout);
      expect((await getWithJar(app, '/me', jar)).status).toBe(401);
    });

    permissionScenarios(peers, () => start());
    pageScenarios(peers, () => start());

    it('a user in 400 groups: a 10 KB session round-trips and the Cookie header stays under 8 KB', async () => {
      const app = await start();
      for (let i = 0; i < 400; i++)
        await app.createGroup(`team-${String(i).padStart(3, '0')}-machine-learning-platform`);
      peers.op.nextUser = 'lin';
      try {
        const { jar, response } = await httpOidcLogin(app.base, app.oidcId);
        expect(response.status).toBe(303);
        expect((jar.get(new URL(app.base).host) ?? '').length).toBeLessThan(8192);
        const me = (await (await getWithJar(app, '/me', jar)).json()) as { groups: string[] };
        expect(me.groups).toHaveLength(400);
        expect(JSON.stringify(me.groups).length).toBeGreaterThan(10_000);
      } finally {
        peers.op.nextUser = 'ada';
      }
    });
  });
}
