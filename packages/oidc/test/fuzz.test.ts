/**
 * Arbitrary input never crashes the OIDC steps: every failure is a typed SsoError.
 */
import { SsoError } from '@ssokit/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAuthorizationRequest,
  createAccessTokenVerifier,
  createJwksCache,
  processCallback,
  processDiscoveryDocument,
  validateIdToken,
} from '../src/index.ts';
import { type MockOp, makeKey, startMockOp } from './helpers/mock-op.ts';

let op: MockOp;
beforeAll(async () => {
  op = await startMockOp();
  op.published = [(await makeKey('RS256', 'k')).jwk];
});
afterAll(() => op.close());

const b64json = fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64url'));
const tokenish = fc.oneof(
  fc.string(),
  fc.tuple(b64json, b64json, fc.base64String()).map(([h, p, s]) => `${h}.${p}.${s.replace(/=/g, '')}`),
  fc
    .tuple(fc.jsonValue(), fc.jsonValue())
    .map(
      ([h, p]) =>
        `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k', ...(typeof h === 'object' && h && !Array.isArray(h) ? h : {}) })).toString('base64url')}.${Buffer.from(JSON.stringify(p)).toString('base64url')}.AAAA`,
    ),
);

describe('fuzzing', () => {
  it('validateIdToken answers any string with id_token_invalid, never a crash', async () => {
    const keys = createJwksCache();
    await fc.assert(
      fc.asyncProperty(tokenish, async (token) => {
        const error = await validateIdToken(token, {
          issuer: op.issuer,
          clientId: 'c',
          nonce: 'n',
          jwksUri: op.jwksUri,
          keys,
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SsoError);
        expect((error as SsoError).code).toBe('id_token_invalid');
      }),
      { numRuns: 300 },
    );
  });

  it('the access token verifier answers any string with access_token_invalid', async () => {
    const verifier = createAccessTokenVerifier({ jwksUri: op.jwksUri, audience: ['api'] });
    await fc.assert(
      fc.asyncProperty(tokenish, async (token) => {
        await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'access_token_invalid' });
      }),
      { numRuns: 200 },
    );
  });

  it('processDiscoveryDocument accepts or refuses any JSON with discovery_failed, never a crash', () => {
    const docArb = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          issuer: fc.oneof(fc.constant('https://idp.example.com'), fc.string()),
          authorization_endpoint: fc.oneof(fc.webUrl(), fc.string()),
          jwks_uri: fc.oneof(fc.webUrl(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(docArb, (doc) => {
        try {
          processDiscoveryDocument('https://idp.example.com', doc);
        } catch (error) {
          expect(error).toBeInstanceOf(SsoError);
          expect((error as SsoError).code).toBe('discovery_failed');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('processCallback answers arbitrary callback parameters with a typed error, never a crash', async () => {
    const oidc = {
      issuer: op.issuer,
      clientId: 'c',
      flow: 'implicit' as const,
      pkce: 'none' as const,
      scopes: ['openid'],
      userInfo: 'id_token' as const,
      verifySignature: true,
    };
    const metadata = {
      issuer: op.issuer,
      authorization_endpoint: `${op.issuer}/authorize`,
      jwks_uri: op.jwksUri,
    };
    const { transaction } = buildAuthorizationRequest(oidc, metadata, {
      redirectUri: 'http://127.0.0.1:9/cb',
    });
    const keys = createJwksCache();
    const paramArb = fc.dictionary(
      fc.constantFrom('state', 'id_token', 'code', 'error', 'error_description', 'iss', 'session_state', 'x'),
      fc.oneof(fc.string(), tokenish, fc.constant(transaction.state)),
    );
    await fc.assert(
      fc.asyncProperty(paramArb, fc.boolean(), async (record, rightState) => {
        const params = new URLSearchParams(record);
        if (rightState) params.set('state', transaction.state);
        const error = await processCallback(params, transaction, oidc, metadata, { keys }).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(SsoError);
        expect(['invalid_state', 'idp_error', 'invalid_request', 'id_token_invalid']).toContain(
          (error as SsoError).code,
        );
      }),
      { numRuns: 300 },
    );
  });
});
