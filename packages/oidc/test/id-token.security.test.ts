/**
 * Invariant family: ID tokens are accepted only with a signature from the IdP's JWKS under an allowed
 * asymmetric algorithm the OP advertises, a `typ` that is not another kind of JWT, and with iss, aud,
 * azp, exp, iat (and its age, for tokens from the browser), nbf, nonce, at_hash and c_hash checked.
 * Modelled on the OpenID Foundation's RP certification tests and RFC 8725 / RFC 9700. Every refusal is
 * an SsoError `id_token_invalid` whose `details.reason` names the check.
 */
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { SsoError } from '@ssokit/core';
import { SignJWT } from 'jose';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IdTokenExpectations } from '../src/index.ts';
import { createJwksCache, validateIdToken } from '../src/index.ts';
import { b64, type MockOp, makeKey, type SigningKey, signRaw, startMockOp } from './helpers/mock-op.ts';

let op: MockOp;
let rsa: SigningKey;
let rsa2: SigningKey;
let ec: SigningKey;
let ed: SigningKey;

beforeAll(async () => {
  op = await startMockOp();
  [rsa, rsa2, ec, ed] = await Promise.all([
    makeKey('RS256', 'rsa-1'),
    makeKey('RS256', 'rsa-2'),
    makeKey('ES256', 'ec-1'),
    makeKey('EdDSA', 'ed-1'),
  ]);
});
afterAll(() => op.close());
beforeEach(() => {
  op.published = [rsa.jwk, ec.jwk, ed.jwk];
  op.jwksFetches = 0;
});

const expectations = (overrides: Partial<IdTokenExpectations> = {}): IdTokenExpectations => ({
  issuer: op.issuer,
  clientId: 'client-1',
  nonce: 'nonce-1',
  jwksUri: op.jwksUri,
  keys: createJwksCache(),
  ...overrides,
});

async function refused(
  token: string,
  reason: string,
  overrides: Partial<IdTokenExpectations> = {},
): Promise<SsoError> {
  const error = await expectRefusal(
    validateIdToken(token, expectations(overrides)),
    'id_token_invalid',
    reason,
  );
  if (token.length > 0) expect(error.message).not.toContain(token);
  return error;
}

describe('valid tokens', () => {
  it('accepts RS256, ES256 and EdDSA tokens and returns the claims', async () => {
    for (const key of [rsa, ec, ed]) {
      const claims = await validateIdToken(
        await op.mint(op.claims({ email: 'a@example.com' }), key),
        expectations(),
      );
      expect(claims).toMatchObject({ sub: 'user-1', email: 'a@example.com' });
    }
  });

  it('accepts a token without kid when exactly one key fits (rp-id_token-kid-absent-single-jwks)', async () => {
    op.published = [rsa.jwk];
    const token = await new SignJWT(op.claims()).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey);
    await expect(validateIdToken(token, expectations())).resolves.toMatchObject({ sub: 'user-1' });
  });
});

describe('signature and algorithm', () => {
  it('refuses alg "none" (rp-id_token-sig-none)', async () => {
    const token = `${b64({ alg: 'none' })}.${b64(op.claims())}.`;
    await refused(token, 'malformed');
    await refused(`${b64({ alg: 'none' })}.${b64(op.claims())}.AA`, 'alg');
  });

  it('refuses a bad signature (rp-id_token-bad-sig-rs256)', async () => {
    const token = await op.mint(op.claims(), rsa);
    const [h, , s] = token.split('.');
    await refused(`${h}.${b64(op.claims({ sub: 'admin' }))}.${s}`, 'signature');
  });

  it('refuses HS256 signed with the RSA public key as the HMAC secret', async () => {
    const pem = createPublicKey({ key: rsa.jwk as never, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    for (const secret of [pem, JSON.stringify(rsa.jwk)]) {
      const token = await new SignJWT(op.claims())
        .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
        .sign(new TextEncoder().encode(String(secret)));
      await refused(token, 'alg');
    }
  });

  it('refuses an algorithm outside the allow-list', async () => {
    await refused(await op.mint(op.claims(), ec), 'alg', { algorithms: ['RS256'] });
  });

  it('refuses a token whose kid names a key of another type', async () => {
    await refused(await op.mint(op.claims(), ec, { kid: rsa.kid }), 'kid');
  });

  it('refuses a token without kid when several keys fit (rp-id_token-kid-absent-multiple-jwks)', async () => {
    op.published = [rsa.jwk, rsa2.jwk];
    const token = await new SignJWT(op.claims()).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey);
    const error = await refused(token, 'kid');
    expect(error.message).toContain('2 RS256 signing keys');
  });

  it('refuses RSA keys shorter than 2048 bits', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    op.published = [{ ...publicKey.export({ format: 'jwk' }), kid: 'weak', use: 'sig' }];
    await refused(signRaw({ alg: 'RS256', kid: 'weak' }, op.claims(), privateKey), 'kid');
  });

  it('never takes a key from the token: jwk, jku, x5u and x5c headers are ignored', async () => {
    const attacker = await makeKey('RS256', rsa.kid);
    const token = await op.mint(op.claims(), attacker, {
      jwk: attacker.jwk,
      jku: `${op.issuer}/evil-jwks`,
      x5u: `${op.issuer}/evil.pem`,
    });
    await refused(token, 'signature');
  });

  it('refuses a crit header', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    op.published = [{ ...publicKey.export({ format: 'jwk' }), kid: 'raw', use: 'sig' }];
    const ok = signRaw({ alg: 'RS256', kid: 'raw' }, op.claims(), privateKey);
    await expect(validateIdToken(ok, expectations())).resolves.toBeTruthy();
    await refused(
      signRaw(
        { alg: 'RS256', kid: 'raw', crit: ['http://example.com/ext'], 'http://example.com/ext': true },
        op.claims(),
        privateKey,
      ),
      'crit',
    );
  });

  it('refuses malformed tokens: two parts, JWE, bad base64url, non-object payloads', async () => {
    const good = await op.mint(op.claims(), rsa);
    const [h, p, s] = good.split('.');
    for (const token of [
      `${h}.${p}`,
      `${h}.${p}.${s}.x.y`,
      `${h}.${p}!.${s}`,
      `${h}.${b64([1, 2])}.${s}`,
      `${h}..${s}`,
      '',
      `${b64('x')}.${p}.${s}`,
    ]) {
      await refused(token, 'malformed');
    }
  });
});

