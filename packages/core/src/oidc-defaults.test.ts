import { describe, expect, it } from 'vitest';
import { OIDC_DEFAULTS, withOidcDefaults } from './oidc-defaults.ts';

const base = { issuer: 'https://id.example.com', clientId: 'app' };

describe('withOidcDefaults', () => {
  it('fills what a connection leaves out: code flow, PKCE S256, openid profile email, ID token claims, signatures', () => {
    expect(withOidcDefaults(base)).toEqual({
      ...base,
      flow: 'code',
      pkce: 'S256',
      scopes: ['openid', 'profile', 'email'],
      userInfo: 'id_token',
      verifySignature: true,
    });
    // the defaults are copied, never shared
    const scopes = withOidcDefaults(base).scopes;
    scopes.push('offline_access');
    expect(OIDC_DEFAULTS.scopes).toEqual(['openid', 'profile', 'email']);
  });

  it('keeps every valid choice', () => {
    for (const pkce of ['S256', 'plain', 'none'] as const)
      expect(withOidcDefaults({ ...base, pkce }).pkce).toBe(pkce);
    expect(withOidcDefaults({ ...base, flow: 'implicit' }).flow).toBe('implicit');
    expect(withOidcDefaults({ ...base, userInfo: 'userinfo' }).userInfo).toBe('userinfo');
    expect(withOidcDefaults({ ...base, userInfo: 'access_token' }).userInfo).toBe('access_token');
    expect(withOidcDefaults({ ...base, verifySignature: false }).verifySignature).toBe(false);
    expect(withOidcDefaults({ ...base, scopes: ['openid'] }).scopes).toEqual(['openid']);
  });

  it('reads a value outside the choices (a custom store) as the default, so nothing odd turns a check off', () => {
    for (const pkce of ['NONE', 's256', '', false, null, 0])
      expect(withOidcDefaults({ ...base, pkce: pkce as never }).pkce).toBe('S256');
    for (const flow of ['Code', 'IMPLICIT', null])
      expect(withOidcDefaults({ ...base, flow: flow as never }).flow).toBe('code');
    for (const verifySignature of [null, 0, 'false'])
      expect(withOidcDefaults({ ...base, verifySignature: verifySignature as never }).verifySignature).toBe(
        true,
      );
    expect(withOidcDefaults({ ...base, userInfo: 'UserInfo' as never }).userInfo).toBe('id_token');
    expect(withOidcDefaults({ ...base, scopes: 'openid' as never }).scopes).toEqual([
      'openid',
      'profile',
      'email',
    ]);
  });
});
