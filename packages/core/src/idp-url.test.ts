import { describe, expect, it } from 'vitest';
import { checkIdpUrl, isLoopbackHost } from './idp-url.ts';

describe('checkIdpUrl', () => {
  it('accepts https anywhere and http on loopback hosts only', () => {
    expect(checkIdpUrl('https://idp.example.com/realms/acme')).toMatchObject({ ok: true });
    for (const url of [
      'http://localhost:8080/realms/demo',
      'http://127.0.0.1:8080',
      'http://127.1.2.3/',
      'http://[::1]:9000/x',
      'http://sso.localhost/',
    ])
      expect(checkIdpUrl(url), url).toMatchObject({ ok: true });
    for (const url of ['http://idp.example.com/', 'http://127.0.0.1.evil.example/', 'http://10.0.0.1/'])
      expect(checkIdpUrl(url), url).toMatchObject({ ok: false, problem: 'insecure_http' });
  });

  it('names what is wrong: not a URL, not http(s), plain http', () => {
    expect(checkIdpUrl('idp.example.com/x')).toEqual({
      ok: false,
      problem: 'not_absolute',
      message: 'is not an absolute URL; write it in full, starting with https://.',
    });
    expect(checkIdpUrl('ftp://idp.example.com/')).toMatchObject({ ok: false, problem: 'not_http' });
    const http = checkIdpUrl('http://idp.example.com/');
    expect(http.ok === false && http.message).toMatch(/^must use https/);
  });

  it('allowInsecure accepts plain http elsewhere, never another scheme', () => {
    expect(checkIdpUrl('http://idp.example.com/', { allowInsecure: true })).toMatchObject({ ok: true });
    expect(checkIdpUrl('file:///etc/passwd', { allowInsecure: true })).toMatchObject({ ok: false });
  });

  it('reads loopback names exactly', () => {
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
    expect(isLoopbackHost('[::1]')).toBe(true);
  });
});
