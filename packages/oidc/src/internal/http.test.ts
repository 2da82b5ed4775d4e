import { allowInsecureRequests, SsoError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { assertIdpUrl } from './http.ts';

function refusal(fn: () => unknown): SsoError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SsoError);
    return error as SsoError;
  }
  throw new Error('expected a refusal');
}

describe('assertIdpUrl', () => {
  it('accepts https anywhere and http on loopback hosts', () => {
    for (const url of [
      'https://idp.example.com/realms/acme',
      'http://localhost:8080/realms/acme',
      'http://127.0.0.1:3000',
      'http://[::1]:3000/x',
      'http://idp.localhost',
    ]) {
      expect(assertIdpUrl(url, 'the issuer').href).toBe(new URL(url).href);
    }
  });

  it("refuses plain http elsewhere with the caller's code, naming the origin", () => {
    const error = refusal(() =>
      assertIdpUrl('http://idp.example.com/keys?x=1', 'the JWKS URI', {}, 'idp_unreachable'),
    );
    expect(error.code).toBe('idp_unreachable');
    expect(error.message).toBe(
      'The JWKS URI http://idp.example.com must use https (plain http is allowed only on localhost, 127.0.0.1 and ::1).',
    );
    expect(refusal(() => assertIdpUrl('http://10.0.0.1', 'the issuer')).code).toBe('discovery_failed');
  });

  it('allows plain http anywhere only with the allowInsecureRequests escape hatch', () => {
    expect(
      assertIdpUrl('http://idp.example.com', 'the issuer', { [allowInsecureRequests]: true }).protocol,
    ).toBe('http:');
  });

  it('warns insecure-http once per origin when the escape hatch lets plain http through, never for loopback', () => {
    const heard: [string, unknown][] = [];
    const onWarning = (code: string, _message: string, details?: unknown) => void heard.push([code, details]);
    const options = { [allowInsecureRequests]: true, onWarning };
    assertIdpUrl('http://idp.example.com/realms/a', 'the issuer', options);
    assertIdpUrl('http://idp.example.com/protocol/certs', 'the JWKS URI', options);
    assertIdpUrl('http://127.0.0.1:8080/realms/a', 'the issuer', options);
    assertIdpUrl('https://idp.example.com', 'the issuer', options);
    expect(heard).toEqual([['insecure-http', { origin: 'http://idp.example.com' }]]);
  });

  it('refuses relative URLs and other schemes', () => {
    expect(refusal(() => assertIdpUrl('/realms/acme', 'the issuer')).message).toMatch(
      /^The issuer "\/realms\/acme" is not an absolute URL/,
    );
    expect(refusal(() => assertIdpUrl('ftp://idp.example.com', 'the issuer')).message).toBe(
      'The issuer "ftp://idp.example.com" is not an http(s) URL.',
    );
  });
});
