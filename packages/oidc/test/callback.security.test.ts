/**
 * Invariant family: a callback is accepted only when it belongs to the login that started it, and its
 * ID token passes every check on every path, the token endpoint's included. Played against a
 * misbehaving OP on 127.0.0.1 (jose-minted tokens), with msw for transport faults and Microsoft Graph.
 */
import { createHash } from 'node:crypto';
import type { OidcSettings } from '@ssokit/core';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildAuthorizationRequest,
  createJwksCache,
  type OidcTransaction,
  type ProviderMetadata,
  processCallback,
  readCallbackParameters,
  resolveGroupOverage,
} from '../src/index.ts';
import { b64, json, type MockOp, makeKey, type SigningKey, startMockOp } from './helpers/mock-op.ts';

let op: MockOp;
let key: SigningKey;
let attacker: SigningKey;
let metadata: ProviderMetadata;
// What the mock token endpoint answers next; `undefined` = a valid answer for the pending code.
let tokenAnswer: ((body: URLSearchParams) => { status: number; body: unknown }) | undefined;
let issued: { code: string; challenge?: string; method?: string; nonce: string } | undefined;
let userinfo: Record<string, unknown> = {};
/** Claims the next ID token carries besides the standard ones (`email: ada@example.com` by default). */
let idTokenExtra: Record<string, unknown> = {};
/** Requests the mock token endpoint received: a refusal before the code exchange leaves it unchanged. */
let tokenRequests = 0;
const msw = setupServer();

beforeAll(async () => {
  op = await startMockOp('client-1');
  [key, attacker] = await Promise.all([makeKey('RS256', 'good'), makeKey('RS256', 'good')]);
  op.published = [key.jwk];
  metadata = {
    issuer: op.issuer,
    authorization_endpoint: `${op.issuer}/authorize`,
    token_endpoint: `${op.issuer}/token`,
    userinfo_endpoint: `${op.issuer}/userinfo`,
    jwks_uri: op.jwksUri,
  };
  op.routes.set('/token', async (_req, res, raw) => {
    tokenRequests++;
    const body = new URLSearchParams(raw);
    if (tokenAnswer) {
      const answer = tokenAnswer(body);
      return json(res, answer.body, answer.status);
    }
    if (!issued || body.get('code') !== issued.code) return json(res, { error: 'invalid_grant' }, 400);
    const verifier = body.get('code_verifier');
    if (issued.challenge !== undefined) {
      const expected =
        issued.method === 'plain'
          ? verifier
          : verifier && createHash('sha256').update(verifier).digest('base64url');
      if (expected !== issued.challenge)
        return json(res, { error: 'invalid_grant', error_description: 'PKCE verification failed' }, 400);
    }
    const accessToken = `at-${issued.code}`;
    const idToken = await op.mint(
      op.claims({ nonce: issued.nonce, email: 'ada@example.com', ...idTokenExtra }),
      key,
    );
    issued = undefined;
    return json(res, { access_token: accessToken, token_type: 'Bearer', id_token: idToken, expires_in: 300 });
  });
  op.routes.set('/userinfo', (_req, res) => json(res, userinfo));
  msw.listen({ onUnhandledFrame: 'bypass' });
});
afterEach(() => msw.resetHandlers());
afterAll(async () => {
  msw.close();
  await op.close();
});
beforeEach(() => {
  tokenAnswer = undefined;
  idTokenExtra = {};
  userinfo = { sub: 'user-1', email: 'ada@example.com', department: 'R&D', iss: 'https://evil.example.com' };
});

const settings = (overrides: Partial<OidcSettings> = {}): OidcSettings => ({
  issuer: op.issuer,
  clientId: 'client-1',
  flow: 'code',
  pkce: 'S256',
  scopes: ['openid', 'email'],
  userInfo: 'id_token',
  verifySignature: true,
  ...overrides,
});

