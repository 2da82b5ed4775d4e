/**
 * Arthur's "the browser's cookie works against the API", the ssokit way: one Express route guarded by
 * `requireAuth({ bearer, roles })` answers a browser's session cookie from a real OIDC login and a
 * script's bearer access token from the same IdP, and refuses a bad bearer token even when a valid
 * session cookie rides along.
 *
 * Real peers only: oidc-provider (the login, its discovery document and its JWKS), a real Express app on
 * 127.0.0.1, and ssokit's own verifier. The fixture's oidc-provider issues opaque access tokens, so the
 * bearer tokens are RFC 9068 JWTs signed here with the private key the OP itself signs with and
 * publishes: the verifier finds that key the way it would in production, through the issuer's discovery
 * document and JWKS.
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccessTokenVerifier } from '@ssokit/oidc';
import { createSso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import express from 'express';
import { getWithJar } from 'ssokit-test-fixtures/adapter-suite';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { httpOidcLogin, rsaJwk, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireAuth, ssoRouter } from '../src/index.ts';

const API_AUDIENCE = 'api://models';
/** The OP's signing key: handed to oidc-provider, and used here to sign the API's access tokens. */
const opKey = rsaJwk('op-key-1');

let op: TestOp;
let server: ReturnType<typeof createServer>;
let app: { base: string; connectionId: string };
/** Ada's browser after a real login: she is in the IdP group "admins", which is the role "admins". */
let adaBrowser: Map<string, string>;

/**
 * An access token as an IdP that issues RFC 9068 JWTs would: `typ: at+jwt`, signed RS256 with the OP's
 * key (`kid` published in its JWKS), issuer the OP, audience the API. `claims` add to or replace these.
 */
function accessToken(claims: Record<string, unknown> = {}, key = opKey): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'at+jwt', kid: key.kid };
  const payload = {
    iss: op.issuer,
    aud: API_AUDIENCE,
    sub: 'ada-uuid',
    client_id: 'models-cli',
    scope: 'models:read',
    groups: ['admins'],
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    ...claims,
  };
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const privateKey = createPrivateKey({ key: key as never, format: 'jwk' });
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** GET /api/models with the browser's cookies (if any) and an `Authorization` header (if any). */
function callApi(browser: Map<string, string> | undefined, authorization?: string) {
  return getWithJar(app, '/api/models', browser, {
    accept: 'application/json',
    ...(authorization === undefined ? {} : { authorization }),
  });
}

beforeAll(async () => {
  op = await startProvider({ loopbackRedirects: true, keys: [opKey] });
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storage = memoryStorage();
  const sso = createSso({
    baseUrl: base,
    storage,
    secret: 'test-secret-with-at-least-32-characters!',
    // The login's IdP group "admins" is the role "admins", granted by this connection only.
    roles: { roleDefinitions: [{ name: 'admins', grantedBy: ['local-op'] }] },
  });
  const connection = await storage.connections.create(oidcConnection(op.issuer, { id: 'local-op' }));
  // Same IdP, same role rule for its access tokens; keys found through the issuer's discovery document.
  const bearer = createAccessTokenVerifier({
    issuer: op.issuer,
    audience: [API_AUDIENCE],
    requireJwtAccessTokenType: true,
    roles: { roleDefinitions: [{ name: 'admins' }] },
  });
  const host = express();
  host.use(ssoRouter(sso));
  host.get('/api/models', requireAuth({ bearer, roles: ['admins'] }), (req, res) =>
    res.json({ kind: req.sso?.kind, user: req.sso?.user.id, roles: req.sso?.roles, models: ['resnet'] }),
  );
  server.on('request', host);
  app = { base, connectionId: connection.id };
  op.nextUser = 'ada';
  const login = await httpOidcLogin(base, app.connectionId);
  expect(login.response.status).toBe(303);
  adaBrowser = login.jar;
}, 30_000);

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await op?.close();
});