describe('the algorithms the OP advertises (OIDC Core §3.1.3.7 step 7, OIDC Discovery §3)', () => {
  it('refuses an algorithm the OP does not list in id_token_signing_alg_values_supported, before any key is fetched', async () => {
    const keys = createJwksCache();
    const error = await refused(await op.mint(op.claims(), ec), 'alg', {
      keys,
      advertisedAlgorithms: ['RS256'],
    });
    expect(error.message).toContain('"id_token_signing_alg_values_supported"');
    expect(op.jwksFetches).toBe(0);
    await expect(
      validateIdToken(
        await op.mint(op.claims(), ec),
        expectations({ advertisedAlgorithms: ['RS256', 'ES256'] }),
      ),
    ).resolves.toBeTruthy();
  });

  it('applies the OP list and the configured list together', async () => {
    await refused(await op.mint(op.claims(), rsa), 'alg', {
      advertisedAlgorithms: ['RS256', 'ES256'],
      algorithms: ['ES256'],
    });
    // What the OP lists that ssokit never verifies (HMAC, none) adds nothing.
    await refused(await op.mint(op.claims(), rsa), 'alg', { advertisedAlgorithms: ['HS256', 'none'] });
    await refused(`${b64({ alg: 'none' })}.${b64(op.claims())}.AA`, 'alg', {
      advertisedAlgorithms: ['none', 'RS256'],
    });
  });

  it('accepts RS256 alone when the OP lists nothing, unless the client chose its algorithms', async () => {
    for (const advertisedAlgorithms of [null, []]) {
      const error = await refused(await op.mint(op.claims(), ec), 'alg', { advertisedAlgorithms });
      expect(error.message).toContain('only RS256 is accepted');
      await refused(await op.mint(op.claims(), ed), 'alg', { advertisedAlgorithms });
      await expect(
        validateIdToken(await op.mint(op.claims(), rsa), expectations({ advertisedAlgorithms })),
      ).resolves.toBeTruthy();
      await expect(
        validateIdToken(
          await op.mint(op.claims(), ec),
          expectations({ advertisedAlgorithms, algorithms: ['ES256'] }),
        ),
      ).resolves.toBeTruthy();
    }
  });
});

describe('explicit typing (RFC 8725 §3.11)', () => {
  it('refuses a JWT typed for another purpose, in any case and with or without "application/"', async () => {
    const keys = createJwksCache();
    for (const typ of [
      'logout+jwt',
      'at+jwt',
      'secevent+jwt',
      'application/at+jwt',
      'AT+JWT',
      'Application/Logout+JWT',
      'dpop+jwt',
      'token-introspection+jwt',
    ]) {
      const error = await refused(await op.mint(op.claims(), rsa, { typ }), 'typ', { keys });
      expect(error.message).toContain('another purpose');
    }
    // Refused on the header: the key set was never fetched for them.
    expect(op.jwksFetches).toBe(0);
    await refused(await op.mint(op.claims(), rsa, { typ: 42 }), 'typ');
  });

  it('accepts "JWT" in any spelling, and no typ at all', async () => {
    for (const typ of ['JWT', 'jwt', 'application/jwt', undefined]) {
      await expect(
        validateIdToken(await op.mint(op.claims(), rsa, { typ }), expectations()),
        String(typ),
      ).resolves.toBeTruthy();
    }
  });
});

