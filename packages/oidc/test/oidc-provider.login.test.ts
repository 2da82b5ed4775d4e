/**
 * Full logins against a certified OpenID Provider (oidc-provider) on 127.0.0.1: every flow ssokit
 * offers, from the authorization request through the browser's redirects to a validated callback.
 */

import type { OidcSettings } from '@ssokit/core';
import { mapClaims, now, resolveClaimMapping } from '@ssokit/core';
import { publicPkceSettings } from 'ssokit-test-fixtures/connections';
import {
  browserLogin,
  POST_LOGOUT_URI,
  REDIRECT_URI,
  rsaJwk,
  startProvider,
  type TestOp,
} from 'ssokit-test-fixtures/oidc-provider';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAuthorizationRequest,
  buildEndSessionUrl,
  createDiscoveryCache,
  createJwksCache,
  discover,
  type ProviderMetadata,
  processCallback,
  readCallbackParameters,
  revokeToken,
} from '../src/index.ts';

let op: TestOp;
let metadata: ProviderMetadata;

beforeAll(async () => {
  op = await startProvider();
  metadata = await discover(op.issuer);
});
afterAll(() => op.close());

const settings = (overrides: Partial<OidcSettings> = {}): OidcSettings =>
  publicPkceSettings(op.issuer, overrides);

async function login(oidc: OidcSettings, keys = createJwksCache(), meta = metadata) {
  const { url, transaction } = buildAuthorizationRequest(oidc, meta, { redirectUri: REDIRECT_URI });
  const callback = await browserLogin(url);
  const result = await processCallback(callback.params, transaction, oidc, meta, { keys });
  return { result, callback, transaction, url };
}

