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
import { json, type MockOp, makeKey, type SigningKey, startMockOp } from './helpers/mock-op.ts';

let op: MockOp;
let key: SigningKey;
let attacker: SigningKey;
let metadata: ProviderMetadata;
// What the mock token endpoint answers next; `undefined` = a valid answer for the pending code.
let tokenAnswer: ((body: URLSearchParams) => { status: number; body: unknown }) | undefined;
let issued: { code: string; challenge?: string; method?: string; nonce: string } | undefined;
let userinfo: Record<string, unknown> = {};
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
    const idToken = await op.mint(op.claims({ nonce: issued.nonce, email: 'ada@example.com' }), key);
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
