/**
 * Invariant family: a back-channel logout ends only the sessions of the IdP user it names. At a
 * multi-tenant connection (Entra's `{tenantid}` issuer) each tenant has its own `sub` namespace: a
 * logout token from one tenant never ends a session signed in through another tenant with the same
 * `sub`. Security review of the session work, finding 5.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'https://app.example.com';
const TENANT_A = '11111111-1111-4111-8111-111111111111';
const TENANT_B = '22222222-2222-4222-8222-222222222222';
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
let server: Server;
let origin = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/common/v2.0/.well-known/openid-configuration') {
      res.end(
        JSON.stringify({
          issuer: `${origin}/{tenantid}/v2.0`,
          authorization_endpoint: `${origin}/authorize`,
          token_endpoint: `${origin}/token`,
          jwks_uri: `${origin}/keys`,
          response_types_supported: ['code'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
    } else
      res.end(
        JSON.stringify({
          keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }],
        }),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const logoutToken = (tenant: string, claims: Record<string, unknown>) =>
  new SignJWT({ aud: 'app', tid: tenant, jti: randomUUID(), events: { [EVENT]: {} }, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'logout+jwt' })
    .setIssuer(`${origin}/${tenant}/v2.0`)
    .setIssuedAt()
    .setExpirationTime('2m')
    .sign(privateKey);

describe('back-channel logout at a multi-tenant connection', () => {
  it("ends the token's tenant's session for the sub, never another tenant's with the same sub", async () => {
    const { sso, storage } = testSso(BASE);
    await storage.connections.create({
      id: 'entra',
      name: 'Entra (any tenant)',
      protocol: 'oidc',
      provider: 'entra',
      active: true,
      oidc: { issuer: `${origin}/common/v2.0`, clientId: 'app', tenants: 'any' },
    } as never);
    const sessions = storage.sessions as NonNullable<typeof storage.sessions>;
    const at = Date.now();
    const session = (id: string, tenant: string) => ({
      id,
      userId: `user-${tenant}`,
      connectionId: 'entra',
      subject: 'shared-sub',
      data: { issuer: `${origin}/${tenant}/v2.0`, roles: [], groups: [], issuedAt: Math.floor(at / 1000) },
      createdAt: new Date(at),
      expiresAt: new Date(at + 3_600_000),
      idleExpiresAt: new Date(at + 3_600_000),
    });
    await sessions.create(session('in-a', TENANT_A));
    await sessions.create(session('in-b', TENANT_B));
    const post = async (token: string) =>
      sso.handle(
        new Request(`${BASE}/sso/oidc/backchannel-logout/entra`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ logout_token: token }),
        }),
      );
    const response = await post(await logoutToken(TENANT_A, { sub: 'shared-sub' }));
    expect(response.status).toBe(200);
    expect(await sessions.get('in-a')).toBeNull();
    expect(await sessions.get('in-b')).not.toBeNull();
  });
});

describe('the back-channel logout route, anonymous', () => {
  it('refuses what cannot be a signed JWT before fetching anything from the IdP, as JSON with the reason', async () => {
    const { sso, storage } = testSso(BASE);
    // An IdP that cannot be reached: a junk post must still be a 400, not a 502 from fetching metadata.
    await storage.connections.create({
      id: 'down',
      name: 'Down',
      protocol: 'oidc',
      provider: 'custom',
      active: true,
      oidc: { issuer: 'http://127.0.0.1:9/realms/x', clientId: 'app' },
    } as never);
    for (const token of ['', 'not-a-jwt', 'a.b', 'a.b.c.d.e', '<script>.x.y']) {
      const response = await sso.handle(
        new Request(`${BASE}/sso/oidc/backchannel-logout/down`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ logout_token: token }),
        }),
      );
      expect(response.status, token).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(await response.json()).toMatchObject({ error: 'logout_token_invalid', reason: 'malformed' });
    }
  });
});
