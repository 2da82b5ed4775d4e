import { now } from '@ssokit/core';
import { arthurExampleClaims } from 'ssokit-test-fixtures/arthur';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier, createJwksCache } from '../src/index.ts';
import { type MockOp, makeKey, type SigningKey, startMockOp } from './helpers/mock-op.ts';

let op: MockOp;
let rsa: SigningKey;
let ec: SigningKey;
beforeAll(async () => {
  op = await startMockOp();
  [rsa, ec] = await Promise.all([makeKey('RS256', 'rsa-1'), makeKey('ES256', 'ec-1')]);
});
afterAll(() => op.close());
beforeEach(() => {
  op.published = [rsa.jwk, ec.jwk];
  op.jwksFetches = 0;
});

const timeNow = () => Math.floor(Date.now() / 1000);
// Arthur's "Basic Full Example" access token claims, on our mock issuer.
const arthurFull = () => ({
  ...arthurExampleClaims(op.issuer),
  exp: timeNow() + 300,
  iat: timeNow(),
});

describe('createAccessTokenVerifier', () => {
  it("maps Arthur's full example: roles from Groups, ids and names from custom claims", async () => {
    const verifier = createAccessTokenVerifier({
      issuer: op.issuer,
      audience: ['api://default'],
      claimMapping: {
        roles: 'Groups',
        userId: 'EmployeeID',
        username: 'Login',
        givenName: 'FirstName',
        familyName: 'LastName',
        email: 'Login',
      },
      roles: { roleDefinitions: [{ name: 'idp-admin', permissions: { custom_roles: ['read', 'write'] } }] },
    });
    const result = await verifier.verify(await op.mint(arthurFull(), rsa));
    expect(result.profile).toMatchObject({
      externalId: '1234567890',
      username: 'john.doe@example.com',
      name: 'John Doe',
      email: 'john.doe@example.com',
    });
    expect(result.roles).toEqual(['idp-admin']);
    expect(result.roleMatch.unmatchedGroups).toEqual(['org-1-model-owner', 'org-2-model-owner']);
  });

  it("maps Arthur's minimal example, where the user claim is everything", async () => {
    const { FirstName: _f, LastName: _l, Login: _g, EmployeeID: _e, ...rest } = arthurFull();
    const verifier = createAccessTokenVerifier({
      jwksUri: op.jwksUri,
      audience: ['api://default'],
      claimMapping: {
        roles: 'Groups',
        userId: 'user',
        username: 'user',
        givenName: '',
        familyName: '',
        email: 'user',
      },
    });
    const result = await verifier.verify(await op.mint({ ...rest, user: 'jane@example.com' }, rsa));
    expect(result.profile).toMatchObject({
      externalId: 'jane@example.com',
      username: 'jane@example.com',
      email: 'jane@example.com',
    });
    expect(result.profile.givenName).toBeUndefined();
  });

  it('refuses wrong audiences, issuers, algorithms and expired tokens with access_token_invalid', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: op.issuer,
      audience: ['api://default'],
      algorithms: ['RS256'],
    });
    const cases: [Record<string, unknown>, SigningKey, string][] = [
      [{ ...arthurFull(), aud: 'api://other' }, rsa, 'aud'],
      [{ ...arthurFull(), iss: 'https://evil.example.com' }, rsa, 'iss'],
      [{ ...arthurFull(), exp: timeNow() - 3600 }, rsa, 'exp'],
      [arthurFull(), ec, 'alg'],
    ];
    for (const [claims, key, reason] of cases) {
      await expect(verifier.verify(await op.mint(claims, key)), reason).rejects.toMatchObject({
        code: 'access_token_invalid',
        details: { reason },
      });
    }
    await expect(verifier.verify('not-a-token')).rejects.toMatchObject({
      code: 'access_token_invalid',
      details: { reason: 'malformed' },
    });
  });

  it('accepts additional issuers (AD FS access tokens)', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: 'https://adfs.example.com/adfs',
      additionalIssuers: [op.issuer],
      jwksUri: op.jwksUri,
      audience: ['api://default'],
    });
    await expect(verifier.verify(await op.mint({ ...arthurFull(), sub: 'u1' }, rsa))).resolves.toBeTruthy();
  });

  it('refuses a token with no user id under the default mapping (claim_missing)', async () => {
    const verifier = createAccessTokenVerifier({ jwksUri: op.jwksUri, audience: ['api://default'] });
    await expect(verifier.verify(await op.mint(arthurFull(), rsa))).rejects.toMatchObject({
      code: 'claim_missing',
    });
  });

  it('caches verified tokens, never past exp, and can be turned off', async () => {
    let clock = Date.now();
    const keys = createJwksCache();
    const verifier = createAccessTokenVerifier({
      jwksUri: op.jwksUri,
      audience: ['api://default'],
      keys,
      clockToleranceSec: 0,
      [now]: () => clock,
    });
    const token = await op.mint({ ...arthurFull(), sub: 'u1', exp: Math.floor(clock / 1000) + 10 }, rsa);
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
    clock += 11_000;
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'access_token_invalid',
      details: { reason: 'exp' },
    });

    const uncached = createAccessTokenVerifier({
      jwksUri: op.jwksUri,
      audience: ['api://default'],
      keys,
      cache: false,
    });
    const fresh = await op.mint({ ...arthurFull(), sub: 'u1' }, rsa);
    expect(await uncached.verify(fresh)).not.toBe(await uncached.verify(fresh));
  });

  it('bounds the cache', async () => {
    const verifier = createAccessTokenVerifier({
      jwksUri: op.jwksUri,
      audience: ['api://default'],
      cache: { maxEntries: 2 },
    });
    const tokens = await Promise.all(
      [1, 2, 3].map((i) => op.mint({ ...arthurFull(), sub: 'u1', jti: String(i) }, rsa)),
    );
    const results = [];
    for (const t of tokens) results.push(await verifier.verify(t as string));
    expect(await verifier.verify(tokens[2] as string)).toBe(results[2]);
    expect(await verifier.verify(tokens[0] as string)).not.toBe(results[0]);
  });

  it('refuses bad options with coded TypeErrors', () => {
    expect(() => createAccessTokenVerifier({ audience: ['a'] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => createAccessTokenVerifier({ jwksUri: op.jwksUri, audience: [] })).toThrow(
      /"options.audience"/,
    );
    expect(() =>
      createAccessTokenVerifier({ jwksUri: op.jwksUri, audience: ['a'], algorithms: ['HS256' as never] }),
    ).toThrow(/HS256/);
    expect(() => createAccessTokenVerifier(null as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});
