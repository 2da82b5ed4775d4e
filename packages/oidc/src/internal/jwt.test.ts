import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { SsoError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { supportedAlgorithms } from '../algorithms.ts';
import type { JwksCache } from '../jwks.ts';
import {
  checkIssuer,
  checkJwtSignature,
  checkTimes,
  checkTyp,
  clockTolerance,
  mediaType,
  parseJwt,
  verifyJwt,
} from './jwt.ts';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const allowed = new Set<string>(supportedAlgorithms);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function rs256(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const input = `${b64({ alg: 'RS256', kid: 'k1', ...header })}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url')}`;
}

/** Runs `fn`, expects an `id_token_invalid` refusal, and returns its reason. */
function reasonOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SsoError);
    expect((error as SsoError).code).toBe('id_token_invalid');
    return (error as SsoError).details?.reason;
  }
  throw new Error('expected a refusal');
}

/** A key cache over one key, counting how it was asked. */
function stubKeys(key: KeyObject, cached: boolean) {
  const calls = { cachedKey: 0, keyFor: 0 };
  const keys: JwksCache = {
    cachedKey: () => {
      calls.cachedKey++;
      return cached ? key : undefined;
    },
    keyFor: async () => {
      calls.keyFor++;
      return key;
    },
    clear: () => undefined,
  };
  return { keys, calls };
}

describe('parseJwt and checkJwtSignature', () => {
  it('parses, checks the header and verifies', () => {
    const parsed = parseJwt(rs256({ sub: 'u1' }), allowed);
    expect(parsed.alg).toBe('RS256');
    expect(checkJwtSignature(parsed, rsa.publicKey).claims).toEqual({ sub: 'u1' });
  });

  it('refuses malformed tokens, algorithms off the list and crit headers', () => {
    expect(reasonOf(() => parseJwt('not-a-token', allowed))).toBe('malformed');
    expect(reasonOf(() => parseJwt(rs256({}, { alg: 'none' }), allowed))).toBe('alg');
    expect(reasonOf(() => parseJwt(rs256({}, { alg: 'HS256' }), allowed))).toBe('alg');
    expect(reasonOf(() => parseJwt(rs256({}), new Set(['ES256'])))).toBe('alg');
    expect(reasonOf(() => parseJwt(rs256({}, { crit: ['exp'] }), allowed))).toBe('crit');
  });

  it('refuses a signature from another key, and a part that is not base64url', () => {
    expect(reasonOf(() => checkJwtSignature(parseJwt(rs256({}), allowed), other.publicKey))).toBe(
      'signature',
    );
    const [h, p, s] = rs256({ sub: 'u1' }).split('.') as [string, string, string];
    expect(reasonOf(() => checkJwtSignature(parseJwt(`${h}.${p}*.${s}`, allowed), rsa.publicKey))).toBe(
      'malformed',
    );
  });
});

describe('verifyJwt', () => {
  it('uses a cached key without fetching, and fetches only when nothing is cached', async () => {
    const hit = stubKeys(createPublicKey(rsa.publicKey.export({ format: 'pem', type: 'spki' })), true);
    await expect(
      verifyJwt(rs256({ sub: 'u1' }), allowed, 'https://idp/jwks', hit.keys),
    ).resolves.toMatchObject({
      claims: { sub: 'u1' },
      alg: 'RS256',
    });
    expect(hit.calls).toEqual({ cachedKey: 1, keyFor: 0 });
    const miss = stubKeys(rsa.publicKey, false);
    await verifyJwt(rs256({ sub: 'u1' }), allowed, 'https://idp/jwks', miss.keys);
    expect(miss.calls).toEqual({ cachedKey: 1, keyFor: 1 });
  });
});

describe('checkTyp (RFC 8725 §3.11, RFC 9068 §4)', () => {
  it('compares media types case-insensitively, with the "application/" prefix optional (RFC 7515 §4.1.9)', () => {
    expect(mediaType('at+jwt')).toBe('at+jwt');
    expect(mediaType('Application/AT+JWT')).toBe('at+jwt');
    expect(mediaType('application/vnd.x/y')).toBe('application/vnd.x/y');
    expect(mediaType('text/at+jwt')).toBe('text/at+jwt');
    expect(mediaType(undefined)).toBeUndefined();
    expect(reasonOf(() => mediaType(1))).toBe('typ');
  });

  it('id_token: anything but a <purpose>+jwt type', () => {
    for (const typ of [undefined, 'JWT', 'jwt', 'application/jwt', 'JOSE'])
      expect(() => checkTyp({ typ }, 'id_token'), String(typ)).not.toThrow();
    for (const typ of ['at+jwt', 'application/logout+jwt', 'SECEVENT+JWT', null, ['JWT']])
      expect(
        reasonOf(() => checkTyp({ typ }, 'id_token')),
        String(typ),
      ).toBe('typ');
  });

  it('access_token: not a type registered for another purpose', () => {
    for (const typ of [undefined, 'JWT', 'at+jwt', 'application/okta-internal-at+jwt'])
      expect(() => checkTyp({ typ }, 'access_token'), String(typ)).not.toThrow();
    for (const typ of ['logout+jwt', 'secevent+jwt', 'application/dpop+jwt', 'oauth-authz-req+jwt'])
      expect(
        reasonOf(() => checkTyp({ typ }, 'access_token')),
        typ,
      ).toBe('typ');
  });

  it('at+jwt: exactly that type', () => {
    for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT'])
      expect(() => checkTyp({ typ }, 'at+jwt'), typ).not.toThrow();
    for (const typ of [undefined, 'JWT', 'text/at+jwt', 'application/at+jwt+x'])
      expect(
        reasonOf(() => checkTyp({ typ }, 'at+jwt')),
        String(typ),
      ).toBe('typ');
  });
});

