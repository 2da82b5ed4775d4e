import { generateKeyPairSync, sign } from 'node:crypto';
import { SsoError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { readUnverifiedClaims } from './unverified-claims.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = { iss: 'https://sso.example.com', sub: 'u1', email: 'ada@example.com', groups: ['a', 'b'] };

function refusal(value: unknown): SsoError {
  try {
    readUnverifiedClaims(value as string);
  } catch (error) {
    expect(error).toBeInstanceOf(SsoError);
    expect(error).toMatchObject({ code: 'id_token_invalid', details: { reason: 'malformed' } });
    expect((error as SsoError).message).toMatch(/^The value is not a JWT with a JSON object payload: /);
    return error as SsoError;
  }
  throw new Error('expected a refusal');
}

describe('readUnverifiedClaims', () => {
  it('reads the payload of a signed token, whatever the signature', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = `${b64({ alg: 'RS256' })}.${b64(claims)}`;
    const signed = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    expect(readUnverifiedClaims(signed)).toEqual(claims);
    // Unverified means unverified: a forged signature reads the same.
    expect(readUnverifiedClaims(`${input}.Zm9yZ2Vk`)).toEqual(claims);
  });

  it('reads an unsecured token (empty signature) and ignores surrounding whitespace', () => {
    expect(readUnverifiedClaims(`  ${b64({ alg: 'none' })}.${b64(claims)}.\n`)).toEqual(claims);
  });

  it('refuses what is not a compact JWT with JSON object header and payload, saying why', () => {
    expect(refusal(undefined).message).toContain('not a string');
    expect(refusal('   ').message).toContain('empty');
    expect(refusal('abc').message).toContain('three base64url parts');
    expect(refusal(`${b64({})}.${b64(claims)}`).message).toContain('three base64url parts');
    expect(refusal(`${b64({ alg: 'RSA-OAEP' })}.a.b.c.d`).message).toContain('encrypted token (JWE');
    expect(refusal(`${b64({})}.${b64(claims)}+.x`).message).toContain('base64url');
    expect(refusal(`${b64({})}..x`).message).toContain('payload is empty');
    expect(refusal(`${b64({})}.${Buffer.from('{"a":').toString('base64url')}.x`).message).toContain(
      'payload is not JSON',
    );
    expect(refusal(`${b64({})}.${b64(['a'])}.x`).message).toContain('payload is not a JSON object');
    expect(refusal(`${b64({})}.${b64(null)}.x`).message).toContain('not a JSON object');
    expect(refusal(`${b64('jwt')}.${b64(claims)}.x`).message).toContain('header is not a JSON object');
  });

  it('bounds the input size', () => {
    const big = `${b64({ alg: 'none' })}.${b64({ pad: 'x'.repeat(70_000) })}.`;
    expect(refusal(big).message).toContain('longer than 65536 characters');
  });
});
