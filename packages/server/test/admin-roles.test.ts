/**
 * `GET /admin/roles`: the roles at a glance for the console: each role with the IdP groups that grant
 * it (same name, rules) and the connections that may, and the app groups group sync matches onto.
 */
import { describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const get = (sso: ReturnType<typeof testSso>['sso'], method = 'GET') =>
  sso.handle(
    new Request(`${BASE}/sso/admin/roles`, { method, headers: { accept: 'application/json', origin: BASE } }),
  );

describe('the roles at a glance', () => {
  it('lists each role with what grants it, and the app groups', async () => {
    const { sso, storage } = testSso(BASE, {
      authorizeAdmin: () => true,
      roles: {
        roleDefinitions: [
          { name: 'admins', grantedBy: ['okta'], permissions: { models: ['read', 'write'] } },
          { name: 'viewers', grantedBy: ['*'] },
        ],
        rules: [{ match: 'glob', pattern: 'ml-*', role: 'viewers' }],
        defaultRole: 'viewers',
      },
    });
    await storage.groups.create({ name: 'ml-engineers', externalId: '8f3e' });
    const body = await (await get(sso)).json();
    expect(body).toMatchObject({
      custom: false,
      matchGroupNames: true,
      defaultRole: 'viewers',
      roles: [
        {
          name: 'admins',
          scope: 'global',
          grantedBy: ['okta'],
          groups: [{ match: 'name', pattern: 'admins' }],
        },
        {
          name: 'viewers',
          grantedBy: ['*'],
          groups: [
            { match: 'name', pattern: 'viewers' },
            { match: 'glob', pattern: 'ml-*' },
          ],
        },
      ],
      groups: [{ name: 'ml-engineers', externalId: '8f3e' }],
    });
    expect((await get(sso, 'POST')).status).toBe(405);
  });

  it("says when the host's own matcher has no definitions to show; refuses a non-admin", async () => {
    const custom = testSso(BASE, {
      authorizeAdmin: () => true,
      roles: { match: () => ({ roles: [], matches: [], refused: [] }) } as never,
    });
    expect(await (await get(custom.sso)).json()).toMatchObject({ custom: true, roles: [] });
    const refused = testSso(BASE, { authorizeAdmin: () => false });
    expect((await get(refused.sso)).status).toBe(403);
  });
});
