/**
 * Claims from the access token through sso.handle(), as Arthur's seed sets up Okta: the IdP puts the
 * user's groups in its JWT access tokens only. A connection with `oidc.userInfo: 'access_token'`, saved
 * through `sso.connections` (the admin API's validation), gets its roles from those groups; one that
 * reads the ID token gets none.
 *
 * The IdP is a small OP on 127.0.0.1 (discovery, authorize, token, JWKS; tokens signed with jose)
 * shaped like Okta's default authorization server: access tokens for `api://default` carrying `Groups`,
 * ID tokens without groups. Full logins against the certified oidc-provider issuing JWT access tokens
 * are in packages/oidc/test/access-token-claims.login.test.ts.
 */
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadArthurConfig } from '@ssokit/config';
import { isSsoError, type RoleDefinition } from '@ssokit/core';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcLogin, testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const API_AUDIENCE = 'api://default';
const ADA = {
  sub: 'ada-uuid',
  email: 'ada@example.com',
  email_verified: true,
  name: 'Ada Lovelace',
  preferred_username: 'ada',
};
const ADA_GROUPS = ['admins', 'ml-engineers'];

interface Op {
  issuer: string;
  close(): Promise<void>;
}

/**
 * The OP: `/authorize` answers at once for Ada (code + state to the redirect URI), `/token` checks the
 * code and its PKCE S256 verifier and answers with an ID token (no groups) and an access token, a JWT
 * for `api://default` with `Groups` (or, `opaque`, a random string as Okta's org server sends).
 * `idToken` and `accessToken` are claims laid over each token's.
 */
async function startOp(
  options: {
    opaque?: boolean;
    idToken?: Record<string, unknown>;
    accessToken?: Record<string, unknown>;
  } = {},
): Promise<Op> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<
    string,
    { clientId: string; nonce: string; challenge: string; redirectUri: string }
  >();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', issuer);
      const send = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (url.pathname === '/.well-known/openid-configuration') {
        return send(200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
        });
      }
      if (url.pathname === '/jwks') return send(200, { keys: [jwk] });
      if (url.pathname === '/authorize') {
        const q = url.searchParams;
        const code = randomUUID();
        codes.set(code, {
          clientId: q.get('client_id') ?? '',
          nonce: q.get('nonce') ?? '',
          challenge: q.get('code_challenge') ?? '',
          redirectUri: q.get('redirect_uri') ?? '',
        });
        const back = new URL(q.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state') ?? '');
        return res.writeHead(302, { location: back.href }).end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(body);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (
          !grant ||
          grant.redirectUri !== form.get('redirect_uri') ||
          createHash('sha256').update(verifier).digest('base64url') !== grant.challenge
        )
          return send(400, { error: 'invalid_grant' });
        const sign = (claims: Record<string, unknown>, typ: string) =>
          new SignJWT({ iss: issuer, sub: ADA.sub, ...claims })
            .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ })
            .setIssuedAt()
            .setExpirationTime('5m')
            .sign(privateKey);
        const idToken = await sign(
          { ...ADA, aud: grant.clientId, nonce: grant.nonce, ...options.idToken },
          'JWT',
        );
        const accessToken = options.opaque
          ? randomUUID().replaceAll('-', '')
          : await sign(
              { aud: API_AUDIENCE, scp: ['openid'], Groups: ADA_GROUPS, ...options.accessToken },
              'at+jwt',
            );
        return send(200, {
          access_token: accessToken,
          token_type: 'Bearer',
          id_token: idToken,
          expires_in: 300,
        });
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let op: Op;
beforeAll(async () => {
  op = await startOp();
});
afterAll(() => op.close());

/** An OIDC connection to the OP (a public client with PKCE S256) that maps the `Groups` claim. */
const connection = (id: string, oidc: Record<string, unknown>, issuer = op.issuer) =>
  ({
    id,
    name: id,
    protocol: 'oidc',
    provider: 'okta',
    active: true,
    oidc: { issuer, clientId: 'app', scopes: ['openid', 'profile', 'email'], ...oidc },
    claimMapping: { groups: 'Groups' },
    groupSync: { enabled: true, removeRevoked: true },
  }) as never;

async function setup(roleDefinitions: RoleDefinition[]) {
  const { sso, storage } = testSso(BASE, { roles: { roleDefinitions } });
  for (const name of ['admins', 'ml-engineers']) await storage.groups.create({ id: `g-${name}`, name });
  return { sso, storage };
}

async function sessionAfterLogin(sso: Awaited<ReturnType<typeof setup>>['sso'], connectionId: string) {
  const { response, cookie } = await oidcLogin(sso, BASE, connectionId);
  expect(response.status).toBe(303);
  return sso.getSession(new Request(`${BASE}/`, { headers: { cookie } }));
}

