import type { OidcSettings } from '@ssokit/core';
import { ConfigError, now, withOidcDefaults } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { loadWandbEnv, mergeSettings, startRestoreMode } from './wandb.ts';

/** The issues of the ConfigError `loadWandbEnv(env)` throws, or `[]`. */
function issuesOf(env: Record<string, string>) {
  try {
    loadWandbEnv(env);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.issues.map(({ path, message }) => ({ path, message }));
  }
}

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
      defaults: { flow: 'code', pkce: 'S256', scopes: ['openid', 'profile', 'email'] },
      variables: {
        issuer: 'OIDC_ISSUER',
        clientId: 'OIDC_CLIENT_ID',
        clientSecret: 'OIDC_SECRET',
        flow: 'OIDC_AUTH_METHOD',
        pkce: 'OIDC_AUTH_METHOD',
      },
    });
    expect(loadWandbEnv({ OIDC_AUTH_METHOD: 'Implicit' }).oidc).toEqual({ flow: 'implicit', pkce: 'none' });
    expect(loadWandbEnv({})).toEqual({
      oidc: {},
      defaults: { flow: 'implicit', scopes: ['openid', 'profile', 'email'] },
      variables: {},
    });
  });

  it('names only the variables that set a field', () => {
    expect(
      loadWandbEnv({ OIDC_ISSUER: 'https://idp.example.com', OIDC_CLIENT_ID: ' ', OIDC_SECRET: '' })
        .variables,
    ).toEqual({ issuer: 'OIDC_ISSUER' });
    expect(loadWandbEnv({ OIDC_CLIENT_ID: 'app', OIDC_AUTH_METHOD: 'implicit' }).variables).toEqual({
      clientId: 'OIDC_CLIENT_ID',
      flow: 'OIDC_AUTH_METHOD',
      pkce: 'OIDC_AUTH_METHOD',
    });
  });

  it("defaults to W&B's implicit flow with form_post and the scopes openid, profile, email", () => {
    const env = loadWandbEnv({ OIDC_ISSUER: 'https://acme.okta.com', OIDC_CLIENT_ID: 'app' });
    expect(env.oidc).toEqual({ issuer: 'https://acme.okta.com', clientId: 'app' });
    // No pkce: 'none' beside it; a stored flow: 'code' alone must keep ssokit's S256 (next test).
    expect(env.defaults).toEqual({ flow: 'implicit', scopes: ['openid', 'profile', 'email'] });
    // ssokit's implicit flow is response_type=id_token with response_mode=form_post.
    const { effective } = mergeSettings<OidcSettings>({ environment: env.oidc, defaults: env.defaults });
    expect(withOidcDefaults(effective)).toMatchObject({
      flow: 'implicit',
      scopes: ['openid', 'profile', 'email'],
    });
  });

  it('keeps PKCE on when an admin stores the code flow over the implicit default', () => {
    const env = loadWandbEnv({ OIDC_ISSUER: 'https://acme.okta.com' });
    const { effective, sources } = mergeSettings<OidcSettings>({
      environment: env.oidc,
      stored: { flow: 'code' },
      defaults: env.defaults,
    });
    expect(effective.pkce).toBeUndefined();
    expect(withOidcDefaults(effective)).toMatchObject({ flow: 'code', pkce: 'S256' });
    expect(sources.flow).toBe('stored');
  });

  it('defaults a Cognito issuer to pkce (code + S256), as W&B requires for Cognito', () => {
    for (const issuer of [
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_ZLiEFD4b6',
      'https://COGNITO-IDP.us-gov-west-1.amazonaws.com/us-gov-west-1_abc',
      'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_abc',
    ])
      expect(loadWandbEnv({ OIDC_ISSUER: issuer }).defaults).toEqual({
        flow: 'code',
        pkce: 'S256',
        scopes: ['openid', 'profile', 'email'],
      });
    // A look-alike host is not Cognito.
    expect(
      loadWandbEnv({ OIDC_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com.example.net/pool' }).defaults
        .flow,
    ).toBe('implicit');
  });

  it('refuses OIDC_AUTH_METHOD=implicit with a Cognito issuer, saying Cognito needs "pkce"', () => {
    const issues = issuesOf({
      OIDC_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_ZLiEFD4b6',
      OIDC_AUTH_METHOD: 'implicit',
    });
    expect(issues).toEqual([
      {
        path: 'OIDC_AUTH_METHOD',
        message:
          'AWS Cognito needs "pkce": it does not offer the implicit flow (response_type=id_token with form_post). Set OIDC_AUTH_METHOD=pkce, or remove it: pkce is the default for a Cognito issuer.',
      },
    ]);
    expect(
      loadWandbEnv({
        OIDC_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_ZLiEFD4b6',
        OIDC_AUTH_METHOD: 'PKCE',
      }).oidc,
    ).toMatchObject({ flow: 'code', pkce: 'S256' });
  });

  it('refuses the Cognito domain as OIDC_ISSUER and gives the user pool issuer to use', () => {
    expect(issuesOf({ OIDC_ISSUER: 'https://acme.auth.eu-west-1.amazoncognito.com' })).toEqual([
      {
        path: 'OIDC_ISSUER',
        message:
          '"https://acme.auth.eu-west-1.amazoncognito.com" is the Cognito domain, which serves no discovery document; set the user pool\'s issuer, https://cognito-idp.eu-west-1.amazonaws.com/$USER_POOL_ID.',
      },
    ]);
    // Without a region in the host, the message keeps W&B's placeholder.
    expect(issuesOf({ OIDC_ISSUER: 'https://login.amazoncognito.com/' })[0]?.message).toContain(
      'https://cognito-idp.$REGION.amazonaws.com/$USER_POOL_ID',
    );
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
  it("layers W&B's defaults under what the admin stored, and the environment over both", () => {
    const env = loadWandbEnv({ OIDC_ISSUER: 'https://acme.okta.com', OIDC_CLIENT_ID: 'env-client' });
    const stored: Partial<OidcSettings> = {
      issuer: 'https://ui.example.com',
      clientId: 'ui-client',
      scopes: ['openid', 'email'],
    };
    const merged = mergeSettings({ environment: env.oidc, stored, defaults: env.defaults });
    expect(merged.effective).toEqual({
      issuer: 'https://acme.okta.com',
      clientId: 'env-client',
      scopes: ['openid', 'email'],
      flow: 'implicit',
    });
    expect(merged.sources).toEqual({
      issuer: 'environment',
      clientId: 'environment',
      scopes: 'stored',
      flow: 'default',
    });
    // An admin page says which variable fixes each field the environment sets.
    expect(env.variables).toEqual({ issuer: 'OIDC_ISSUER', clientId: 'OIDC_CLIENT_ID' });

    const method = loadWandbEnv({ OIDC_AUTH_METHOD: 'pkce' });
    const overStored = mergeSettings<OidcSettings>({
      environment: method.oidc,
      stored: { flow: 'implicit', pkce: 'none' },
      defaults: method.defaults,
    });
    expect(overStored.effective).toEqual({
      flow: 'code',
      pkce: 'S256',
      scopes: ['openid', 'profile', 'email'],
    });
    expect(overStored.sources).toEqual({ flow: 'environment', pkce: 'environment', scopes: 'default' });
  });

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
