/**
 * The recipe of docs/frameworks.md for Web-standard frameworks, tested with Hono on @hono/node-server:
 * `sso.handle(c.req.raw)` is the whole integration. A whole OIDC login against oidc-provider and a SAML
 * login against a samlify IdP over HTTP.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { httpOidcLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { httpSamlLogin, redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

let op: TestOp;
let close = () => {};
beforeAll(async () => {
  op = await startProvider({ loopbackRedirects: true });
});
afterAll(async () => {
  close();
  await op.close();
});

it('Hono: sso.handle(c.req.raw) serves whole OIDC and SAML logins, and the session guards a route', async () => {
  const idp = await redirectBindingIdp();
  const app = new Hono();
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  close = () => server.close();
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // With the routes an IdP already knows moved out of /sso (W&B's callback; an ACS of the host's).
  const { sso, storage } = testSso(base, {
    routes: { oidcCallback: '/oidc/callback', samlAcs: '/saml/consume' },
  });

  // The recipe:
  app.all('/sso/*', (c) => sso.handle(c.req.raw));
  for (const path of Object.values(sso.routes)) app.all(path, (c) => sso.handle(c.req.raw));
  app.get('/me', async (c) => {
    const session = await sso.getSession(c.req.raw);
    return session ? c.json(session) : c.json({ error: 'unauthenticated' }, 401);
  });

  const oidc = await storage.connections.create(oidcConnection(op.issuer));
  const saml = await storage.connections.create(
    samlConnection(idp.getMetadata(), `${base}/sso/saml/metadata/local`),
  );
  const host = new URL(base).host;
  for (const login of [
    () => httpOidcLogin(base, oidc.id, new Map(), '/me', '/oidc/callback'),
    () => httpSamlLogin(base, saml.id, idp, { email: 'grace@example.com' }),
  ]) {
    const { jar, response } = await login();
    expect(response.status).toBe(303);
    const me = await fetch(`${base}/me`, { headers: { cookie: jar.get(host) ?? '' } });
    expect(me.status).toBe(200);
  }
  expect((await fetch(`${base}/me`)).status).toBe(401);
});