describe('checkIssuer', () => {
  const template = 'https://login.microsoftonline.com/{tenantid}/v2.0';
  const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const entra = { iss: `https://login.microsoftonline.com/${tid}/v2.0`, tid };

  it('requires the exact issuer, or one of several', () => {
    const iss = 'https://sso.example.com';
    expect(() => checkIssuer({ iss }, iss, undefined)).not.toThrow();
    expect(reasonOf(() => checkIssuer({ iss: `${iss}/` }, iss, undefined))).toBe('iss');
    expect(reasonOf(() => checkIssuer({}, iss, undefined))).toBe('iss');
    expect(() => checkIssuer({ iss }, ['https://a.example.com', iss], undefined)).not.toThrow();
    expect(reasonOf(() => checkIssuer({ iss }, ['https://a.example.com'], undefined))).toBe('iss');
    expect(reasonOf(() => checkIssuer({ iss }, [], undefined))).toBe('iss');
  });

  it("fills Entra's template from tid, and honours the tenant choice", () => {
    expect(() => checkIssuer(entra, template, [tid])).not.toThrow();
    expect(() => checkIssuer(entra, template, 'any')).not.toThrow();
    expect(reasonOf(() => checkIssuer(entra, template, undefined))).toBe('tid');
    expect(reasonOf(() => checkIssuer(entra, template, ['another']))).toBe('tid');
    expect(reasonOf(() => checkIssuer({ ...entra, tid: undefined }, template, 'any'))).toBe('tid');
    expect(reasonOf(() => checkIssuer({ ...entra, tid: 'a/b' }, template, 'any'))).toBe('tid');
    expect(reasonOf(() => checkIssuer({ ...entra, tid: 'another' }, template, 'any'))).toBe('iss');
    expect(reasonOf(() => checkIssuer({ ...entra, iss: template }, template, 'any'))).toBe('iss');
  });
});

describe('checkTimes', () => {
  const now = 1_700_000_000;

  it('accepts a current token, and skew within the tolerance', () => {
    expect(() => checkTimes({ exp: now + 60, iat: now }, now, 0, true)).not.toThrow();
    expect(() => checkTimes({ exp: now - 5, iat: now + 5, nbf: now + 5 }, now, 10, true)).not.toThrow();
  });

  it('refuses expired, future and malformed times', () => {
    expect(reasonOf(() => checkTimes({ iat: now }, now, 0, true))).toBe('exp');
    expect(reasonOf(() => checkTimes({ exp: now, iat: now }, now, 0, true))).toBe('exp');
    expect(reasonOf(() => checkTimes({ exp: now - 5, iat: now - 60 }, now, 5, true))).toBe('exp');
    expect(reasonOf(() => checkTimes({ exp: now + 60 }, now, 0, true))).toBe('iat');
    expect(reasonOf(() => checkTimes({ exp: now + 60, iat: now + 11 }, now, 10, false))).toBe('iat');
    expect(reasonOf(() => checkTimes({ exp: now + 60, nbf: now + 11 }, now, 10, false))).toBe('nbf');
    expect(reasonOf(() => checkTimes({ exp: now + 60, nbf: '0' }, now, 10, false))).toBe('nbf');
    expect(() => checkTimes({ exp: now + 60 }, now, 0, false)).not.toThrow();
  });
});

describe('clockTolerance', () => {
  it('defaults to 60 seconds and allows 0 to 300', () => {
    expect(clockTolerance(undefined)).toBe(60);
    expect(clockTolerance(0)).toBe(0);
    expect(clockTolerance(300)).toBe(300);
  });

  it('refuses anything else as a host mistake', () => {
    for (const value of [-1, 301, Number.NaN, Number.POSITIVE_INFINITY, '60' as never]) {
      expect(() => clockTolerance(value)).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
      );
    }
  });
});