describe('the bytes verified are the token itself', () => {
  // Node's latin1 encoder and its base64url decoder both read a character above U+00FF by its low
  // byte, so "ő" (U+0151) passes for the "Q" that was signed. A token is accepted only as the exact
  // ASCII characters the IdP signed; a look-alike copy is refused, not read as the original.
  it('refuses a token whose signed part has non-ASCII look-alikes of the signed characters', async () => {
    const good = await op.mint(op.claims(), rsa);
    await expect(validateIdToken(good, expectations())).resolves.toMatchObject({ sub: 'user-1' });
    const [h, p, s] = good.split('.') as [string, string, string];
    const lookAlike = (part: string, at: number) =>
      `${part.slice(0, at)}${String.fromCharCode(0x100 + part.charCodeAt(at))}${part.slice(at + 1)}`;
    expect(Buffer.from(lookAlike(p, 5), 'base64url')).toEqual(Buffer.from(p, 'base64url'));
    await refused(`${h}.${lookAlike(p, 5)}.${s}`, 'malformed');
    await refused(`${lookAlike(h, 2)}.${p}.${s}`, 'malformed');
  });
});

describe('key rotation', () => {
  it('refetches the JWKS on an unknown kid and accepts the rotated key (rp-key-rotation-op-sign-key)', async () => {
    const keys = createJwksCache({ cooldownMs: 0 });
    await validateIdToken(await op.mint(op.claims(), rsa), expectations({ keys }));
    op.published = [rsa2.jwk];
    await expect(
      validateIdToken(await op.mint(op.claims(), rsa2), expectations({ keys })),
    ).resolves.toMatchObject({ sub: 'user-1' });
    expect(op.jwksFetches).toBe(2);
  });

  it('refuses an unknown kid and rate-limits the refetches it causes', async () => {
    const keys = createJwksCache({ cooldownMs: 60_000 });
    await validateIdToken(await op.mint(op.claims(), rsa), expectations({ keys }));
    const forged = await makeKey('RS256', 'forged');
    for (let i = 0; i < 5; i++) await refused(await op.mint(op.claims(), forged), 'kid', { keys });
    expect(op.jwksFetches).toBe(1);
  });

  it('shares one JWKS fetch between concurrent validations', async () => {
    const keys = createJwksCache();
    const token = await op.mint(op.claims(), rsa);
    await Promise.all(Array.from({ length: 10 }, () => validateIdToken(token, expectations({ keys }))));
    expect(op.jwksFetches).toBe(1);
  });
});

