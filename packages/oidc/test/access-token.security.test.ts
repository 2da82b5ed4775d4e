/**
 * Invariant family: a bearer token is accepted only as what it is, an access token. Its `typ` must be
 * `at+jwt` when the verifier requires RFC 9068 access tokens, and may never name another kind of JWT
 * (a logout token, a security event, a DPoP proof); an ID token or logout token recognisable by its
 * claims is refused (RFC 8725 §3.11, §3.12). Tokens minted with jose on a mock OP, and a real ID token
 * from oidc-provider.
 */
import { publicPkceSettings } from 'ssokit-test-fixtures/connections';
import { browserLogin, REDIRECT_URI, startProvider } from 'ssokit-test-fixtures/oidc-provider';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AccessTokenVerifierOptions,
  buildAuthorizationRequest,
  createAccessTokenVerifier,
  createJwksCache,
  discover,
  processCallback,
} from '../src/index.ts';
import { type MockOp, makeKey, type SigningKey, startMockOp } from './helpers/mock-op.ts';

let op: MockOp;
let rsa: SigningKey;
beforeAll(async () => {
  op = await startMockOp();
  rsa = await makeKey('RS256', 'rsa-1');
});
afterAll(() => op.close());
beforeEach(() => {
  op.published = [rsa.jwk];
  op.jwksFetches = 0;
});

const accessClaims = (extra: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: op.issuer,
    aud: 'api://models',
    sub: 'u1',
    scope: 'read',
    iat: now,
    exp: now + 300,
    ...extra,
  };
};
const verifierWith = (options: Partial<AccessTokenVerifierOptions> = {}) =>
  createAccessTokenVerifier({
    issuer: op.issuer,
    jwksUri: op.jwksUri,
    audience: ['api://models'],
    ...options,
  });
const refused = (promise: Promise<unknown>, reason: string) =>
  expectRefusal(promise, 'access_token_invalid', reason);

describe('requireJwtAccessTokenType (RFC 9068 §4)', () => {
  it('accepts at+jwt in any case, with or without "application/"', async () => {
    const verifier = verifierWith({ requireJwtAccessTokenType: true });
    for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT', 'Application/At+Jwt']) {
      await expect(verifier.verify(await op.mint(accessClaims(), rsa, { typ })), typ).resolves.toBeTruthy();
    }
  });

  it('refuses every other typ, and none, before any key is fetched', async () => {
    const verifier = verifierWith({ requireJwtAccessTokenType: true });
    for (const typ of ['JWT', undefined, 'application/jwt', 'text/at+jwt', 'at+jwt; x=1', 'logout+jwt']) {
      const error = await refused(verifier.verify(await op.mint(accessClaims(), rsa, { typ })), 'typ');
      expect(error.message).toContain('at+jwt');
    }
    expect(op.jwksFetches).toBe(0);
  });

  it('is off by default: JWT, no typ, at+jwt and vendor types pass (Entra, Okta, Cognito)', async () => {
    const verifier = verifierWith({ cache: false });
    for (const typ of ['JWT', undefined, 'at+jwt', 'application/okta-internal-at+jwt']) {
      await expect(
        verifier.verify(await op.mint(accessClaims(), rsa, { typ })),
        String(typ),
      ).resolves.toBeTruthy();
    }
  });

  it('is a boolean', () => {
    expect(() => verifierWith({ requireJwtAccessTokenType: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});

describe('tokens made for another purpose are never bearer tokens', () => {
  it('refuses logout, security event, DPoP proof, request object and introspection types (RFC 8725 §3.11)', async () => {
    const verifier = verifierWith();
    for (const typ of [
      'logout+jwt',
      'secevent+jwt',
      'application/secevent+jwt',
      'Logout+JWT',
      'dpop+jwt',
      'oauth-authz-req+jwt',
      'token-introspection+jwt',
    ]) {
      const error = await refused(verifier.verify(await op.mint(accessClaims(), rsa, { typ })), 'typ');
      expect(error.message).toContain('another purpose');
    }
    await refused(verifier.verify(await op.mint(accessClaims(), rsa, { typ: ['at+jwt'] })), 'typ');
    expect(op.jwksFetches).toBe(0);
  });

  it('refuses an ID token or a logout token its claims give away (RFC 8725 §3.12)', async () => {
    const verifier = verifierWith();
    const logoutEvent = { 'http://schemas.openid.net/event/backchannel-logout': {} };
    for (const extra of [
      { at_hash: 'x4Ld2dx3Wq5dCo8XyYWlWg' },
      { c_hash: 'LDktKdoQak3Pk0cnXxCltA' },
      { s_hash: 'LDktKdoQak3Pk0cnXxCltA' },
      { typ: 'ID', nonce: 'n' },
      { typ: 'Logout' },
      { events: logoutEvent, sid: 's1' },
    ]) {
      const error = await refused(verifier.verify(await op.mint(accessClaims(extra), rsa)), 'token_kind');
      expect(error.message).toContain('not an access token');
    }
  });

  it("keeps real access tokens' shapes: Keycloak's typ Bearer and nonce, Entra's aud as the client id", async () => {
    const verifier = verifierWith({ audience: ['api://models', '6731de76-14a6-49ae-97bc-6eba6914391e'] });
    for (const extra of [
      { typ: 'Bearer', nonce: 'copied-by-keycloak', azp: 'web-app' },
      { aud: '6731de76-14a6-49ae-97bc-6eba6914391e', ver: '2.0', scp: 'access_as_user' },
      { events: ['order.created'] },
    ]) {
      await expect(verifier.verify(await op.mint(accessClaims(extra), rsa))).resolves.toBeTruthy();
    }
  });

  it("refuses oidc-provider's real ID token as a bearer token when RFC 9068 types are required", async () => {
    const provider = await startProvider();
    try {
      const metadata = await discover(provider.issuer);
      const oidc = publicPkceSettings(provider.issuer, {});
      const { url, transaction } = buildAuthorizationRequest(oidc, metadata, { redirectUri: REDIRECT_URI });
      const callback = await browserLogin(url);
      const { tokens } = await processCallback(callback.params, transaction, oidc, metadata, {
        keys: createJwksCache(),
      });
      // An API whose audience is (wrongly) the login client's id: the ID token's audience.
      const options = { issuer: provider.issuer, audience: [oidc.clientId], cache: false as const };
      const strict = createAccessTokenVerifier({ ...options, requireJwtAccessTokenType: true });
      await refused(strict.verify(tokens.idToken), 'typ');
      // Without the requirement nothing in this token says it is an ID token (no typ, no at_hash):
      // the defence is an API audience distinct from any client id, or RFC 9068 typing.
      await expect(createAccessTokenVerifier(options).verify(tokens.idToken)).resolves.toBeTruthy();
    } finally {
      await provider.close();
    }
  });
});
