/**
 * Everything the operators write loads, round-trips through connection JSON, and validates again:
 * the three Arthur examples, the W&B variables, and ClearML-style connections (connection.test.ts).
 */
import { readFileSync } from 'node:fs';
import type { OidcSettings } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import {
  exportConnection,
  importConnection,
  loadArthurConfig,
  loadWandbEnv,
  mergeSettings,
} from './index.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../test/fixtures/${name}.yaml`, import.meta.url), 'utf8');

describe('round trips', () => {
  it.each(['arthur-full', 'arthur-minimal', 'arthur-cors'])(
    '%s: load → export → import gives the same connection',
    (name) => {
      const { connection } = loadArthurConfig(fixture(name));
      const exported = exportConnection(connection);
      expect(importConnection(JSON.stringify(exported)).connection).toEqual(connection);
    },
  );

  it('W&B variables: merged over a stored connection, exported with the secret as a reference, imported back', () => {
    const { oidc } = loadWandbEnv({
      OIDC_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc',
      OIDC_CLIENT_ID: 'client',
      OIDC_AUTH_METHOD: 'pkce',
      OIDC_SECRET: 'from-env',
    });
    const { effective } = mergeSettings<OidcSettings>({
      environment: oidc,
      defaults: { scopes: ['openid', 'profile', 'email'], userInfo: 'id_token', verifySignature: true },
    });
    const connection = {
      name: 'W&B SSO',
      protocol: 'oidc' as const,
      provider: 'cognito' as const,
      active: true,
      oidc: effective as OidcSettings,
    };
    const exported = exportConnection(connection, {
      secretRefs: { 'oidc.clientSecret': '${env:OIDC_SECRET}' },
    });
    expect(JSON.stringify(exported)).not.toContain('from-env');
    expect(importConnection(exported, { env: { OIDC_SECRET: 'from-env' } }).connection).toEqual(connection);
  });
});
