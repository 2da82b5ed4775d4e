import { SsoError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { checkSignInTarget, signInRedirect, wantsPage } from './sign-in.ts';

const page = (path: string, init: RequestInit = {}) =>
  new Request(`https://app.example.com${path}`, { headers: { accept: 'text/html,*/*;q=0.8' }, ...init });
const signedOut = new SsoError('unauthenticated', 'Sign in first.');

describe('wantsPage', () => {
  it('GET or HEAD asking for HTML, and not for JSON', () => {
    expect(wantsPage(page('/'))).toBe(true);
    expect(wantsPage(page('/', { method: 'HEAD' }))).toBe(true);
    expect(wantsPage(page('/', { method: 'POST' }))).toBe(false);
    expect(wantsPage(new Request('https://app.example.com/'))).toBe(false); // fetch(): */*
    expect(wantsPage(page('/', { headers: { accept: 'text/html, application/json' } }))).toBe(false);
  });
});

describe('signInRedirect', () => {
  it('only for a signed-out page with a target', () => {
    expect(signInRedirect(page('/a'), signedOut, '/login', null)).toBe('/login?returnTo=%2Fa');
    expect(signInRedirect(page('/a'), signedOut, undefined, null)).toBeUndefined();
    expect(signInRedirect(page('/a', { method: 'POST' }), signedOut, '/login', null)).toBeUndefined();
    const forbidden = new SsoError('forbidden', 'No.');
    expect(signInRedirect(page('/a'), forbidden, '/login', null)).toBeUndefined();
    expect(signInRedirect(page('/a'), new Error('store down'), '/login', null)).toBeUndefined();
  });

  it("keeps the target's query and fragment; an absolute target stays absolute", () => {
    expect(signInRedirect(page('/a?b=1'), signedOut, '/login?lang=en#form', null)).toBe(
      '/login?lang=en&returnTo=%2Fa%3Fb%3D1#form',
    );
    expect(signInRedirect(page('/a'), signedOut, 'https://portal.example.com/in', null)).toBe(
      'https://portal.example.com/in?returnTo=%2Fa',
    );
  });

  it('returnTo is a site path or nothing', () => {
    expect(signInRedirect(page('/a?next=\\evil.example'), signedOut, '/login', null)).toBe('/login');
    expect(signInRedirect(page('//evil.example/a'), signedOut, '/login', null)).toBe('/login');
  });

  it('calls a function target with the request, and checks what it returns', () => {
    const req = { tenant: 'acme' };
    expect(signInRedirect(page('/a'), signedOut, (r: typeof req) => `/sso/login/${r.tenant}`, req)).toBe(
      '/sso/login/acme?returnTo=%2Fa',
    );
    expect(() => signInRedirect(page('/a'), signedOut, () => '//evil.example', req)).toThrow(TypeError);
  });
});

describe('checkSignInTarget', () => {
  it('a site path, an http(s) URL or a function', () => {
    for (const ok of [undefined, '/login', 'https://portal.example.com/in', () => '/login'])
      expect(() => checkSignInTarget(ok, 'requireAuth(options)')).not.toThrow();
    for (const bad of ['login', '//evil.example', '/\\evil.example', 'javascript:alert(1)', 'ftp://x', 5])
      expect(() => checkSignInTarget(bad, 'requireAuth(options)'), String(bad)).toThrow(
        'requireAuth(options): "redirectTo" must be a path on this site',
      );
  });
});
