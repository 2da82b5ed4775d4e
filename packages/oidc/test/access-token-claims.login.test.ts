/**
 * Full logins against a certified OpenID Provider (oidc-provider) that puts the user's groups in its
 * JWT access tokens only, as Arthur's seed sets up Okta: a connection with `userInfo: 'access_token'`
 * gets them, through the same claim mapping as any other claim.
 */

import type { OidcSettings } from '@ssokit/core';
import { mapClaims, resolveClaimMapping } from '@ssokit/core';
import { publicPkceSettings } from 'ssokit-test-fixtures/connections';
import { browserLogin, REDIRECT_URI } from 'ssokit-test-fixtures/oidc-provider';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAuthorizationRequest,
  createJwksCache,
  discover,
  type ProviderMetadata,
  processCallback,
  readUnverifiedClaims,
} from '../src/index.ts';
import { API_AUDIENCE, type JwtAccessTokenOp, startJwtAccessTokenOp } from './helpers/jwt-access-token-op.ts';

let op: JwtAccessTokenOp;
let metadata: ProviderMetadata;

beforeAll(async () => {
  op = await startJwtAccessTokenOp();
  metadata = await discover(op.issuer);
});
afterAll(() => op.close());

/** The `public-pkce` client without the groups scope (the OP has none): claims from the access token. */
const settings = (overrides: Partial<OidcSettings> = {}): OidcSettings =>
  publicPkceSettings(op.issuer, {
    additionalScopes: undefined,
    userInfo: 'access_token',
    audience: [API_AUDIENCE],
    ...overrides,
  });

async function login(oidc: OidcSettings, meta = metadata) {
  const { url, transaction } = buildAuthorizationRequest(oidc, meta, { redirectUri: REDIRECT_URI });
  const callback = await browserLogin(url);
  return processCallback(callback.params, transaction, oidc, meta, { keys: createJwksCache() });
}

describe('claims from the access token, against oidc-provider', () => {
  it('reads groups that only the access token carries, and maps them like any claim', async () => {
    const result = await login(settings());
    const accessToken = readUnverifiedClaims(result.tokens.accessToken as string);
    expect(accessToken).toMatchObject({
      aud: API_AUDIENCE,
      sub: 'ada-uuid',
      Groups: ['admins', 'ml-engineers'],
    });
    expect(result.idTokenClaims.Groups).toBeUndefined();
    expect(result.identity).toEqual({ issuer: op.issuer, subject: 'ada-uuid' });
    expect(result.claims).toMatchObject({
      sub: 'ada-uuid',
      email: 'ada@example.com',
      email_verified: true,
      Groups: ['admins', 'ml-engineers'],
    });
    // The ID token's protocol claims stay the ID token's: the access token's aud does not replace them.
    expect(result.claims.aud).toBe('public-pkce');
    expect(result.claims.nonce).toBe(result.idTokenClaims.nonce);
    const profile = mapClaims(result.claims, resolveClaimMapping('oidc', { groups: 'Groups' }), {
      subject: result.identity.subject,
    });
    expect(profile).toMatchObject({
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      groups: { state: 'present', values: ['admins', 'ml-engineers'] },
    });
  });

  it('gives no groups for the same IdP when the connection reads the ID token (the default)', async () => {
    const result = await login(settings({ userInfo: undefined }));
    expect(result.claims.Groups).toBeUndefined();
    expect(result.claims.email).toBe('ada@example.com');
  });

  it('accepts a token for the connection\'s resource (Arthur\'s resourceID) without "audience"', async () => {
    const resource = 'https://api.example.com/ml';
    const result = await login(settings({ resource, audience: undefined }));
    expect(readUnverifiedClaims(result.tokens.accessToken as string).aud).toBe(resource);
    expect(result.claims.Groups).toEqual(['admins', 'ml-engineers']);
  });

  it('refuses a real token for an audience the connection does not accept, saying what to add', async () => {
    const error = await expectRefusal(
      login(settings({ audience: undefined })),
      'access_token_invalid',
      'aud',
    );
    expect(error.message).toContain(`"${API_AUDIENCE}"`);
    expect(error.message).toContain('"oidc.audience"');
  });

  it('refuses an opaque access token, naming the setting to change', async () => {
    const opaque = await startJwtAccessTokenOp({ opaqueAccessTokens: true });
    try {
      const meta = await discover(opaque.issuer);
      const oidc = { ...settings(), issuer: opaque.issuer };
      const error = await expectRefusal(login(oidc, meta), 'access_token_invalid', 'opaque');
      expect(error.message).toContain('"oidc.userInfo"');
      // With the ID token as the source, the same IdP logs the user in (without groups).
      await expect(login({ ...oidc, userInfo: 'id_token' }, meta)).resolves.toMatchObject({
        identity: { subject: 'ada-uuid' },
      });
    } finally {
      await opaque.close();
    }
  });
});
