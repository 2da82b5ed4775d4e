/**
 * `sso.connections`: what a host saves in code gets the admin API's validation (a connection a login
 * could not use is refused, every problem listed), and deleting or deactivating a connection ends its
 * sessions, as through the admin API.
 */
import { ConfigError } from '@ssokit/core';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcLogin, testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const CALLBACK = `${BASE}/sso/oidc/callback`;
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK] });
});
afterAll(() => op.close());

describe('sso.connections', () => {
  it('refuses what a login could not use, listing every problem, and saves nothing', async () => {
    const { sso, storage } = testSso(BASE);
    const attempt = sso.connections.create({
      name: 'Broken',
      protocol: 'oidc',
      provider: 'okta',
      active: true,
      // No clientId (it would be sent as "undefined"), and a flow that does not exist.
      oidc: { issuer: 'https://acme.okta.com', flow: 'pkce' },
    } as never);
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['oidc', 'oidc.flow']));
    expect(issues.find((i) => i.path === 'oidc')?.message).toMatch(/clientId/);
    expect(await storage.connections.list()).toEqual([]);
    const c = await sso.connections.create({
      name: 'Okta',
      protocol: 'oidc',
      provider: 'okta',
      active: true,
      oidc: { issuer: 'https://acme.okta.com', clientId: 'app' },
    } as never);
    // Defaults filled as the admin API fills them.
    expect(c).toMatchObject({ oidc: { flow: 'code', pkce: 'S256' } });
    await expect(
      sso.connections.update(c.id, { oidc: { issuer: 'ftp://acme.okta.com', clientId: 'app' } } as never, {
        expectedUpdatedAt: c.updatedAt,
      }),
    ).rejects.toBeInstanceOf(ConfigError);
    expect((await storage.connections.get(c.id))?.updatedAt).toEqual(c.updatedAt);
  });

  it('ends the sessions of a connection it deletes or deactivates', async () => {
    for (const change of ['delete', 'deactivate'] as const) {
      const { sso, storage } = testSso(BASE);
      const c = await storage.connections.create(oidcConnection(op.issuer, { id: 'op', provider: 'custom' }));
      const { cookie } = await oidcLogin(sso, BASE, 'op');
      expect(await sso.getSession(new Request(BASE, { headers: { cookie } }))).not.toBeNull();
      if (change === 'delete') await sso.connections.delete('op');
      else await sso.connections.update('op', { active: false }, { expectedUpdatedAt: c.updatedAt });
      expect(await sso.getSession(new Request(BASE, { headers: { cookie } })), change).toBeNull();
    }
  });
});