/** Starts a login and has the mock OP issue a code for it, as its /authorize would. */
function authorize(oidc: OidcSettings): { params: URLSearchParams; transaction: OidcTransaction } {
  const { url, transaction } = buildAuthorizationRequest(oidc, metadata, {
    redirectUri: 'http://127.0.0.1:9/cb',
  });
  const code = `code-${Math.random()}`;
  issued = {
    code,
    nonce: url.searchParams.get('nonce') as string,
    ...(url.searchParams.has('code_challenge')
      ? {
          challenge: url.searchParams.get('code_challenge') as string,
          method: url.searchParams.get('code_challenge_method') as string,
        }
      : {}),
  };
  return { params: new URLSearchParams({ code, state: transaction.state }), transaction };
}

const refused = expectRefusal;

describe('the code flow against a misbehaving OP', () => {
  it('completes with PKCE plain, checked by the OP', async () => {
    const oidc = settings({ pkce: 'plain' });
    const { params, transaction } = authorize(oidc);
    expect(issued?.method).toBe('plain');
    const result = await processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() });
    expect(result.identity).toEqual({ issuer: op.issuer, subject: 'user-1' });
  });

  it('a PKCE setting outside the choices (a custom store) is S256, never sent as is nor dropped', async () => {
    for (const pkce of ['NONE', 's256', '', false, null]) {
      const oidc = settings({ pkce: pkce as never });
      const { url, transaction } = buildAuthorizationRequest(oidc, metadata, {
        redirectUri: 'http://127.0.0.1:9/cb',
      });
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('code_challenge')).toBe(
        createHash('sha256')
          .update(transaction.codeVerifier as string)
          .digest('base64url'),
      );
    }
    const none = buildAuthorizationRequest(settings({ pkce: 'none' }), metadata, {
      redirectUri: 'http://127.0.0.1:9/cb',
    });
    expect(none.url.searchParams.has('code_challenge')).toBe(false);
  });

  it('checks the signature of the ID token from the token endpoint', async () => {
    const oidc = settings();
    const { params, transaction } = authorize(oidc);
    tokenAnswer = () => ({ status: 200, body: { access_token: 'at', token_type: 'Bearer', id_token: 'x' } });
    const forged = await op.mint(op.claims({ nonce: transaction.nonce }), attacker);
    tokenAnswer = () => ({
      status: 200,
      body: { access_token: 'at', token_type: 'Bearer', id_token: forged },
    });
    await refused(
      processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() }),
      'id_token_invalid',
      'signature',
    );
  });

  it('refuses an ID token from the token endpoint with another nonce (a swapped code)', async () => {
    const oidc = settings();
    const { params, transaction } = authorize(oidc);
    const other = await op.mint(op.claims({ nonce: 'a-different-login' }), key);
    tokenAnswer = () => ({
      status: 200,
      body: { access_token: 'at', token_type: 'Bearer', id_token: other },
    });
    await refused(
      processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() }),
      'id_token_invalid',
      'nonce',
    );
  });

  it('refuses a token answer without an id_token, or without a usable access token', async () => {
    const oidc = settings();
    const cases: [Record<string, unknown>, string][] = [
      [{ access_token: 'at', token_type: 'Bearer' }, 'id_token_invalid'],
      [{ token_type: 'Bearer', id_token: 'x' }, 'idp_unreachable'],
      [{ access_token: 'at', token_type: 'mac', id_token: 'x' }, 'idp_unreachable'],
    ];
    for (const [body, code] of cases) {
      const { params, transaction } = authorize(oidc);
      tokenAnswer = () => ({ status: 200, body });
      await refused(processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() }), code);
    }
  });

  it('refuses userinfo about another subject', async () => {
    const oidc = settings({ userInfo: 'userinfo' });
    const { params, transaction } = authorize(oidc);
    userinfo = { sub: 'someone-else', email: 'mallory@example.com' };
    await refused(
      processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() }),
      'userinfo_invalid',
      'sub',
    );
  });

  it('merges userinfo claims but never over the protocol claims', async () => {
    const oidc = settings({ userInfo: 'userinfo' });
    const { params, transaction } = authorize(oidc);
    const result = await processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() });
    expect(result.claims).toMatchObject({ department: 'R&D', iss: op.issuer, sub: 'user-1' });
  });

  it("never pairs userinfo's email or phone with the ID token's verification flag", async () => {
    const oidc = settings({ userInfo: 'userinfo' });
    const login = async (info: Record<string, unknown>) => {
      const { params, transaction } = authorize(oidc);
      userinfo = { sub: 'user-1', ...info };
      return (await processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() })).claims;
    };
    idTokenExtra = {
      email: 'mallory@evil.example',
      email_verified: true,
      phone_number: '+1 555 0100',
      phone_number_verified: true,
    };
    // Another address without a flag: the merged claims have none.
    const swapped = await login({ email: 'victim@corp.example', phone_number: '+1 555 0199' });
    expect(swapped).toMatchObject({ email: 'victim@corp.example', phone_number: '+1 555 0199' });
    expect(swapped).not.toHaveProperty('email_verified');
    expect(swapped).not.toHaveProperty('phone_number_verified');
    // A flag without its value vouches for nothing: the ID token's pair stays.
    idTokenExtra = { ...idTokenExtra, email_verified: false, phone_number_verified: false };
    const flagsOnly = await login({ email_verified: true, phone_number_verified: true });
    expect(flagsOnly).toMatchObject({
      email: 'mallory@evil.example',
      email_verified: false,
      phone_number: '+1 555 0100',
      phone_number_verified: false,
    });
    // Value and flag from userinfo: taken together.
    const paired = await login({ email: 'victim@corp.example', email_verified: true });
    expect(paired).toMatchObject({ email: 'victim@corp.example', email_verified: true });
  });

  it('refuses a callback without state, or with a missing code', async () => {
    const oidc = settings();
    const { transaction } = authorize(oidc);
    await refused(
      processCallback(new URLSearchParams({ code: 'c' }), transaction, oidc, metadata, {
        keys: createJwksCache(),
      }),
      'invalid_state',
      'state',
    );
    await refused(
      processCallback(new URLSearchParams({ state: transaction.state }), transaction, oidc, metadata, {
        keys: createJwksCache(),
      }),
      'invalid_request',
    );
  });

  it('shows IdP error text safely: printable ASCII only, bounded', async () => {
    const oidc = settings();
    const { transaction } = authorize(oidc);
    const params = new URLSearchParams({
      state: transaction.state,
      error: 'access_denied',
      error_description: `<script>x</script>\u0000\u202e${'y'.repeat(500)}`,
    });
    const error = await refused(
      processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() }),
      'idp_error',
    );
    expect(error.message.includes('\u0000') || error.message.includes('\u202e')).toBe(false);
    expect(String(error.details?.error_description).length).toBeLessThanOrEqual(201);
  });
});