describe('full logins against oidc-provider', () => {
  it('code + PKCE S256 with a public client', async () => {
    const { result, callback, url } = await login(settings());
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(callback.method).toBe('GET');
    expect(result.identity).toEqual({ issuer: op.issuer, subject: 'ada-uuid' });
    expect(result.claims).toMatchObject({
      email: 'ada@example.com',
      email_verified: true,
      groups: ['admins', 'ml-engineers'],
    });
    const profile = mapClaims(result.claims, resolveClaimMapping('oidc'), {
      subject: result.identity.subject,
    });
    expect(profile).toMatchObject({
      username: 'ada',
      name: 'Ada Lovelace',
      groups: { state: 'present', values: ['admins', 'ml-engineers'] },
    });
    expect(result.tokens.accessToken).toEqual(expect.any(String));
  });

  it("code + PKCE plain (ClearML's code-challenge method) against oidc-provider 7.14.3", async () => {
    // oidc-provider 8+ implements S256 only; its 7.x line is the certified OP that still offers plain.
    const legacy = await startProvider({ release: 7 });
    try {
      const meta = await discover(legacy.issuer);
      expect(meta.code_challenge_methods_supported).toEqual(['S256', 'plain']);
      const oidc = { ...settings(), issuer: legacy.issuer, pkce: 'plain' as const };
      const { result, url, transaction } = await login(oidc, createJwksCache(), meta);
      expect(url.searchParams.get('code_challenge_method')).toBe('plain');
      expect(url.searchParams.get('code_challenge')).toBe(transaction.codeVerifier);
      expect(result.identity).toEqual({ issuer: legacy.issuer, subject: 'ada-uuid' });
      expect(result.claims.groups).toEqual(['admins', 'ml-engineers']);

      // The OP checks the verifier for real: the same login with another verifier is refused.
      const { url: url2, transaction: t2 } = buildAuthorizationRequest(oidc, meta, {
        redirectUri: REDIRECT_URI,
      });
      const callback = await browserLogin(url2);
      const error = await expectRefusal(
        processCallback(callback.params, { ...t2, codeVerifier: `${t2.codeVerifier}x` }, oidc, meta, {
          keys: createJwksCache(),
        }),
        'idp_error',
      );
      expect(error.details).toMatchObject({ error: 'invalid_grant' });
    } finally {
      await legacy.close();
    }
  });

  it('code with a confidential client (client_secret_basic) and no PKCE', async () => {
    op.nextUser = 'grace';
    const oidc = settings({
      clientId: 'confidential',
      clientSecret: 'confidential-secret-with-enough-entropy-0123456789',
      pkce: 'none',
    });
    const { result, url } = await login(oidc);
    op.nextUser = 'ada';
    expect(url.searchParams.has('code_challenge')).toBe(false);
    expect(result.identity.subject).toBe('grace-uuid');
    expect(result.claims.groups).toEqual(['viewers']);
  });

  it('code + S256 with client_secret_post', async () => {
    const oidc = settings({
      clientId: 'confidential-post',
      clientSecret: 'confidential-post-secret-with-entropy-0123456789',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    const { result } = await login(oidc);
    expect(result.identity.subject).toBe('ada-uuid');
  });

  it('implicit flow with response_mode=form_post (W&B default)', async () => {
    const oidc = settings({ clientId: 'implicit', flow: 'implicit' });
    const { result, callback, url } = await login(oidc);
    expect(url.searchParams.get('response_type')).toBe('id_token');
    expect(url.searchParams.get('response_mode')).toBe('form_post');
    expect(callback.method).toBe('POST');
    expect(result.tokens.accessToken).toBeUndefined();
    expect(result.claims).toMatchObject({ sub: 'ada-uuid', email: 'ada@example.com' });
  });

  it("userinfo mode (ClearML's 'obtain user information from identity token' unchecked)", async () => {
    const strict = await startProvider({ conformIdTokenClaims: true });
    try {
      const meta = await discover(strict.issuer);
      const oidc = { ...settings(), issuer: strict.issuer };
      const withoutUserinfo = await login(oidc, createJwksCache(), meta);
      expect(withoutUserinfo.result.claims.email).toBeUndefined();
      const withUserinfo = await login({ ...oidc, userInfo: 'userinfo' }, createJwksCache(), meta);
      expect(withUserinfo.result.claims).toMatchObject({
        sub: 'ada-uuid',
        email: 'ada@example.com',
        groups: ['admins', 'ml-engineers'],
      });
      expect(withUserinfo.result.idTokenClaims.email).toBeUndefined();
    } finally {
      await strict.close();
    }
  });

  it('follows a key rotation on the OP between two logins', async () => {
    const rotating = await startProvider({ keys: [rsaJwk('old-key')] });
    const port = rotating.port;
    const keys = createJwksCache({ cooldownMs: 0 });
    const meta = await discover(rotating.issuer);
    const oidc = { ...settings(), issuer: rotating.issuer };
    const first = await login(oidc, keys, meta);
    expect(first.result.identity.subject).toBe('ada-uuid');
    await rotating.close();
    await new Promise((resolve) => setTimeout(resolve, 100)); // let pooled keep-alive sockets notice
    const rotated = await startProvider({ port, keys: [rsaJwk('new-key')] });
    try {
      const second = await login(oidc, keys, meta);
      expect(second.result.identity.subject).toBe('ada-uuid');
      const header = JSON.parse(
        Buffer.from(second.result.tokens.idToken.split('.')[0] as string, 'base64url').toString(),
      );
      expect(header.kid).toBe('new-key');
    } finally {
      await rotated.close();
    }
  });

  it('builds an RP-initiated logout URL the OP accepts', async () => {
    const oidc = settings({
      clientId: 'confidential',
      clientSecret: 'confidential-secret-with-enough-entropy-0123456789',
      pkce: 'none',
    });
    const { result } = await login(oidc);
    const url = buildEndSessionUrl(metadata, {
      idTokenHint: result.tokens.idToken,
      postLogoutRedirectUri: POST_LOGOUT_URI,
      state: 'bye',
    });
    expect(url?.origin).toBe(op.issuer);
    const response = await fetch(url as URL, { redirect: 'manual' });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('logout');
    expect(page).not.toMatch(/invalid_request|error/i);
  });

  it('revokes the access token', async () => {
    const oidc = settings({
      clientId: 'confidential',
      clientSecret: 'confidential-secret-with-enough-entropy-0123456789',
      pkce: 'none',
    });
    const { result } = await login(oidc);
    expect(await revokeToken(oidc, metadata, result.tokens.accessToken as string)).toBe(true);
    const info = await fetch(metadata.userinfo_endpoint as string, {
      headers: { authorization: `Bearer ${result.tokens.accessToken}` },
    });
    expect(info.status).toBe(401);
  });

  it('uses the discovery cache for repeated logins', async () => {
    const cache = createDiscoveryCache();
    expect(await cache.get(op.issuer)).toBe(await cache.get(op.issuer));
  });
});

describe('refused callbacks against oidc-provider', () => {
  const refused = expectRefusal;

  it('refuses a callback whose state belongs to another login', async () => {
    const oidc = settings();
    const a = buildAuthorizationRequest(oidc, metadata, { redirectUri: REDIRECT_URI });
    const b = buildAuthorizationRequest(oidc, metadata, { redirectUri: REDIRECT_URI });
    const callback = await browserLogin(a.url);
    await refused(
      processCallback(callback.params, b.transaction, oidc, metadata, { keys: createJwksCache() }),
      'invalid_state',
    );
  });

  it('refuses a replayed code: the OP answers invalid_grant, as idp_error', async () => {
    const oidc = settings();
    const { url, transaction } = buildAuthorizationRequest(oidc, metadata, { redirectUri: REDIRECT_URI });
    const callback = await browserLogin(url);
    await processCallback(callback.params, transaction, oidc, metadata, { keys: createJwksCache() });
    const error = await refused(
      processCallback(callback.params, transaction, oidc, metadata, { keys: createJwksCache() }),
      'idp_error',
    );
    expect(error.details).toMatchObject({ error: 'invalid_grant' });
  });

  it("turns the IdP's error answer into idp_error with its description", async () => {
    const oidc = settings();
    const { url, transaction } = buildAuthorizationRequest(oidc, metadata, {
      redirectUri: REDIRECT_URI,
      prompt: 'none',
    });
    const callback = await browserLogin(url, new Map());
    const error = await refused(
      processCallback(callback.params, transaction, oidc, metadata, { keys: createJwksCache() }),
      'idp_error',
    );
    expect(error.details).toMatchObject({ error: 'login_required' });
    expect(error.message).toContain('login_required');
  });

  it('checks the RFC 9207 iss parameter the OP sends', async () => {
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    const oidc = settings();
    const { url, transaction } = buildAuthorizationRequest(oidc, metadata, { redirectUri: REDIRECT_URI });
    const callback = await browserLogin(url);
    expect(callback.params.get('iss')).toBe(op.issuer);
    const forged = new URLSearchParams(callback.params);
    forged.set('iss', 'https://evil.example.com');
    const error = await refused(
      processCallback(forged, transaction, oidc, metadata, { keys: createJwksCache() }),
      'invalid_state',
    );
    expect(error.details).toMatchObject({ reason: 'iss' });
    forged.delete('iss');
    await refused(
      processCallback(forged, transaction, oidc, metadata, { keys: createJwksCache() }),
      'invalid_state',
    );
  });

  it('refuses a wrong client secret at the token endpoint as idp_error', async () => {
    const oidc = settings({ clientId: 'confidential', clientSecret: 'wrong-secret', pkce: 'none' });
    const { url, transaction } = buildAuthorizationRequest(oidc, metadata, { redirectUri: REDIRECT_URI });
    const callback = await browserLogin(url);
    const error = await refused(
      processCallback(callback.params, transaction, oidc, metadata, { keys: createJwksCache() }),
      'idp_error',
    );
    expect(error.details).toMatchObject({ error: 'invalid_client' });
    expect(error.message).not.toContain('wrong-secret');
  });

  it('refuses verifySignature: false and userinfo with the implicit flow as configuration errors', async () => {
    const { transaction } = buildAuthorizationRequest(settings(), metadata, { redirectUri: REDIRECT_URI });
    await refused(
      processCallback(new URLSearchParams(), transaction, settings({ verifySignature: false }), metadata, {
        keys: createJwksCache(),
      }),
      'config_invalid',
    );
    const implicit = buildAuthorizationRequest(settings({ flow: 'implicit' }), metadata, {
      redirectUri: REDIRECT_URI,
    });
    await refused(
      processCallback(
        new URLSearchParams(),
        implicit.transaction,
        settings({ flow: 'implicit', userInfo: 'userinfo' }),
        metadata,
        { keys: createJwksCache() },
      ),
      'config_invalid',
    );
  });
});

describe('strict protocol reading against oidc-provider', () => {
  const refused = expectRefusal;
  /** The OP's answer as the browser would deliver it to the callback, by GET or by form POST. */
  const deliver = (method: 'GET' | 'POST', params: URLSearchParams) =>
    readCallbackParameters(
      method === 'GET'
        ? new Request(`${REDIRECT_URI}?${params}`)
        : new Request(REDIRECT_URI, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: params,
          }),
    );
  const implicit = () => settings({ clientId: 'implicit', flow: 'implicit' });

  it('refuses a real callback with a repeated parameter when it is read (RFC 6749 §3.1)', async () => {
    const { url } = buildAuthorizationRequest(settings(), metadata, { redirectUri: REDIRECT_URI });
    const callback = await browserLogin(url);
    for (const name of ['code', 'state', 'iss']) {
      const repeated = new URLSearchParams(callback.params);
      repeated.append(name, name === 'iss' ? 'https://evil.example.com' : 'another-value');
      const error = await refused(deliver('GET', repeated), 'invalid_request', 'duplicate_parameter');
      expect(error.details).toMatchObject({ parameter: name });
    }
    const implicitLogin = buildAuthorizationRequest(implicit(), metadata, { redirectUri: REDIRECT_URI });
    const posted = await browserLogin(implicitLogin.url);
    posted.params.append('id_token', posted.params.get('id_token') as string);
    await refused(deliver('POST', posted.params), 'invalid_request', 'duplicate_parameter');
  });

  it('refuses an ID token injected into a code-flow callback, before the code is spent', async () => {
    const earlier = await login(settings());
    const oidc = settings();
    const { url, transaction } = buildAuthorizationRequest(oidc, metadata, { redirectUri: REDIRECT_URI });
    const callback = await browserLogin(url);
    for (const [name, value] of [
      ['id_token', earlier.result.tokens.idToken],
      ['access_token', earlier.result.tokens.accessToken as string],
    ]) {
      const injected = await deliver(
        'GET',
        new URLSearchParams([...callback.params, [name as string, value as string]]),
      );
      await refused(
        processCallback(injected, transaction, oidc, metadata, { keys: createJwksCache() }),
        'invalid_request',
        'unexpected_parameter',
      );
    }
    // The OP's code was never presented: the untouched answer still completes the login.
    const clean = await deliver('GET', callback.params);
    await expect(
      processCallback(clean, transaction, oidc, metadata, { keys: createJwksCache() }),
    ).resolves.toMatchObject({ identity: { subject: 'ada-uuid' } });
  });

  it('refuses a code added to an implicit (id_token only) answer', async () => {
    const oidc = implicit();
    const { url, transaction } = buildAuthorizationRequest(oidc, metadata, { redirectUri: REDIRECT_URI });
    const callback = await browserLogin(url);
    expect(callback.method).toBe('POST');
    const injected = await deliver(
      'POST',
      new URLSearchParams([...callback.params, ['code', 'stolen-code']]),
    );
    const error = await refused(
      processCallback(injected, transaction, oidc, metadata, { keys: createJwksCache() }),
      'invalid_request',
      'unexpected_parameter',
    );
    expect(error.details).toMatchObject({ parameter: 'code', responseType: 'id_token' });
  });

  it("refuses the OP's form_post answer replayed in a query string, and a code-flow answer posted", async () => {
    const oidc = implicit();
    const { url, transaction } = buildAuthorizationRequest(oidc, metadata, { redirectUri: REDIRECT_URI });
    const posted = await browserLogin(url);
    await refused(
      processCallback(await deliver('GET', posted.params), transaction, oidc, metadata, {
        keys: createJwksCache(),
      }),
      'invalid_request',
      'response_mode',
    );
    await expect(
      processCallback(await deliver('POST', posted.params), transaction, oidc, metadata, {
        keys: createJwksCache(),
      }),
    ).resolves.toMatchObject({ identity: { subject: 'ada-uuid' } });

    const code = settings();
    const started = buildAuthorizationRequest(code, metadata, { redirectUri: REDIRECT_URI });
    const redirected = await browserLogin(started.url);
    expect(redirected.method).toBe('GET');
    await refused(
      processCallback(await deliver('POST', redirected.params), started.transaction, code, metadata, {
        keys: createJwksCache(),
      }),
      'invalid_request',
      'response_mode',
    );
    await expect(
      processCallback(await deliver('GET', redirected.params), started.transaction, code, metadata, {
        keys: createJwksCache(),
      }),
    ).resolves.toMatchObject({ identity: { subject: 'ada-uuid' } });
  });

  it("refuses the OP's real ID token when its alg is not one the OP advertises", async () => {
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['RS256']);
    const oidc = settings();
    const { url, transaction } = buildAuthorizationRequest(oidc, metadata, { redirectUri: REDIRECT_URI });
    const callback = await browserLogin(url);
    const error = await refused(
      processCallback(
        callback.params,
        transaction,
        oidc,
        { ...metadata, id_token_signing_alg_values_supported: ['ES256'] },
        { keys: createJwksCache() },
      ),
      'id_token_invalid',
      'alg',
    );
    expect(error.message).toContain('RS256');
  });

  it("refuses the OP's implicit ID token once it is older than maxIdTokenAgeSec", async () => {
    const oidc = implicit();
    const { url, transaction } = buildAuthorizationRequest(oidc, metadata, { redirectUri: REDIRECT_URI });
    const posted = await deliver('POST', (await browserLogin(url)).params);
    // Ten minutes later (the OP's ID tokens live an hour): past the 300 s default and the 60 s tolerance.
    const later = () => Date.now() + 10 * 60_000;
    await refused(
      processCallback(posted, transaction, oidc, metadata, { keys: createJwksCache(), [now]: later }),
      'id_token_invalid',
      'iat',
    );
    await expect(
      processCallback(posted, transaction, oidc, metadata, {
        keys: createJwksCache(),
        [now]: later,
        maxIdTokenAgeSec: 900,
      }),
    ).resolves.toMatchObject({ identity: { subject: 'ada-uuid' } });
  });
});
