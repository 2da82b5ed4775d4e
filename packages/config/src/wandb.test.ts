import type { OidcSettings } from '@ssokit/core';
import { ConfigError, now } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { loadWandbEnv, mergeSettings, startRestoreMode } from './wandb.ts';

describe('loadWandbEnv', () => {
  it('reads the W&B variables: pkce is code + S256, implicit is implicit', () => {
    expect(
      loadWandbEnv({
        OIDC_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc',
        OIDC_CLIENT_ID: 'client',
        OIDC_AUTH_METHOD: 'pkce',
        OIDC_SECRET: 's3cr3t',
        PATH: '/bin',
      }),
    ).toEqual({
      oidc: {
        issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc',
        clientId: 'client',
        clientSecret: 's3cr3t',
        flow: 'code',
        pkce: 'S256',
      },
    });
    expect(loadWandbEnv({ OIDC_AUTH_METHOD: 'Implicit' }).oidc).toEqual({ flow: 'implicit', pkce: 'none' });
    expect(loadWandbEnv({})).toEqual({ oidc: {} });
  });

  it('refuses typos and bad values, naming the variable and never the secret', () => {
    const error = (() => {
      try {
        loadWandbEnv({
          OIDC_ISUER: 'x',
          OIDC_AUTH_METHOD: 'pcke',
          OIDC_ISSUER: 'http://idp.example.com',
          OIDC_SECRET: 'very-secret',
          LOCAL_RESTORE: 'maybe',
        });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.issues.map((i) => i.path)).toEqual([
      'OIDC_ISUER',
      'OIDC_ISSUER',
      'OIDC_AUTH_METHOD',
      'LOCAL_RESTORE',
    ]);
    expect(error?.issues[0]?.message).toContain('did you mean OIDC_ISSUER?');
    expect(error?.issues[2]?.message).toContain('did you mean "pkce"?');
    expect(error?.message).not.toContain('very-secret');
    expect(() =>
      loadWandbEnv({ OIDC_ISSUER: 'https://idp.example.com/.well-known/openid-configuration' }),
    ).toThrow(/remove "\/\.well-known\/openid-configuration"/);
  });

  it("checks OIDC_ISSUER with core's IdP-URL rule, in the variable's own words", () => {
    const issuesOf = (issuer: string) => {
      try {
        loadWandbEnv({ OIDC_ISSUER: issuer });
        return [];
      } catch (e) {
        return (e as ConfigError).issues.map((i) => i.message);
      }
    };
    expect(issuesOf('http://127.0.0.5:8080/realms/acme')).toEqual([]);
    expect(issuesOf('http://sso.localhost/realms/acme')).toEqual([]);
    expect(issuesOf('sso.example.com/realms/acme')).toEqual([
      '"sso.example.com/realms/acme" is not a URL; set the issuer, e.g. https://sso.example.com/realms/acme.',
    ]);
    for (const issuer of ['http://sso.example.com/realms/acme', 'ftp://sso.example.com/realms/acme'])
      expect(issuesOf(issuer)).toEqual([
        `"${issuer}" must use https (http only for localhost, 127.0.0.1 and ::1).`,
      ]);
  });
});

describe('LOCAL_RESTORE', () => {
  it('starts restore mode with a random password that works once checked, until it expires', () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const { restore } = loadWandbEnv({ LOCAL_RESTORE: 'true' }, { [now]: () => clock });
    expect(restore?.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(restore?.expiresAt.toISOString()).toBe('2026-01-01T01:00:00.000Z');
    expect(restore?.verify(restore.password)).toBe(true);
    expect(restore?.verify(`${restore?.password}x`)).toBe(false);
    clock += 3_600_000;
    expect(restore?.verify(restore?.password as string)).toBe(false);
    expect(loadWandbEnv({ LOCAL_RESTORE: 'false' }).restore).toBeUndefined();
    expect(startRestoreMode().password).not.toBe(startRestoreMode().password);
  });
});

describe('mergeSettings', () => {
  it('lets the environment win, field by field, and says where each field came from', () => {
    const merged = mergeSettings<OidcSettings>({
      environment: loadWandbEnv({ OIDC_ISSUER: 'https://env.example.com', OIDC_AUTH_METHOD: 'pkce' }).oidc,
      file: { clientId: 'from-file', issuer: 'https://file.example.com' },
      stored: { clientId: 'from-ui', clientSecret: 'ui-secret', issuer: 'https://ui.example.com' },
      defaults: { scopes: ['openid', 'profile', 'email'], flow: 'implicit' as const },
    });
    expect(merged.effective).toEqual({
      issuer: 'https://env.example.com',
      clientId: 'from-file',
      clientSecret: 'ui-secret',
      flow: 'code',
      pkce: 'S256',
      scopes: ['openid', 'profile', 'email'],
    });
    expect(merged.sources).toEqual({
      issuer: 'environment',
      clientId: 'file',
      clientSecret: 'stored',
      flow: 'environment',
      pkce: 'environment',
      scopes: 'default',
    });
  });
});
