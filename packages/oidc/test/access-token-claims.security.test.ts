/**
 * Invariant family: a login whose connection reads the access token's claims (`userInfo:
 * 'access_token'`) takes them only from a JWT that passes the bearer verifier's checks (signature by a
 * key of the IdP's JWKS, an allowed algorithm, `typ`, `iss`, times within the clock tolerance, no ID or
 * logout token, an accepted audience) and that is for the ID token's user. Everything else is
 * `access_token_invalid` with the check as `details.reason`, and no token in the message. Its
 * `email` and `phone_number` come with their own `*_verified` flag or none, never the ID token's. Played
 * against a mock OP on 127.0.0.1 whose token endpoint answers with jose-minted tokens.
 */
import { createHash } from 'node:crypto';
import { mapClaims, type OidcSettings, resolveClaimMapping } from '@ssokit/core';
import { exportJWK, SignJWT } from 'jose';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildAuthorizationRequest,
  createAccessTokenVerifier,
  createJwksCache,
  type OidcTransaction,
  type ProviderMetadata,
  processCallback,
} from '../src/index.ts';
import { b64, json, type MockOp, makeKey, type SigningKey, startMockOp } from './helpers/mock-op.ts';

const API = 'api://default';
let op: MockOp;
let key: SigningKey;
/** Same `kid` as `key`, never published: what an attacker signs with. */
let attacker: SigningKey;
let metadata: ProviderMetadata;
/** The access token the mock token endpoint answers with next. */
let accessToken: string | (() => Promise<string>);
let issued: { code: string; challenge: string; nonce: string } | undefined;
/** Claims the next ID token carries besides the standard ones (`email: ada@example.com` by default). */
let idTokenExtra: Record<string, unknown> = {};

beforeAll(async () => {
  op = await startMockOp('client-1');
  [key, attacker] = await Promise.all([makeKey('RS256', 'good'), makeKey('RS256', 'good')]);
  metadata = {
    issuer: op.issuer,
    authorization_endpoint: `${op.issuer}/authorize`,
    token_endpoint: `${op.issuer}/token`,
    jwks_uri: op.jwksUri,
  };
  op.routes.set('/token', async (_req, res, raw) => {
    const body = new URLSearchParams(raw);
    const verifier = body.get('code_verifier') ?? '';
    if (
      !issued ||
      body.get('code') !== issued.code ||
      createHash('sha256').update(verifier).digest('base64url') !== issued.challenge
    )
      return json(res, { error: 'invalid_grant' }, 400);
    const idToken = await op.mint(
      op.claims({ nonce: issued.nonce, email: 'ada@example.com', ...idTokenExtra }),
      key,
    );
    issued = undefined;
    const access = typeof accessToken === 'string' ? accessToken : await accessToken();
    return json(res, { access_token: access, token_type: 'Bearer', id_token: idToken, expires_in: 300 });
  });
});
afterAll(() => op.close());
beforeEach(() => {
  op.published = [key.jwk];
  idTokenExtra = {};
});

/** Access token claims as Okta's default authorization server sends them for `user-1`. */
const atClaims = (extra: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: op.issuer,
    aud: API,
    sub: 'user-1',
    scp: ['openid'],
    iat: now,
    exp: now + 300,
    Groups: ['idp-admin', 'org-1-model-owner'],
    ...extra,
  };
};

const settings = (overrides: Partial<OidcSettings> = {}): OidcSettings => ({
  issuer: op.issuer,
  clientId: 'client-1',
  flow: 'code',
  pkce: 'S256',
  scopes: ['openid', 'email'],
  userInfo: 'access_token',
  audience: [API],
  verifySignature: true,
  ...overrides,
});

/** A whole code-flow login whose token endpoint returns `token` as the access token. */
async function loginWith(token: string | (() => Promise<string>), oidc = settings()) {
  accessToken = token;
  const { url, transaction } = buildAuthorizationRequest(oidc, metadata, {
    redirectUri: 'http://127.0.0.1:9/cb',
  });
  const code = `code-${Math.random()}`;
  issued = {
    code,
    challenge: url.searchParams.get('code_challenge') as string,
    nonce: url.searchParams.get('nonce') as string,
  };
  const params = new URLSearchParams({ code, state: transaction.state });
  return processCallback(params, transaction as OidcTransaction, oidc, metadata, { keys: createJwksCache() });
}

/** Refused with `access_token_invalid` and `reason`, with neither the token nor its claims in the message. */
async function refusedLogin(token: string, reason: string, oidc = settings()) {
  const error = await expectRefusal(loginWith(token, oidc), 'access_token_invalid', reason);
  expect(error.message).not.toContain(token);
  expect(error.message).not.toContain(token.split('.')[1] ?? token);
  expect(error.message).not.toContain('idp-admin');
  return error;
}