describe('strict reading of the authorization response', () => {
  const viaGet = (params: URLSearchParams) =>
    readCallbackParameters(new Request(`http://127.0.0.1:9/cb?${params}`));
  const viaPost = (params: URLSearchParams) =>
    readCallbackParameters(
      new Request('http://127.0.0.1:9/cb', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: params,
      }),
    );
  const implicitSettings = () => settings({ flow: 'implicit', pkce: 'none' });
  /** An implicit (form_post) login and the ID token the OP would post for it. */
  async function implicitLogin(claims: Record<string, unknown> = {}, signingKey = key) {
    const oidc = implicitSettings();
    const { transaction } = buildAuthorizationRequest(oidc, metadata, {
      redirectUri: 'http://127.0.0.1:9/cb',
    });
    const idToken = await op.mint(op.claims({ nonce: transaction.nonce, ...claims }), signingKey);
    return {
      oidc,
      transaction,
      params: new URLSearchParams({ id_token: idToken, state: transaction.state }),
    };
  }

  it('refuses any parameter given twice, in the query or the form body (RFC 6749 §3.1)', async () => {
    for (const name of ['state', 'code', 'id_token', 'iss', 'error', 'session_state', 'anything']) {
      const params = new URLSearchParams({ state: 'the-state', code: 'the-code' });
      if (!params.has(name)) params.set(name, 'a-first-value');
      params.append(name, 'a-second-value');
      const error = await refused(viaGet(params), 'invalid_request', 'duplicate_parameter');
      expect(error.details).toMatchObject({ parameter: name });
      await refused(viaPost(params), 'invalid_request', 'duplicate_parameter');
    }
    // The same value twice is still two parameters.
    await refused(
      viaGet(new URLSearchParams('state=s&state=s&code=c')),
      'invalid_request',
      'duplicate_parameter',
    );
  });

  it('refuses repeated parameters in processCallback too, before the code is exchanged', async () => {
    const oidc = settings();
    for (const name of ['code', 'state', 'iss']) {
      const { params, transaction } = authorize(oidc);
      if (name === 'iss') params.set('iss', op.issuer);
      params.append(name, name === 'state' ? transaction.state : 'another-value');
      const before = tokenRequests;
      await refused(
        processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() }),
        'invalid_request',
        'duplicate_parameter',
      );
      expect(tokenRequests).toBe(before);
    }
  });

  it('refuses an id_token, access_token or JARM response in a code-flow callback, before the exchange', async () => {
    const oidc = settings();
    const injected = await op.mint(op.claims({ sub: 'mallory' }), key);
    const jarm = `${b64({ alg: 'RS256' })}.${b64({ code: 'c' })}.AA`;
    for (const [name, value] of [
      ['id_token', injected],
      ['access_token', 'at-injected'],
      ['response', jarm],
    ] as const) {
      const { params, transaction } = authorize(oidc);
      params.set(name, value);
      const before = tokenRequests;
      const error = await refused(
        processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() }),
        'invalid_request',
        'unexpected_parameter',
      );
      expect(error.details).toMatchObject({ parameter: name, responseType: 'code' });
      expect(error.message).not.toContain(value);
      expect(tokenRequests).toBe(before);
    }
  });

  it('refuses a code, access_token or JARM response where only an id_token was asked for', async () => {
    const { oidc, transaction, params } = await implicitLogin();
    const mode = (p: URLSearchParams) =>
      Object.assign(new URLSearchParams(p), { responseMode: 'form_post' as const });
    await expect(
      processCallback(mode(params), transaction, oidc, metadata, { keys: createJwksCache() }),
    ).resolves.toMatchObject({ identity: { subject: 'user-1' } });
    for (const name of ['code', 'access_token', 'response']) {
      const extra = mode(params);
      extra.set(name, 'x');
      const error = await refused(
        processCallback(extra, transaction, oidc, metadata, { keys: createJwksCache() }),
        'invalid_request',
        'unexpected_parameter',
      );
      expect(error.details).toMatchObject({ parameter: name, responseType: 'id_token' });
    }
  });

  it('refuses an implicit (form_post) answer that arrives in the query string', async () => {
    const { oidc, transaction, params } = await implicitLogin();
    const error = await refused(
      processCallback(await viaGet(params), transaction, oidc, metadata, { keys: createJwksCache() }),
      'invalid_request',
      'response_mode',
    );
    expect(error.details).toMatchObject({ expected: 'form_post', received: 'query' });
    expect(error.message).toContain('query string');
    await expect(
      processCallback(await viaPost(params), transaction, oidc, metadata, { keys: createJwksCache() }),
    ).resolves.toMatchObject({ identity: { subject: 'user-1' } });
  });

  it('refuses a code-flow answer posted as a form, before the code is exchanged', async () => {
    const oidc = settings();
    const { params, transaction } = authorize(oidc);
    const before = tokenRequests;
    const error = await refused(
      processCallback(await viaPost(params), transaction, oidc, metadata, { keys: createJwksCache() }),
      'invalid_request',
      'response_mode',
    );
    expect(error.details).toMatchObject({ expected: 'query', received: 'form_post' });
    expect(tokenRequests).toBe(before);
    // The code was not spent: the same answer in the query completes the login.
    await expect(
      processCallback(await viaGet(params), transaction, oidc, metadata, { keys: createJwksCache() }),
    ).resolves.toMatchObject({ identity: { subject: 'user-1' } });
  });

  it("refuses an IdP error answer in the wrong mode, naming the IdP's error", async () => {
    const { oidc, transaction } = await implicitLogin();
    const params = new URLSearchParams({ state: transaction.state, error: 'unsupported_response_mode' });
    const error = await refused(
      processCallback(await viaGet(params), transaction, oidc, metadata, { keys: createJwksCache() }),
      'invalid_request',
      'response_mode',
    );
    expect(error.details).toMatchObject({ error: 'unsupported_response_mode' });
    await refused(
      processCallback(await viaPost(params), transaction, oidc, metadata, { keys: createJwksCache() }),
      'idp_error',
    );
  });

  it('records the response type and mode in the transaction, and derives them for older transactions', async () => {
    const oidc = settings();
    const { params, transaction } = authorize(oidc);
    expect(transaction).toMatchObject({ responseType: 'code', responseMode: 'query' });
    expect((await implicitLogin()).transaction).toMatchObject({
      responseType: 'id_token',
      responseMode: 'form_post',
    });
    // A transaction stored before these fields existed: the rules come from its flow.
    const { responseType: _t, responseMode: _m, ...stored } = transaction;
    await refused(
      processCallback(await viaPost(params), stored, oidc, metadata, { keys: createJwksCache() }),
      'invalid_request',
      'response_mode',
    );
    const injected = await viaGet(new URLSearchParams([...params, ['access_token', 'x']]));
    await refused(
      processCallback(injected, stored, oidc, metadata, { keys: createJwksCache() }),
      'invalid_request',
      'unexpected_parameter',
    );
    await expect(
      processCallback(await viaGet(params), stored, oidc, metadata, { keys: createJwksCache() }),
    ).resolves.toMatchObject({ identity: { subject: 'user-1' } });
  });

  it('refuses a stored transaction with a response type this version does not handle', async () => {
    const oidc = settings();
    const { params, transaction } = authorize(oidc);
    await refused(
      processCallback(params, { ...transaction, responseType: 'code id_token' as never }, oidc, metadata, {
        keys: createJwksCache(),
      }),
      'invalid_state',
      'transaction',
    );
  });

  it('refuses an implicit ID token issued longer ago than maxIdTokenAgeSec (default 300 s)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await implicitLogin({ iat: now - 600, exp: now + 600 });
    const error = await refused(
      processCallback(await viaPost(old.params), old.transaction, old.oidc, metadata, {
        keys: createJwksCache(),
      }),
      'id_token_invalid',
      'iat',
    );
    expect(error.message).toMatch(/issued 60\d s ago.*300 s/);
    // Within the default (and its 60 s clock tolerance), and with a longer setting, it is accepted.
    const recent = await implicitLogin({ iat: now - 330 });
    await expect(
      processCallback(await viaPost(recent.params), recent.transaction, recent.oidc, metadata, {
        keys: createJwksCache(),
      }),
    ).resolves.toBeTruthy();
    await expect(
      processCallback(await viaPost(old.params), old.transaction, old.oidc, metadata, {
        keys: createJwksCache(),
        maxIdTokenAgeSec: 900,
      }),
    ).resolves.toBeTruthy();
    await expect(
      processCallback(await viaPost(old.params), old.transaction, old.oidc, metadata, {
        keys: createJwksCache(),
        maxIdTokenAgeSec: -1,
      }),
    ).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('does not apply the age limit to an ID token fresh from the token endpoint', async () => {
    const now = Math.floor(Date.now() / 1000);
    const oidc = settings();
    const { params, transaction } = authorize(oidc);
    const idToken = await op.mint(
      op.claims({ nonce: transaction.nonce, iat: now - 600, exp: now + 600 }),
      key,
    );
    tokenAnswer = () => ({
      status: 200,
      body: { access_token: 'at', token_type: 'Bearer', id_token: idToken },
    });
    await expect(
      processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() }),
    ).resolves.toBeTruthy();
  });

  it('accepts only ID token algorithms the OP advertises, and RS256 alone when it advertises none', async () => {
    const ec = await makeKey('ES256', 'ec-1');
    op.published = [key.jwk, ec.jwk];
    try {
      // `metadata` has no id_token_signing_alg_values_supported: RS256 only, and no key is fetched.
      const keys = createJwksCache();
      const fetches = op.jwksFetches;
      const es = await implicitLogin({}, ec);
      const error = await refused(
        processCallback(await viaPost(es.params), es.transaction, es.oidc, metadata, { keys }),
        'id_token_invalid',
        'alg',
      );
      expect(error.message).toContain('lists no "id_token_signing_alg_values_supported"');
      expect(op.jwksFetches).toBe(fetches);
      // Unless the client chose its algorithm (its registered id_token_signed_response_alg).
      await expect(
        processCallback(await viaPost(es.params), es.transaction, es.oidc, metadata, {
          keys,
          algorithms: ['ES256'],
        }),
      ).resolves.toBeTruthy();
      // The OP's list and the client's list both apply.
      const advertising = { ...metadata, id_token_signing_alg_values_supported: ['ES256', 'HS256', 'none'] };
      await expect(
        processCallback(await viaPost(es.params), es.transaction, es.oidc, advertising, { keys }),
      ).resolves.toBeTruthy();
      const rs = await implicitLogin();
      const notListed = await refused(
        processCallback(await viaPost(rs.params), rs.transaction, rs.oidc, advertising, { keys }),
        'id_token_invalid',
        'alg',
      );
      expect(notListed.message).toContain('"id_token_signing_alg_values_supported"');
      await refused(
        processCallback(await viaPost(es.params), es.transaction, es.oidc, advertising, {
          keys,
          algorithms: ['RS256'],
        }),
        'id_token_invalid',
        'alg',
      );
    } finally {
      op.published = [key.jwk];
    }
  });
});