describe('one route, requireAuth({ bearer, roles }): the session cookie or a bearer token', () => {
  it('answers 200 to the browser session cookie of a real login', async () => {
    expect(adaBrowser.get(new URL(app.base).host)).toMatch(/(^|; )sso_session=/);
    const response = await callApi(adaBrowser);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ kind: 'session', roles: ['admins'], models: ['resnet'] });
  });

  it('answers 200 to a valid bearer access token from the same IdP, with no cookie', async () => {
    const response = await callApi(undefined, `Bearer ${accessToken()}`);
    expect(response.status).toBe(200);
    // A bearer request's user is the IdP's subject: no app user is looked up or created for it.
    expect(await response.json()).toEqual({
      kind: 'bearer',
      user: 'ada-uuid',
      roles: ['admins'],
      models: ['resnet'],
    });
  });

  it('answers 401 access_token_invalid to a bad bearer token even with a valid session cookie beside it', async () => {
    // The cookie alone is enough here (first test). But a client that sends Authorization chose that
    // credential: if it fails, answering with the ambient cookie instead would hide the failure from
    // the script (which would go on working only while a browser session happens to exist), and let
    // a request that names a revoked, expired or forged token act with the cookie's rights.
    const good = accessToken();
    const [head, payload] = good.split('.');
    const forged = `${head}.${Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload as string, 'base64url').toString()),
        sub: 'mallory',
      }),
    ).toString('base64url')}.${good.split('.')[2]}`;
    const bad = {
      'a forged payload': forged,
      'an expired token': accessToken({ iat: 1_000_000_000, exp: 1_000_000_300 }),
      'another API audience': accessToken({ aud: 'api://billing' }),
      'a key the IdP never published': accessToken({}, rsaJwk('op-key-1')),
      'not a JWT': 'opaque-token-from-somewhere',
    };
    for (const [what, token] of Object.entries(bad)) {
      const response = await callApi(adaBrowser, `Bearer ${token}`);
      expect(response.status, what).toBe(401);
      expect(await response.json(), what).toMatchObject({ error: 'access_token_invalid' });
    }
    // The cookie itself was fine all along.
    expect((await callApi(adaBrowser)).status).toBe(200);
  });

  it('refuses a malformed Bearer header sent with a valid cookie, instead of answering with the session', async () => {
    // RFC 6750 §2.1: "Bearer", spaces, one token of token68 characters. Anything else that starts with
    // the scheme is still the credential the client chose.
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer\tabc', 'bearer ab"c']) {
      const response = await callApi(adaBrowser, header);
      expect(response.status, header).toBe(401);
      expect(response.headers.get('www-authenticate'), header).toBe('Bearer error="invalid_token"');
      expect(await response.json(), header).toMatchObject({
        error: 'access_token_invalid',
        reason: 'malformed',
      });
    }
    // Another scheme is not a bearer token: the session answers.
    expect((await callApi(adaBrowser, 'Basic YWRhOnB3')).status).toBe(200);
  });

  it('answers 401 unauthenticated with neither a cookie nor a bearer token', async () => {
    const response = await callApi(undefined);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unauthenticated' });
  });

  it('answers 403 forbidden when the role is missing, for a session and for a token', async () => {
    op.nextUser = 'grace'; // in the IdP group "viewers" only
    try {
      const { jar, response: login } = await httpOidcLogin(app.base, app.connectionId);
      expect(login.status).toBe(303);
      const session = await callApi(jar);
      expect(session.status).toBe(403);
      expect(await session.json()).toMatchObject({ error: 'forbidden' });
    } finally {
      op.nextUser = 'ada';
    }
    const token = await callApi(
      undefined,
      `Bearer ${accessToken({ sub: 'grace-uuid', groups: ['viewers'] })}`,
    );
    expect(token.status).toBe(403);
    expect(await token.json()).toMatchObject({ error: 'forbidden' });
  });
});