describe('the access token of a login is checked like a bearer token', () => {
  it('accepts a valid one and layers its claims over the ID token, the ID token keeping its protocol claims', async () => {
    const result = await loginWith(await op.mint(atClaims({ email: 'john@example.com' }), key));
    expect(result.identity).toEqual({ issuer: op.issuer, subject: 'user-1' });
    expect(result.claims).toMatchObject({
      Groups: ['idp-admin', 'org-1-model-owner'],
      scp: ['openid'],
      // Both carry it: the access token's wins.
      email: 'john@example.com',
      // Never replaced: the ID token's.
      aud: 'client-1',
      nonce: result.idTokenClaims.nonce,
      exp: result.idTokenClaims.exp,
    });
  });

  it('refuses a token signed by a key the IdP does not publish (same kid, or an unknown kid)', async () => {
    await refusedLogin(await op.mint(atClaims(), attacker), 'signature');
    const stranger = await makeKey('RS256', 'stranger');
    await refusedLogin(await op.mint(atClaims(), stranger), 'kid');
  });

  it('refuses alg "none", and HS256 keyed with the IdP\'s public key', async () => {
    await refusedLogin(`${b64({ alg: 'none' })}.${b64(atClaims())}.AA`, 'alg');
    const secret = Buffer.from(JSON.stringify(await exportJWK(key.privateKey)));
    const hmac = await new SignJWT(atClaims())
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .sign(new Uint8Array(secret));
    await refusedLogin(hmac, 'alg');
  });

  it('refuses a token from another issuer', async () => {
    const error = await refusedLogin(
      await op.mint(atClaims({ iss: 'https://evil.example.com' }), key),
      'iss',
    );
    expect(error.message).toContain(op.issuer);
  });

  it("refuses an expired token, with the connection's clock tolerance", async () => {
    const now = Math.floor(Date.now() / 1000);
    await refusedLogin(await op.mint(atClaims({ exp: now - 120 }), key), 'exp');
    // 30 s past exp: within the default 60 s tolerance, outside a tolerance of 10 s.
    const late = await op.mint(atClaims({ exp: now - 30 }), key);
    await expect(loginWith(late)).resolves.toMatchObject({ identity: { subject: 'user-1' } });
    await refusedLogin(late, 'exp', settings({ clockToleranceSec: 10 }));
  });

  it("refuses a token for another user; accepts Okta's shape, the login in sub and the user id in uid", async () => {
    const error = await refusedLogin(await op.mint(atClaims({ sub: 'user-2' }), key), 'sub');
    expect(error.message).toMatch(/another subject/);
    await refusedLogin(await op.mint(atClaims({ sub: 'user-2', uid: 'user-3' }), key), 'sub');
    await refusedLogin(await op.mint(atClaims({ sub: undefined }), key), 'sub');
    const okta = await loginWith(
      await op.mint(atClaims({ sub: 'john.doe@example.com', uid: 'user-1' }), key),
    );
    // The identity stays the ID token's subject.
    expect(okta.identity.subject).toBe('user-1');
    expect(okta.claims.sub).toBe('user-1');
  });

  it('refuses an opaque or encrypted token, naming the setting to change', async () => {
    for (const token of ['2YotnFZFEjr1zCsicMWpAA', 'a.b.c.d.e']) {
      const error = await refusedLogin(token, 'opaque');
      expect(error.message).toContain('"oidc.userInfo"');
      expect(error.message).toContain('"id_token"');
    }
  });

  it('refuses an audience the connection does not accept; the client id and the resource are accepted', async () => {
    const error = await refusedLogin(await op.mint(atClaims({ aud: 'api://other' }), key), 'aud');
    expect(error.message).toContain('"api://other"');
    expect(error.message).toContain('"oidc.audience"');
    const forClient = await op.mint(atClaims({ aud: 'client-1' }), key);
    await expect(loginWith(forClient, settings({ audience: undefined }))).resolves.toBeTruthy();
    const forResource = await op.mint(atClaims({ aud: ['https://api.example.com'] }), key);
    await expect(
      loginWith(forResource, settings({ audience: undefined, resource: 'https://api.example.com' })),
    ).resolves.toBeTruthy();
  });

  it('refuses an ID token or a logout token in place of the access token', async () => {
    await refusedLogin(await op.mint(atClaims({ at_hash: 'x' }), key), 'token_kind');
    await refusedLogin(await op.mint(atClaims(), key, { typ: 'logout+jwt' }), 'typ');
  });

  it('gives each bad token the refusal the bearer verifier gives it (one implementation)', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: op.issuer,
      jwksUri: op.jwksUri,
      audience: [API],
      cache: false,
    });
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string][] = [
      [await op.mint(atClaims(), attacker), 'signature'],
      [`${b64({ alg: 'none' })}.${b64(atClaims())}.AA`, 'alg'],
      [await op.mint(atClaims({ iss: 'https://evil.example.com' }), key), 'iss'],
      [await op.mint(atClaims({ exp: now - 120 }), key), 'exp'],
      [await op.mint(atClaims({ nbf: now + 600 }), key), 'nbf'],
      [await op.mint(atClaims({ aud: 'api://other' }), key), 'aud'],
      [await op.mint(atClaims({ c_hash: 'x' }), key), 'token_kind'],
      [await op.mint(atClaims(), key, { typ: 'secevent+jwt' }), 'typ'],
      [`${b64({ alg: 'RS256', kid: key.kid, crit: ['exp'] })}.${b64(atClaims())}.AA`, 'crit'],
    ];
    for (const [token, reason] of cases) {
      const bearer = await expectRefusal(verifier.verify(token), 'access_token_invalid', reason);
      const login = await refusedLogin(token, reason);
      expect(login.details, reason).toEqual(bearer.details);
    }
  });
});

