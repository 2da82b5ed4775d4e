/**
 * The Fastify recipe of docs/frameworks.md, tested as written: a plugin that serves ssokit's routes
 * with Fastify's body parsing off for them (so the SAML POST reaches ssokit as the IdP sent it), and
 * a `requireAuth` preHandler on `authenticate`. Whole OIDC and SAML logins against @ssokit/dev-idp,
 * a protected route, a page that sends a signed-out browser to sign in, and a sign-out.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DevIdp, startDevIdp } from '@ssokit/dev-idp';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { jarFetch } from 'ssokit-test-fixtures/http';
import { DEV_IDP_REALM_FILE, devIdpLogin, signInAndOut } from 'ssokit-test-fixtures/recipe-scenarios';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Sso } from '../src/index.ts';
import {
  authenticate,
  checkRequireAuthOptions,
  checkSignInTarget,
  type RequireAuthOptions,
  replyToError,
  type SignInTarget,
  type SsoAuth,
  signInRedirect,
  toWebRequest,
  toWebRequestHead,
  writeWebResponse,
} from '../src/node/index.ts';
import { testSso } from './helpers.ts';

// ---- The recipe (docs/frameworks.md, "Fastify") --------------------------------------------------

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request, set by `requireAuth()`. */
    sso: SsoAuth | null;
  }
}

/** ssokit's routes in a Fastify app: `app.register(ssokit(sso))`. */
function ssokit(sso: Sso) {
  return async function ssokit(scope: FastifyInstance) {
    // In this plugin's scope only: Fastify leaves the body unread, ssokit reads it raw.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const serve = async (request: FastifyRequest, reply: FastifyReply) => {
      let response: Response;
      try {
        const web = await toWebRequest(request.raw, sso.origin, request.url, { clientAddress: request.ip });
        response = await sso.handle(web);
      } catch (error) {
        // A body over its limit, an upload cut short: answered like ssokit's own refusals.
        const head = toWebRequestHead(request.raw, sso.origin, request.url);
        const { status, headers, body } = replyToError(sso, error, head);
        if (body.error === 'server_error') throw error; // anything else: Fastify's error handler
        return reply.code(status).headers(headers).send(body);
      }
      reply.hijack(); // every Set-Cookie header written as ssokit made it
      await writeWebResponse(reply.raw, response);
    };
    scope.all(`${sso.basePath}/*`, serve);
    for (const path of Object.values(sso.routes)) if (path) scope.all(path, serve);
  };
}

/** A preHandler that lets only signed-in requests through and sets `request.sso`. */
function requireAuth(
  sso: Sso,
  options: RequireAuthOptions & { redirectTo?: SignInTarget<FastifyRequest> } = {},
) {
  checkRequireAuthOptions(options);
  checkSignInTarget(options.redirectTo, 'requireAuth(options)');
  return async function requireAuth(request: FastifyRequest, reply: FastifyReply) {
    const head = toWebRequestHead(request.raw, sso.origin, request.url);
    try {
      request.sso = await authenticate(sso, head, options);
    } catch (error) {
      const { status, headers, body } = replyToError(sso, error, head);
      if (body.error === 'server_error') throw error;
      const location = signInRedirect(head, error, options.redirectTo, request);
      if (location)
        return reply.code(303).header('cache-control', 'no-store').header('location', location).send();
      return reply.code(status).headers(headers).send(body);
    }
  };
}

// ---- The test -------------------------------------------------------------------------------------

let app: FastifyInstance;
let idp: DevIdp;
let base = '';
const server = createServer();

beforeAll(async () => {
  // The port first: the Sso's baseUrl and the IdP's redirect URIs name it.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  idp = await startDevIdp({ realmFile: DEV_IDP_REALM_FILE, env: { SSOKIT_APP_URL: base } });
  const { sso, storage } = testSso(base, {
    roles: { roleDefinitions: [{ name: 'admins', grantedBy: ['*'] }] },
  });
  await storage.connections.create(
    oidcConnection(idp.issuer, { id: 'dev-idp', provider: 'keycloak' }, { clientId: 'ssokit-pkce' }),
  );
  await storage.connections.create(
    samlConnection({ url: idp.samlMetadataUrl }, `${base}/sso/saml/metadata/keycloak-saml`, {
      id: 'keycloak-saml',
      provider: 'keycloak',
    }),
  );
  await storage.groups.create({ name: 'admins' });

  app = Fastify({ serverFactory: (handler) => server.on('request', handler) });
  app.decorateRequest('sso', null);
  await app.register(ssokit(sso));
  app.get('/me', { preHandler: requireAuth(sso) }, async (request) => request.sso);
  app.get('/admin', { preHandler: requireAuth(sso, { roles: ['admins'] }) }, async (request) => ({
    hello: request.sso?.user.email,
  }));
  app.get(
    '/reports',
    { preHandler: requireAuth(sso, { redirectTo: '/sso/login/dev-idp' }) },
    async (request) => ({
      email: request.sso?.user.email,
    }),
  );
  app.post('/echo', async (request) => request.body); // the host's own JSON parsing, outside the plugin
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  server.close();
  await idp?.close();
});

it('Fastify: a whole OIDC login against dev-idp, the protected route, and a sign-out', async () => {
  await signInAndOut({
    base,
    protectedPath: '/me',
    signedOut: { status: 401 },
    loginPath: '/sso/login/dev-idp',
  });
});

it('Fastify: a signed-out browser is sent to sign in from a page; the SAML POST reaches the ACS raw', async () => {
  const reports = await jarFetch(new Map(), new URL(`${base}/reports?month=5`), {
    headers: { accept: 'text/html' },
  });
  expect(reports.status).toBe(303);
  expect(reports.headers.get('location')).toBe('/sso/login/dev-idp?returnTo=%2Freports%3Fmonth%3D5');
  const saml = new URL(`${base}/sso/login/keycloak-saml?returnTo=/me`);
  const { response, jar } = await devIdpLogin(saml, 'grace');
  expect(response.status, await response.clone().text()).toBe(303);
  const me = await jarFetch(jar, new URL(`${base}/me`));
  expect(await me.json()).toMatchObject({ kind: 'session', user: { email: 'grace@example.com' } });
  const admin = await jarFetch(jar, new URL(`${base}/admin`));
  expect(admin.status).toBe(403);
  expect(await admin.json()).toMatchObject({ error: 'forbidden' });
  // Outside the plugin, Fastify parses bodies as before.
  const echo = await fetch(`${base}/echo`, {
    method: 'POST',
    body: JSON.stringify({ a: 1 }),
    headers: { 'content-type': 'application/json' },
  });
  expect(await echo.json()).toEqual({ a: 1 });
});

it('Fastify: a body over the limit is refused by the plugin as ssokit refuses, not by Fastify', async () => {
  const big = await fetch(`${base}/sso/saml/acs`, {
    method: 'POST',
    body: new URLSearchParams({ SAMLResponse: 'x'.repeat(2 * 1024 * 1024) }),
    headers: { accept: 'application/json' },
  });
  expect(big.status).toBe(413);
  expect(await big.json()).toMatchObject({ error: 'payload_too_large' });
});

it('Fastify: a wrong redirectTo or bearer is a TypeError when the route is declared, not a 500 later', () => {
  const { sso } = testSso('http://127.0.0.1:3000');
  expect(() => requireAuth(sso, { redirectTo: 'javascript:alert(1)' })).toThrow(TypeError);
  expect(() => requireAuth(sso, { bearer: {} as never })).toThrow(TypeError);
  expect(() => requireAuth(sso, { redirectTo: '/sso/login/okta' })).not.toThrow();
});