describe('claims', () => {
  it('refuses a wrong issuer (rp-id_token-issuer-mismatch)', async () => {
    await refused(await op.mint(op.claims({ iss: 'https://evil.example.com' }), rsa), 'iss');
    await refused(await op.mint(op.claims({ iss: undefined }), rsa), 'iss');
  });

  it('refuses a wrong audience (rp-id_token-aud)', async () => {
    await refused(await op.mint(op.claims({ aud: 'other-client' }), rsa), 'aud');
    await refused(await op.mint(op.claims({ aud: [] }), rsa), 'aud');
    await refused(await op.mint(op.claims({ aud: 42 }), rsa), 'aud');
  });

  it('refuses several audiences without azp, and untrusted extra audiences', async () => {
    await refused(await op.mint(op.claims({ aud: ['client-1', 'api'] }), rsa), 'azp', { audience: ['api'] });
    await refused(await op.mint(op.claims({ aud: ['client-1', 'api'], azp: 'client-1' }), rsa), 'aud');
    const ok = await op.mint(op.claims({ aud: ['client-1', 'api'], azp: 'client-1' }), rsa);
    await expect(validateIdToken(ok, expectations({ audience: ['api'] }))).resolves.toBeTruthy();
  });

  it('refuses an azp naming another client', async () => {
    await refused(await op.mint(op.claims({ azp: 'other-client' }), rsa), 'azp');
  });

  it('refuses expired tokens beyond the tolerance and accepts them within it', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(await op.mint(op.claims({ exp: now - 120 }), rsa), 'exp');
    await refused(await op.mint(op.claims({ exp: undefined }), rsa), 'exp');
    await expect(
      validateIdToken(await op.mint(op.claims({ exp: now - 30 }), rsa), expectations()),
    ).resolves.toBeTruthy();
    await refused(await op.mint(op.claims({ exp: now - 30 }), rsa), 'exp', { clockToleranceSec: 0 });
  });

  it('refuses iat far in the future, a missing iat, and nbf in the future (rp-id_token-iat)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(await op.mint(op.claims({ iat: now + 3600, exp: now + 7200 }), rsa), 'iat');
    await refused(await op.mint(op.claims({ iat: undefined }), rsa), 'iat');
    await refused(await op.mint(op.claims({ nbf: now + 3600 }), rsa), 'nbf');
  });

  it('refuses an iat older than maxIdTokenAgeSec plus the tolerance (OIDC Core §3.2.2.11)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const aged = (age: number) => op.mint(op.claims({ iat: now - age, exp: now + 600 }), rsa);
    await refused(await aged(400), 'iat', { maxIdTokenAgeSec: 300 });
    await refused(await aged(301), 'iat', { maxIdTokenAgeSec: 300, clockToleranceSec: 0 });
    await expect(
      validateIdToken(await aged(350), expectations({ maxIdTokenAgeSec: 300 })),
    ).resolves.toBeTruthy();
    // Not checked unless asked (a token fresh from the token endpoint).
    await expect(validateIdToken(await aged(3000), expectations())).resolves.toBeTruthy();
    for (const bad of [-1, Number.NaN, '300' as never]) {
      await expect(
        validateIdToken(await aged(0), expectations({ maxIdTokenAgeSec: bad })),
      ).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    }
  });

  it('refuses a missing or oversized sub', async () => {
    await refused(await op.mint(op.claims({ sub: undefined }), rsa), 'sub');
    await refused(await op.mint(op.claims({ sub: 'x'.repeat(256) }), rsa), 'sub');
  });

  it('refuses a wrong or missing nonce, and fails closed when none was stored (rp-nonce-invalid)', async () => {
    await refused(await op.mint(op.claims({ nonce: 'other' }), rsa), 'nonce');
    await refused(await op.mint(op.claims({ nonce: undefined }), rsa), 'nonce');
    await refused(await op.mint(op.claims(), rsa), 'nonce', { nonce: '' });
    await refused(await op.mint(op.claims(), rsa), 'nonce', { nonce: undefined as never });
    await refused(await op.mint(op.claims(), rsa), 'nonce', { nonce: null });
  });

  it('checks at_hash and c_hash when present (rp-id_token-bad-at-hash, rp-id_token-bad-c-hash)', async () => {
    const half = (v: string, alg: string) =>
      createHash(alg)
        .update(v)
        .digest()
        .subarray(0, alg === 'sha512' ? 32 : 16)
        .toString('base64url');
    const good = await op.mint(
      op.claims({ at_hash: half('access-1', 'sha256'), c_hash: half('code-1', 'sha256') }),
      rsa,
    );
    await expect(
      validateIdToken(good, expectations({ accessToken: 'access-1', code: 'code-1' })),
    ).resolves.toBeTruthy();
    await refused(good, 'at_hash', { accessToken: 'access-2', code: 'code-1' });
    await refused(good, 'at_hash', { code: 'code-1' });
    await refused(good, 'c_hash', { accessToken: 'access-1', code: 'code-2' });
    const edToken = await op.mint(op.claims({ at_hash: half('access-1', 'sha512') }), ed);
    await expect(validateIdToken(edToken, expectations({ accessToken: 'access-1' }))).resolves.toBeTruthy();
    const ecToken = await op.mint(op.claims({ at_hash: half('access-1', 'sha256') }), ec);
    await refused(ecToken, 'at_hash', { accessToken: 'access-x' });
  });

  it('refuses a clock tolerance out of range as a host mistake', async () => {
    await expect(
      validateIdToken(await op.mint(op.claims(), rsa), expectations({ clockToleranceSec: 3600 })),
    ).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });
});

describe('Entra multi-tenant issuer', () => {
  const template = () => `${op.issuer}/{tenantid}/v2.0`;
  const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const entra = (extra: Record<string, unknown> = {}) =>
    op.claims({ iss: `${op.issuer}/${tid}/v2.0`, tid, ...extra });

  it('fills the template from tid and honours the tenant allow-list', async () => {
    await expect(
      validateIdToken(await op.mint(entra(), rsa), expectations({ issuer: template(), tenants: [tid] })),
    ).resolves.toBeTruthy();
    await expect(
      validateIdToken(await op.mint(entra(), rsa), expectations({ issuer: template(), tenants: 'any' })),
    ).resolves.toBeTruthy();
    await refused(await op.mint(entra(), rsa), 'tid', { issuer: template(), tenants: ['another-tenant'] });
  });

  it('requires an explicit tenant choice, a tid, and an iss that matches the tid', async () => {
    await refused(await op.mint(entra(), rsa), 'tid', { issuer: template() });
    await refused(await op.mint(entra({ tid: undefined }), rsa), 'tid', {
      issuer: template(),
      tenants: 'any',
    });
    await refused(await op.mint(entra({ tid: 'b6c1fbb2-0000-0000-0000-000000000000' }), rsa), 'iss', {
      issuer: template(),
      tenants: 'any',
    });
  });
});