describe('a verification flag stays with the value it verifies', () => {
  const emailVerified = (claims: Record<string, unknown>) =>
    mapClaims(claims, resolveClaimMapping('oidc'), { subject: 'user-1' }).emailVerified;

  it("takes the access token's email without the ID token's email_verified (the account-linking probe)", async () => {
    idTokenExtra = { email: 'mallory@evil.example', email_verified: true };
    const { claims } = await loginWith(await op.mint(atClaims({ email: 'victim@corp.example' }), key));
    expect(claims.email).toBe('victim@corp.example');
    expect(claims).not.toHaveProperty('email_verified');
    // Unverified, unless the connection trusts the address as sent.
    expect(emailVerified(claims)).toBe(false);
    // With its own flag, the access token's pair is taken whole, false as true.
    for (const flag of [false, true]) {
      idTokenExtra = { email: 'mallory@evil.example', email_verified: !flag };
      const paired = await loginWith(
        await op.mint(atClaims({ email: 'victim@corp.example', email_verified: flag }), key),
      );
      expect(paired.claims).toMatchObject({ email: 'victim@corp.example', email_verified: flag });
    }
  });

  it("ignores an access token's email_verified without its email: the ID token's pair stays", async () => {
    idTokenExtra = { email: 'mallory@evil.example', email_verified: false };
    const withFlag = await loginWith(await op.mint(atClaims({ email_verified: true }), key));
    expect(withFlag.claims).toMatchObject({ email: 'mallory@evil.example', email_verified: false });
    idTokenExtra = { email: 'mallory@evil.example' };
    const noFlag = await loginWith(await op.mint(atClaims({ email_verified: true }), key));
    expect(noFlag.claims.email).toBe('mallory@evil.example');
    expect(noFlag.claims).not.toHaveProperty('email_verified');
  });

  it("keeps the ID token's flag when the access token repeats the same email without one", async () => {
    idTokenExtra = { email: 'ada@example.com', email_verified: true };
    const { claims } = await loginWith(await op.mint(atClaims({ email: 'ada@example.com' }), key));
    expect(claims).toMatchObject({ email: 'ada@example.com', email_verified: true });
    // Not an address differing only in case: the flag verified one string.
    const other = await loginWith(await op.mint(atClaims({ email: 'Ada@example.com' }), key));
    expect(other.claims).not.toHaveProperty('email_verified');
  });

  it('binds phone_number_verified to phone_number the same way', async () => {
    idTokenExtra = { phone_number: '+1 555 0100', phone_number_verified: true };
    const swapped = await loginWith(await op.mint(atClaims({ phone_number: '+1 555 0199' }), key));
    expect(swapped.claims.phone_number).toBe('+1 555 0199');
    expect(swapped.claims).not.toHaveProperty('phone_number_verified');
    idTokenExtra = { phone_number: '+1 555 0100', phone_number_verified: false };
    const flagOnly = await loginWith(await op.mint(atClaims({ phone_number_verified: true }), key));
    expect(flagOnly.claims).toMatchObject({ phone_number: '+1 555 0100', phone_number_verified: false });
    const paired = await loginWith(
      await op.mint(atClaims({ phone_number: '+1 555 0199', phone_number_verified: true }), key),
    );
    expect(paired.claims).toMatchObject({ phone_number: '+1 555 0199', phone_number_verified: true });
  });
});

describe('the implicit flow has no access token', () => {
  it('refuses userInfo "access_token" with the implicit flow as a configuration error, before any request', async () => {
    const oidc = settings({ flow: 'implicit', pkce: 'none' });
    const { transaction } = buildAuthorizationRequest(oidc, metadata, {
      redirectUri: 'http://127.0.0.1:9/cb',
    });
    const error = await expectRefusal(
      processCallback(new URLSearchParams(), transaction, oidc, metadata, { keys: createJwksCache() }),
      'config_invalid',
    );
    expect((error as unknown as { issues: { path: string; message: string }[] }).issues).toEqual([
      expect.objectContaining({ path: 'oidc.userInfo', message: expect.stringMatching(/code flow/) }),
    ]);
  });
});