describe('token endpoint transport faults (msw)', () => {
  const remote: ProviderMetadata = {
    issuer: 'https://idp.example.com',
    authorization_endpoint: 'https://idp.example.com/authorize',
    token_endpoint: 'https://idp.example.com/token',
    jwks_uri: 'https://idp.example.com/jwks',
  };
  const oidc = () =>
    settings({ issuer: 'https://idp.example.com', clientSecret: 'sekret-value', pkce: 'none' });
  const start = () => {
    const { transaction } = buildAuthorizationRequest(oidc(), remote, {
      redirectUri: 'https://app.example.com/cb',
    });
    return { transaction, params: new URLSearchParams({ code: 'c', state: transaction.state }) };
  };

  it('a 400 with an OAuth error is idp_error; a 500 is idp_unreachable naming URL and status', async () => {
    msw.use(
      http.post('https://idp.example.com/token', () =>
        HttpResponse.json({ error: 'invalid_grant', error_description: 'code expired' }, { status: 400 }),
      ),
    );
    let { params, transaction } = start();
    const e400 = await refused(
      processCallback(params, transaction, oidc(), remote, { keys: createJwksCache() }),
      'idp_error',
    );
    expect(e400.message).toContain('invalid_grant (code expired)');
    msw.use(http.post('https://idp.example.com/token', () => new HttpResponse('boom', { status: 500 })));
    ({ params, transaction } = start());
    const e500 = await refused(
      processCallback(params, transaction, oidc(), remote, { keys: createJwksCache() }),
      'idp_unreachable',
    );
    expect(e500.message).toBe('The token endpoint at https://idp.example.com/token answered HTTP 500.');
    expect(e500.message).not.toContain('sekret-value');
  });

  it('a timeout and a malformed body are idp_unreachable', async () => {
    msw.use(
      http.post('https://idp.example.com/token', async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    let { params, transaction } = start();
    const slow = await refused(
      processCallback(params, transaction, oidc(), remote, { keys: createJwksCache(), timeoutMs: 100 }),
      'idp_unreachable',
    );
    expect(slow.message).toContain('did not answer within 100 ms');
    msw.use(
      http.post(
        'https://idp.example.com/token',
        () => new HttpResponse('{"access_token":', { headers: { 'content-type': 'application/json' } }),
      ),
    );
    ({ params, transaction } = start());
    const bad = await refused(
      processCallback(params, transaction, oidc(), remote, { keys: createJwksCache() }),
      'idp_unreachable',
    );
    expect(bad.message).toContain('not valid JSON');
  });

  it('sends the client secret with client_secret_basic, encoded as RFC 6749 §2.3.1 asks', async () => {
    let authorization = '';
    msw.use(
      http.post('https://idp.example.com/token', ({ request }) => {
        authorization = request.headers.get('authorization') ?? '';
        return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      }),
    );
    const { params, transaction } = start();
    const special = settings({
      issuer: 'https://idp.example.com',
      clientId: 'id:with space',
      clientSecret: 'p@ss:w/rd',
      pkce: 'none',
    });
    await refused(
      processCallback(params, transaction, special, remote, { keys: createJwksCache() }),
      'idp_error',
    );
    expect(Buffer.from(authorization.replace('Basic ', ''), 'base64').toString()).toBe(
      'id%3Awith+space:p%40ss%3Aw%2Frd',
    );
  });
});

describe('reading callback requests', () => {
  it('reads GET queries and form_post bodies, and refuses other shapes', async () => {
    expect(
      (await readCallbackParameters(new Request('https://app.example.com/cb?code=a&state=b'))).get('code'),
    ).toBe('a');
    const post = new Request('https://app.example.com/cb', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id_token=x&state=s',
    });
    expect((await readCallbackParameters(post)).get('id_token')).toBe('x');
    await expect(
      readCallbackParameters(new Request('https://app.example.com/cb', { method: 'PUT', body: 'x' })),
    ).rejects.toMatchObject({ code: 'method_not_allowed', details: { allow: 'GET, POST' } });
    await expect(
      readCallbackParameters(
        new Request('https://app.example.com/cb', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      ),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(
      readCallbackParameters(
        new Request('https://app.example.com/cb', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `x=${'a'.repeat(70_000)}`,
        }),
      ),
    ).rejects.toMatchObject({ code: 'payload_too_large' });
  });
});

describe('Entra group overage (Microsoft Graph through msw)', () => {
  const overage = {
    sub: 'x',
    _claim_names: { groups: 'src1' },
    _claim_sources: { src1: { endpoint: 'https://evil.example.com/steal' } },
  };

  it('resolves the groups from Graph, never from the endpoint the token names', async () => {
    let auth = '';
    msw.use(
      http.post('https://graph.microsoft.com/v1.0/me/getMemberObjects', ({ request }) => {
        auth = request.headers.get('authorization') ?? '';
        return HttpResponse.json({ value: ['g-1', 'g-2'] });
      }),
    );
    expect(await resolveGroupOverage(overage, 'graph-token')).toEqual({
      state: 'present',
      values: ['g-1', 'g-2'],
    });
    expect(auth).toBe('Bearer graph-token');
  });

  it("sends no other IdP's access token to Microsoft Graph, whatever its ID token claims about overage", async () => {
    let graphCalls = 0;
    msw.use(
      http.post('https://graph.microsoft.com/v1.0/me/getMemberObjects', () => {
        graphCalls++;
        return HttpResponse.json({ value: ['g-1'] });
      }),
    );
    const oidc = settings();
    const { params, transaction } = authorize(oidc);
    const claimsOverage = await op.mint(op.claims({ nonce: transaction.nonce, hasgroups: true }), key);
    tokenAnswer = () => ({
      status: 200,
      body: { access_token: 'the-idp-access-token', token_type: 'Bearer', id_token: claimsOverage },
    });
    const result = await processCallback(params, transaction, oidc, metadata, { keys: createJwksCache() });
    expect(result.groups).toBeUndefined();
    expect(graphCalls).toBe(0);
  });

  it('is unresolvable, never empty, when Graph fails or there is no access token', async () => {
    msw.use(
      http.post(
        'https://graph.microsoft.com/v1.0/me/getMemberObjects',
        () => new HttpResponse(null, { status: 403 }),
      ),
    );
    const failed = await resolveGroupOverage(overage, 'graph-token');
    expect(failed).toMatchObject({ state: 'unresolvable', reason: expect.stringContaining('HTTP 403') });
    expect(await resolveGroupOverage({ sub: 'x', hasgroups: true }, undefined)).toMatchObject({
      state: 'unresolvable',
    });
    expect(await resolveGroupOverage({ sub: 'x', groups: ['a'] }, 'graph-token')).toBeUndefined();
  });
});
