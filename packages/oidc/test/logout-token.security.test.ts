/**
 * Invariant family: a back-channel logout token ends sessions only when it is one (OpenID Connect
 * Back-Channel Logout 1.0 §2.6): signed by the IdP's key under an allowed algorithm, issued by it for
 * this client, recent, unexpired (`exp` required by errata set 1 unless the connection allows IdPs
 * that omit it), typed `logout+jwt` or untyped (never another kind of JWT), with the back-channel
 * logout event, `sub` and/or `sid`, a `jti`, and no `nonce`. Every refusal is `logout_token_invalid`
 * with the check in `details.reason`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKCHANNEL_LOGOUT_EVENT,
  createJwksCache,
  type LogoutTokenExpectations,
  validateLogoutToken,
} from '../src/index.ts';
import { b64, type MockOp, makeKey, type SigningKey, signRaw, startMockOp } from './helpers/mock-op.ts';

let op: MockOp;
let rsa: SigningKey;
let stranger: SigningKey;

beforeAll(async () => {
  op = await startMockOp();
  [rsa, stranger] = await Promise.all([makeKey('RS256', 'rsa-1'), makeKey('RS256', 'rsa-1')]);
  op.published = [rsa.jwk];
});
afterAll(() => op.close());

const expectations = (overrides: Partial<LogoutTokenExpectations> = {}): LogoutTokenExpectations => ({
  issuer: op.issuer,
  clientId: 'client-1',
  jwksUri: op.jwksUri,
  keys: createJwksCache(),
  ...overrides,
});

let serial = 0;
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  serial += 1;
  return {
    iss: op.issuer,
    aud: 'client-1',
    iat: now,
    exp: now + 120,
    jti: `jti-${serial}`,
    sub: 'user-1',
    sid: 'sid-1',
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    ...overrides,
  };
}

const mint = (payload: Record<string, unknown>, header: Record<string, unknown> = { typ: 'logout+jwt' }) =>
  op.mint(payload, rsa, header);

async function refused(token: string, reason: string, overrides: Partial<LogoutTokenExpectations> = {}) {
  const error = await expectRefusal(
    validateLogoutToken(token, expectations(overrides)),
    'logout_token_invalid',
    reason,
  );
  if (token) expect(error.message).not.toContain(token);
  return error;
}

describe('logout tokens that end sessions', () => {
  it('accepts a typed token with sub and sid, and returns what it names', async () => {
    const c = claims();
    expect(await validateLogoutToken(await mint(c), expectations())).toEqual({
      iss: op.issuer,
      sub: 'user-1',
      sid: 'sid-1',
      jti: c.jti,
      iat: c.iat,
      exp: c.exp,
    });
  });

  it('accepts a token with only sub, or only sid', async () => {
    const { sid: _s, ...subOnly } = claims();
    expect(await validateLogoutToken(await mint(subOnly), expectations())).not.toHaveProperty('sid');
    const { sub: _u, ...sidOnly } = claims();
    expect(await validateLogoutToken(await mint(sidOnly), expectations())).not.toHaveProperty('sub');
  });

  it('accepts the typ older IdPs send: none, or JWT', async () => {
    await expect(
      validateLogoutToken(await mint(claims(), { typ: 'JWT' }), expectations()),
    ).resolves.toBeTruthy();
    await expect(
      validateLogoutToken(await mint(claims(), { typ: undefined }), expectations()),
    ).resolves.toBeTruthy();
    await expect(
      validateLogoutToken(await mint(claims(), { typ: 'application/logout+jwt' }), expectations()),
    ).resolves.toBeTruthy();
  });

  it('accepts a token without exp only when the connection allows it (Keycloak before 23)', async () => {
    const { exp: _e, ...noExp } = claims();
    await refused(await mint(noExp), 'exp');
    await expect(
      validateLogoutToken(await mint(noExp), expectations({ allowMissingExp: true })),
    ).resolves.toBeTruthy();
  });
});

describe('logout tokens refused', () => {
  it('refuses another kind of JWT: an access token (at+jwt), a security event token', async () => {
    for (const typ of ['at+jwt', 'secevent+jwt', 'application/at+jwt'])
      await refused(await mint(claims(), { typ }), 'typ');
  });

  it('refuses an ID token passed off as a logout token (nonce, no event)', async () => {
    await refused(await mint(claims({ nonce: 'n-1' }), { typ: 'JWT' }), 'nonce');
    const { events: _e, ...noEvent } = claims();
    await refused(await mint(noEvent, { typ: 'JWT' }), 'events');
  });

  it('refuses a malformed or missing events claim', async () => {
    for (const events of [
      [],
      'logout',
      { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' },
      { 'http://other/event': {} },
      null,
    ])
      await refused(await mint(claims({ events })), 'events');
  });

  it('refuses a token naming neither sub nor sid, or naming them badly', async () => {
    const { sub: _u, sid: _s, ...neither } = claims();
    await refused(await mint(neither), 'sub');
    await refused(await mint(claims({ sub: '' })), 'sub');
    await refused(await mint(claims({ sid: 42 })), 'sid');
  });

  it('refuses a token without a usable jti', async () => {
    const { jti: _j, ...noJti } = claims();
    await refused(await mint(noJti), 'jti');
    await refused(await mint(claims({ jti: 'x'.repeat(256) })), 'jti');
  });

  it('refuses another issuer, another audience, or none', async () => {
    await refused(await mint(claims({ iss: 'https://evil.example' })), 'iss');
    await refused(await mint(claims({ aud: 'other-client' })), 'aud');
    await refused(await mint(claims({ aud: undefined })), 'aud');
  });

  it('refuses expired, future, stale and undated tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(await mint(claims({ exp: now - 120 })), 'exp');
    await refused(await mint(claims({ iat: now + 600 })), 'iat');
    await refused(await mint(claims({ iat: now - 3600, exp: now + 60 })), 'iat');
    await refused(await mint(claims({ iat: undefined })), 'iat');
  });

  it("refuses a signature by any key but the IdP's, alg none, HMAC and a JWE", async () => {
    await refused(await op.mint(claims(), stranger, { typ: 'logout+jwt' }), 'signature');
    // alg none: an unsigned token is refused before its header is even considered.
    await refused(`${b64({ alg: 'none', typ: 'logout+jwt' })}.${b64(claims())}.`, 'malformed');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const hs = signRaw({ alg: 'HS256', kid: 'rsa-1' }, claims(), privateKey);
    await refused(hs, 'alg');
    await refused('eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d', 'malformed');
  });

  it('refuses an empty or absent token', async () => {
    await refused('', 'malformed');
  });
});
