/**
 * The recipe of docs/frameworks.md for Web-standard frameworks, tested with Hono on @hono/node-server:
 * `sso.handle(c.req.raw)` is the whole integration. A whole OIDC login against oidc-provider and a SAML
 * login against a samlify IdP over HTTP.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { memoryStorage } from '@ssokit/storage';
import { Hono } from 'hono';
import * as samlify from 'samlify';
import { makeCertificate } from 'ssokit-test-fixtures/keys';
import { httpOidcLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { httpSamlLogin } from 'ssokit-test-fixtures/saml-idp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSso } from '../src/index.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

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
  const keys = await makeCertificate('idp.example.com');
  const idp = samlify.IdentityProvider({
    entityID: 'https://idp.example.com/metadata',
    privateKey: keys.privateKeyPem,
    signingCert: keys.certificatePem,
    singleSignOnService: [
      { Binding: samlify.Constants.namespace.binding.redirect, Location: 'https://idp.example.com/sso' },
    ],
  });
  const app = new Hono();
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  close = () => server.close();
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storage = memoryStorage();
  const sso = createSso({ baseUrl: base, storage, secret: 'test-secret-with-at-least-32-characters!' });

  // The recipe:
  app.all('/sso/*', (c) => sso.handle(c.req.raw));
  app.get('/me', async (c) => {
    const session = await sso.getSession(c.req.raw);
    return session ? c.json(session) : c.json({ error: 'unauthenticated' }, 401);
  });

  const oidc = await storage.connections.create({
    name: 'Local OP',
    protocol: 'oidc',
    provider: 'keycloak',
    active: true,
    oidc: {
      issuer: op.issuer,
      clientId: 'public-pkce',
      flow: 'code',
      pkce: 'S256',
      scopes: ['openid', 'profile', 'email'],
      userInfo: 'id_token',
      verifySignature: true,
    },
  } as never);
  const saml = await storage.connections.create({
    name: 'Local SAML',
    protocol: 'saml',
    provider: 'generic-saml',
    active: true,
    saml: {
      idpMetadataXml: idp.getMetadata(),
      spEntityId: `${base}/sso/saml/metadata/local`,
      wantAssertionsSigned: true,
    },
    provisioning: { requireVerifiedEmail: false },
  } as never);
  const host = new URL(base).host;
  for (const login of [
    () => httpOidcLogin(base, oidc.id),
    () => httpSamlLogin(base, saml.id, idp, { email: 'grace@example.com' }),
  ]) {
    const { jar, response } = await login();
    expect(response.status).toBe(303);
    const me = await fetch(`${base}/me`, { headers: { cookie: jar.get(host) ?? '' } });
    expect(me.status).toBe(200);
  }
  expect((await fetch(`${base}/me`)).status).toBe(401);
});