describe('claims from the access token at login', () => {
  it('a connection with userInfo "access_token" gets its roles from groups only the access token carries', async () => {
    const { sso } = await setup([
      { name: 'admins', grantedBy: ['okta-at'] },
      { name: 'viewers', grantedBy: ['okta-at'] },
    ]);
    const saved = await sso.connections.create(
      connection('okta-at', { userInfo: 'access_token', audience: [API_AUDIENCE] }),
    );
    expect(saved.protocol === 'oidc' && saved.oidc.userInfo).toBe('access_token');
    const session = await sessionAfterLogin(sso, 'okta-at');
    expect(session).toMatchObject({
      user: { email: 'ada@example.com', name: 'Ada Lovelace' },
      roles: ['admins'],
      connectionId: 'okta-at',
    });
    expect(session?.groups.sort()).toEqual(['admins', 'ml-engineers']);

    // The same IdP through a connection that reads the ID token (in a fresh store): no groups, no role.
    const other = await setup([{ name: 'admins', grantedBy: ['okta-id'] }]);
    await other.sso.connections.create(connection('okta-id', { userInfo: 'id_token' }));
    const without = await sessionAfterLogin(other.sso, 'okta-id');
    expect(without?.user.email).toBe('ada@example.com');
    expect(without?.roles).toEqual([]);
    expect(without?.groups).toEqual([]);
  });

  it("a connection loaded from Arthur's YAML reads the access token: its globalRoleDefs follow the token's Groups", async () => {
    const yaml = `version: v2
kind: OIDC
config:
  discoveryBaseURL: ${op.issuer}
  flowType: PKCE
  clientID: app
  authorizeScopes: [openid, profile, email]
  globalRoleDefs:
    - name: admins
      permissions: { custom_roles: [read, write] }
  accessTokenValidation:
    type: JWT
    claimMapping: { roles: Groups, userID: sub, username: preferred_username, firstName: given_name, lastName: family_name, email: email }
    audience: [${API_AUDIENCE}]
`;
    const config = loadArthurConfig(yaml);
    const { sso } = await setup(config.roleDefinitions);
    const saved = await sso.connections.create(config.connection as never);
    expect(saved.protocol === 'oidc' && saved.oidc.userInfo).toBe('access_token');
    const session = await sessionAfterLogin(sso, saved.id);
    expect(session).toMatchObject({
      user: { email: 'ada@example.com', username: 'ada' },
      roles: ['admins'],
    });
  });

  it('an IdP that sends opaque access tokens: the login is refused with access_token_invalid, and no session', async () => {
    const opaque = await startOp({ opaque: true });
    try {
      const { sso } = await setup([]);
      await sso.connections.create(
        connection('opaque', { userInfo: 'access_token', audience: [API_AUDIENCE] }, opaque.issuer),
      );
      const { response, cookie } = await oidcLogin(sso, BASE, 'opaque');
      expect(response.status).toBe(401);
      const page = await response.text();
      expect(page).toContain('access_token_invalid');
      expect(page).toContain('oidc.userInfo');
      expect(cookie).toBe('');
    } finally {
      await opaque.close();
    }
  });

  it('saving userInfo "access_token" with the implicit flow is refused, naming the setting', async () => {
    const { sso } = await setup([]);
    const error = await sso.connections
      .create(connection('implicit', { userInfo: 'access_token', flow: 'implicit', pkce: 'none' }))
      .catch((e: unknown) => e);
    expect(isSsoError(error, 'config_invalid')).toBe(true);
    expect((error as { issues: { path: string }[] }).issues).toEqual([
      expect.objectContaining({ path: 'oidc.userInfo' }),
    ]);
  });
});

describe("the access token's email never borrows the ID token's email_verified", () => {
  it("an ID token verifying mallory's address and an access token naming the victim's: no login into the invited victim's account", async () => {
    const probe = await startOp({
      idToken: { email: 'mallory@evil.example', email_verified: true },
      accessToken: { email: 'victim@corp.example' },
    });
    try {
      const { sso, storage } = await setup([]);
      const victim = await storage.users.create({ email: 'victim@corp.example', status: 'invited' } as never);
      const untouched = async () => {
        expect(await storage.users.get(victim.id)).toMatchObject({ status: 'invited' });
        expect(await storage.users.listIdentities(victim.id)).toEqual([]);
      };

      // OIDC's default provisioning (a verified email required, `trustEmail` false): the merged claims
      // carry the access token's address without a flag, so the login is refused before any linking.
      await sso.connections.create(
        connection('okta-at', { userInfo: 'access_token', audience: [API_AUDIENCE] }, probe.issuer),
      );
      const refused = await oidcLogin(sso, BASE, 'okta-at');
      expect(refused.response.status).toBe(403);
      expect(await refused.response.text()).toContain('email_not_verified');
      expect(refused.cookie).toBe('');
      await untouched();

      // Without requireVerifiedEmail the unverified address still links nothing: the invited victim owns
      // it, so the login is refused as a conflict rather than linked.
      const lax = connection(
        'okta-lax',
        { userInfo: 'access_token', audience: [API_AUDIENCE] },
        probe.issuer,
      );
      await sso.connections.create({
        ...(lax as object),
        provisioning: { requireVerifiedEmail: false },
      } as never);
      const conflict = await oidcLogin(sso, BASE, 'okta-lax');
      expect(conflict.response.status).toBe(403);
      const page = await conflict.response.text();
      expect(page).toContain('identity_conflict');
      expect(page).toContain('has not verified the email');
      expect(conflict.cookie).toBe('');
      await untouched();
    } finally {
      await probe.close();
    }
  });
});
