import { describe, expect, it } from 'vitest';
import { fileSettings, wandbSettings } from './settings-layer.ts';
import { loadWandbEnv } from './wandb.ts';

describe('settings layers', () => {
  it("wandbSettings: W&B's defaults beneath, the variables set on top with the variable of each field", () => {
    const layers = wandbSettings(
      loadWandbEnv({
        OIDC_ISSUER: 'https://sso.example.com/realms/acme',
        OIDC_CLIENT_ID: '0oa1',
        OIDC_SECRET: 's3cret',
      }),
    );
    expect(layers).toEqual([
      {
        source: 'default',
        connectionId: 'wandb',
        fields: {
          name: 'SSO',
          protocol: 'oidc',
          provider: 'custom',
          active: true,
          oidc: { flow: 'implicit', scopes: ['openid', 'profile', 'email'] },
        },
      },
      {
        source: 'environment',
        connectionId: 'wandb',
        fields: {
          oidc: { issuer: 'https://sso.example.com/realms/acme', clientId: '0oa1', clientSecret: 's3cret' },
        },
        origins: {
          'oidc.issuer': 'OIDC_ISSUER',
          'oidc.clientId': 'OIDC_CLIENT_ID',
          'oidc.clientSecret': 'OIDC_SECRET',
        },
      },
    ]);
    // No variable set: only the defaults, so nothing is fixed and no connection exists by itself.
    expect(wandbSettings(loadWandbEnv({}), { connectionId: 'sso', name: 'Okta' })).toEqual([
      expect.objectContaining({
        source: 'default',
        connectionId: 'sso',
        fields: expect.objectContaining({ name: 'Okta' }),
      }),
    ]);
  });

  it("knows Entra, Okta and Cognito by the issuer: their preset's mapping and policy are the defaults", () => {
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const [entra] = wandbSettings(
      loadWandbEnv({
        OIDC_ISSUER: `https://login.microsoftonline.com/${tenant}/v2.0`,
        OIDC_CLIENT_ID: 'app',
      }),
    );
    expect(entra?.fields).toMatchObject({
      provider: 'entra',
      claimMapping: { userId: 'oid' },
      groupSync: { matchBy: 'externalId' },
      // Entra sends no email_verified: without this every W&B login through Entra would be refused.
      provisioning: { requireVerifiedEmail: false, linkExistingUsersByEmail: false },
      oidc: { tenants: [tenant], flow: 'implicit' },
    });
    expect(entra?.fields.oidc).not.toHaveProperty('issuer');
    const [okta] = wandbSettings(loadWandbEnv({ OIDC_ISSUER: 'https://acme.okta.com/oauth2/default' }));
    expect(okta?.fields.provider).toBe('okta');
    const [cognito] = wandbSettings(
      loadWandbEnv({ OIDC_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123' }),
    );
    expect(cognito?.fields).toMatchObject({
      provider: 'cognito',
      claimMapping: { groups: 'cognito:groups' },
      oidc: { flow: 'code', pkce: 'S256' },
    });
  });

  it('fileSettings: every field the file sets, fixed by the file; stamps left out; an id is required', () => {
    const layer = fileSettings(
      {
        id: 'arthur-oidc',
        name: 'OIDC',
        oidc: { issuer: 'https://idp.example.com', clientId: 'arthur' },
        createdAt: new Date(),
      } as never,
      'arthur.yaml',
    );
    expect(layer).toEqual({
      source: 'file',
      connectionId: 'arthur-oidc',
      fields: { name: 'OIDC', oidc: { issuer: 'https://idp.example.com', clientId: 'arthur' } },
      origins: { name: 'arthur.yaml', 'oidc.issuer': 'arthur.yaml', 'oidc.clientId': 'arthur.yaml' },
    });
    expect(() => fileSettings({ name: 'x' }, 'conn.json')).toThrow(/needs an id/);
  });
});
