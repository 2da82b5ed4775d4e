/**
 * Google's preset with `hostedDomain`: only verified addresses of that Workspace domain sign in. A
 * real login against oidc-provider (Ada, `ada@example.com`, verified) with the preset's provisioning.
 */
import { oidcPresets } from '@ssokit/config';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { oidcLogin, testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [`${BASE}/sso/oidc/callback`] });
});
afterAll(() => op.close());

it('lets in verified addresses of the hosted domain and refuses every other account', async () => {
  for (const [hostedDomain, signedIn] of [
    ['example.com', true],
    ['acme.org', false],
  ] as const) {
    const { provisioning } = oidcPresets.google.build({ hostedDomain });
    expect(provisioning).toEqual({ emailDomains: [hostedDomain], requireVerifiedEmail: true });
    const { sso, storage } = testSso(BASE);
    const connection = await storage.connections.create(oidcConnection(op.issuer, { provisioning }));
    const { response } = await oidcLogin(sso, BASE, connection.id);
    expect(response.status, hostedDomain).toBe(signedIn ? 303 : 403);
    if (!signedIn) {
      expect(await response.text()).toContain('email_not_verified');
      expect(await storage.users.findByEmail('ada@example.com')).toBeNull();
    }
  }
  expect(oidcPresets.google.build({}).provisioning).toBeUndefined();
});
