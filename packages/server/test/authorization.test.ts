/**
 * Sessions and permissions through `sso.handle()`: a session lists the organizations its roles apply
 * to, read from the role definitions when the session is read (so a role moved to another organization
 * shows without a new login, through the session cache too), and `sso.can` answers on it.
 */
import { compileRoleMatcher, type RoleDefinition, type RoleMatcher } from '@ssokit/core';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcLogin, testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [`${BASE}/sso/oidc/callback`] });
});
afterAll(() => op.close());

/** Ada's IdP groups ("admins", "ml-engineers") as roles; "ml-engineers" belongs to `organization`. */
function definitions(organization: string): RoleDefinition[] {
  return [
    { name: 'admins', permissions: { custom_roles: ['read'] }, grantedBy: ['*'] },
    {
      name: 'ml-engineers',
      scope: 'organization',
      organizationId: organization,
      permissions: { models: ['read', 'write'] },
      grantedBy: ['*'],
    },
  ];
}

describe('organizations and permissions of a session', () => {
  for (const sessionCacheMs of [0, 60_000]) {
    it(`follow the role definitions at read time (sessionCacheMs ${sessionCacheMs})`, async () => {
      // The host's own matcher, whose definitions change (as a role store's will).
      let current = compileRoleMatcher({ roleDefinitions: definitions('org-a') });
      const roles: RoleMatcher = {
        match: (groups, context) => current.match(groups, context),
        get roleDefinitions() {
          return current.roleDefinitions;
        },
      };
      const { sso, storage } = testSso(BASE, { roles, sessionCacheMs });
      const connection = await storage.connections.create(oidcConnection(op.issuer) as never);
      const { cookie } = await oidcLogin(sso, BASE, connection.id);
      const request = () => new Request(`${BASE}/me`, { headers: { cookie } });

      const session = await sso.getSession(request());
      expect(session).toMatchObject({ roles: ['admins', 'ml-engineers'], organizations: ['org-a'] });
      expect(sso.can(session, 'models', 'write', { organization: 'org-a' })).toBe(true);
      expect(sso.can(session, 'models', 'write', { organization: 'org-b' })).toBe(false);
      expect(sso.can(session, 'custom_roles', 'read', { organization: 'org-b' })).toBe(true);

      current = compileRoleMatcher({ roleDefinitions: definitions('org-b') });
      const moved = await sso.getSession(request());
      expect(moved?.organizations).toEqual(['org-b']);
      expect(sso.can(moved, 'models', 'write', { organization: 'org-a' })).toBe(false);
      expect(sso.can(moved, 'models', 'write', { organization: 'org-b' })).toBe(true);
      // GET /session shows them too.
      const answer = await sso.handle(new Request(`${BASE}/sso/session`, { headers: { cookie } }));
      expect(await answer.json()).toMatchObject({ session: { organizations: ['org-b'] } });
    });
  }

  it('a role without permissions grants none, and a global role adds no organization', async () => {
    const { sso, storage } = testSso(BASE, {
      roles: { roleDefinitions: [{ name: 'admins', grantedBy: ['*'] }] },
    });
    const connection = await storage.connections.create(oidcConnection(op.issuer) as never);
    const { cookie } = await oidcLogin(sso, BASE, connection.id);
    const session = await sso.getSession(new Request(`${BASE}/me`, { headers: { cookie } }));
    expect(session).toMatchObject({ roles: ['admins'], organizations: [] });
    expect(sso.can(session, 'models', 'read')).toBe(false);
    expect(sso.can(null, 'models', 'read')).toBe(false);
  });
});
