import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateIdToken } from './id-token.ts';
import { createJwksCache } from './jwks.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('JWKS transport faults (msw)', () => {
  const jwksUri = 'https://idp.example.com/jwks';
  // A well-formed RS256 token (its signature never gets checked: the keys cannot be fetched).
  const token = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x' })).toString('base64url')}.c2ln`;
  const validate = (options: Parameters<typeof createJwksCache>[0] = {}) =>
    validateIdToken(token, {
      issuer: 'https://idp.example.com',
      clientId: 'c',
      nonce: 'n',
      jwksUri,
      keys: createJwksCache(options),
    });

  it('times out with idp_unreachable naming the JWKS URL', async () => {
    server.use(
      http.get(jwksUri, async () => {
        await delay('infinite');
        return HttpResponse.json({ keys: [] });
      }),
    );
    const error = await expectRefusal(validate({ timeoutMs: 100 }));
    expect(error.code).toBe('idp_unreachable');
    expect(error.message).toBe('The JWKS at https://idp.example.com/jwks did not answer within 100 ms.');
  });

  it('reports a 500, malformed JSON and a set without keys as idp_unreachable', async () => {
    server.use(http.get(jwksUri, () => new HttpResponse(null, { status: 500 })));
    expect((await expectRefusal(validate())).message).toContain('answered HTTP 500');
    server.use(
      http.get(
        jwksUri,
        () => new HttpResponse('{"keys":[', { headers: { 'content-type': 'application/json' } }),
      ),
    );
    expect((await expectRefusal(validate())).message).toContain('not valid JSON');
    server.use(http.get(jwksUri, () => HttpResponse.json({ nokeys: true })));
    const error = await expectRefusal(validate());
    expect(error.code).toBe('idp_unreachable');
    expect(error.message).toContain('has no "keys" list');
  });
});
