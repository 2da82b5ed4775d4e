import { completeLogin } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { claimsFor, ISSUER, makeConnection, setup } from './helpers.ts';

describe('completeLogin against memoryStorage()', () => {
  it('creates a user on the first login, links the identity, syncs groups and matches roles', async () => {
    const { storage, raw, events, deps } = setup();
    const connection = await makeConnection(storage);
    await storage.groups.create({ id: 'g-admins', name: 'admins' });
    await storage.groups.create({ id: 'g-ml', name: 'ml-engineers' });

    const result = await completeLogin(
      {
        connection,
        identity: { issuer: ISSUER, subject: 'ada' },
        claims: claimsFor('ada', {
          given_name: 'Ada',
          family_name: 'Lovelace',
          groups: ['admins', 'ml-engineers', 'unknown'],
        }),
      },
      deps({
        roles: {
          roleDefinitions: [
            { name: 'admins', grantedBy: ['*'] },
            { name: 'ml-engineers', grantedBy: ['*'] },
          ],
          defaultRole: 'ml-engineers',
        },
      }),
    );

    expect(result.resolution).toBe('created');
    expect(result.user).toMatchObject({
      status: 'active',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      username: 'ada',
    });
    expect(result.roles).toEqual(['admins', 'ml-engineers']);
    expect(result.primaryRole).toBe('admins');
    expect(result.groupSync?.unmatched).toEqual(['unknown']);
    expect(await raw.identities(result.user.id)).toEqual([`${ISSUER}|ada`]);
    expect((await raw.memberships(result.user.id)).sort()).toEqual([
      `g-admins|sso:${connection.id}`,
      `g-ml|sso:${connection.id}`,
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'user.created',
      'identity.linked',
      'memberships.changed',
      'login.succeeded',
    ]);
    const changed = events.find((e) => e.type === 'memberships.changed');
    expect(changed).toMatchObject({
      added: [
        { groupId: 'g-admins', groupName: 'admins' },
        { groupId: 'g-ml', groupName: 'ml-engineers' },
      ],
      removed: [],
    });
    // "My groups do not show": the login's audit event names the IdP groups that matched nothing.
    expect(events.find((e) => e.type === 'login.succeeded')).toMatchObject({ unmatchedGroups: ['unknown'] });
  });

  it('finds a returning user by identity, updates the profile and removes revoked groups', async () => {
    const { storage, raw, events, deps } = setup();
    const connection = await makeConnection(storage);
    await storage.groups.create({ id: 'g-admins', name: 'admins' });
    await storage.groups.create({ id: 'g-viewers', name: 'viewers' });
    const identity = { issuer: ISSUER, subject: 'ada' };
    const first = await completeLogin(
      { connection, identity, claims: claimsFor('ada', { groups: ['admins'] }) },
      deps(),
    );
    await storage.memberships.add({ userId: first.user.id, groupId: 'g-admins', source: 'manual' });
    events.length = 0;

    const second = await completeLogin(
      { connection, identity, claims: claimsFor('ada', { name: 'Ada King', groups: ['viewers'] }) },
      deps(),
    );
    expect(second.resolution).toBe('identity');
    expect(second.user.id).toBe(first.user.id);
    expect(second.user.name).toBe('Ada King');
    expect((await raw.memberships(first.user.id)).sort()).toEqual([
      'g-admins|manual',
      `g-viewers|sso:${connection.id}`,
    ]);
    expect(events.map((e) => e.type)).toEqual(['memberships.changed', 'login.succeeded']);
    expect(await raw.userCount()).toBe(1);
  });

  it('leaves memberships alone when group sync is off', async () => {
    const { storage, raw, deps } = setup();
    const connection = await makeConnection(storage, { groupSync: { enabled: false, removeRevoked: true } });
    await storage.groups.create({ id: 'g-admins', name: 'admins' });
    const result = await completeLogin(
      {
        connection,
        identity: { issuer: ISSUER, subject: 'ada' },
        claims: claimsFor('ada', { groups: ['admins'] }),
      },
      deps({ roles: { roleDefinitions: [{ name: 'admins', grantedBy: ['*'] }] } }),
    );
    expect(result.groupSync).toBeNull();
    expect(result.matchedGroups).toEqual([]);
    expect(result.roles).toEqual(['admins']);
    expect(await raw.memberships(result.user.id)).toEqual([]);
  });

  it('links an invited user by verified email, even when the connection does not create users', async () => {
    const { storage, raw, events, deps } = setup();
    const connection = await makeConnection(storage, {
      provisioning: { createUsers: false, requireVerifiedEmail: true },
    });
    const invited = await storage.users.create({ status: 'invited', email: 'Grace@Example.com' });
    const result = await completeLogin(
      { connection, identity: { issuer: ISSUER, subject: 'grace' }, claims: claimsFor('grace') },
      deps(),
    );
    expect(result.resolution).toBe('invitation');
    expect(result.user.id).toBe(invited.id);
    expect(await raw.user(invited.id)).toMatchObject({ status: 'active' });
    expect(events.find((e) => e.type === 'identity.linked')).toMatchObject({
      via: 'invitation',
      userId: invited.id,
    });
  });

  it('links an existing active user by verified email only with linkExistingUsersByEmail', async () => {
    const { storage, deps } = setup();
    const connection = await makeConnection(storage, {
      provisioning: { createUsers: true, requireVerifiedEmail: true, linkExistingUsersByEmail: true },
    });
    const existing = await storage.users.create({ status: 'active', email: 'ada@example.com' });
    const result = await completeLogin(
      { connection, identity: { issuer: ISSUER, subject: 'ada' }, claims: claimsFor('ada') },
      deps(),
    );
    expect(result).toMatchObject({ resolution: 'email', user: { id: existing.id } });
  });

  it('resolves concurrent first logins of one identity to one user', async () => {
    const { storage, raw, deps } = setup();
    const connection = await makeConnection(storage);
    await storage.groups.create({ id: 'g-admins', name: 'admins' });
    const input = {
      connection,
      identity: { issuer: ISSUER, subject: 'ada' },
      claims: claimsFor('ada', { groups: ['admins'] }),
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => completeLogin(input, deps())));
    expect(new Set(results.map((r) => r.user.id)).size).toBe(1);
    expect(await raw.userCount()).toBe(1);
    expect(await raw.memberships(results[0]?.user.id ?? '')).toEqual([`g-admins|sso:${connection.id}`]);
  });

  it('logs in users without email when the connection does not require one', async () => {
    const { storage, deps } = setup();
    const connection = await makeConnection(storage, {
      provisioning: { createUsers: true, requireVerifiedEmail: false },
    });
    const result = await completeLogin(
      { connection, identity: { issuer: ISSUER, subject: 'svc' }, claims: { sub: 'svc' } },
      deps(),
    );
    expect(result.user.email).toBeUndefined();
    expect(result.profile.externalId).toBe('svc');
  });

  it('matches IdP-stated roles (Keycloak realm_access.roles) together with groups', async () => {
    const { storage, deps } = setup();
    const connection = await makeConnection(storage, { claimMapping: { roles: 'realm_access.roles' } });
    const result = await completeLogin(
      {
        connection,
        identity: { issuer: ISSUER, subject: 'ada' },
        claims: claimsFor('ada', {
          realm_access: { roles: ['offline_access', 'admin'] },
          groups: ['viewer'],
        }),
      },
      deps({
        roles: {
          roleDefinitions: [
            { name: 'admin', grantedBy: ['*'] },
            { name: 'viewer', grantedBy: ['*'] },
          ],
        },
      }),
    );
    expect(result.roles).toEqual(['admin', 'viewer']);
    expect(result.roleMatch.unmatchedGroups).toEqual(['offline_access']);
  });

  it('matches groups by external id (Entra object ids)', async () => {
    const { storage, raw, deps } = setup();
    const connection = await makeConnection(storage, {
      groupSync: { enabled: true, removeRevoked: true, matchBy: 'externalId' },
    });
    await storage.groups.create({
      id: 'g1',
      name: 'Data Science',
      externalId: 'b7c2e1f0-0000-4000-8000-000000000001',
    });
    const result = await completeLogin(
      {
        connection,
        identity: { issuer: ISSUER, subject: 'ada' },
        claims: claimsFor('ada', { groups: ['b7c2e1f0-0000-4000-8000-000000000001'] }),
      },
      deps(),
    );
    expect(await raw.memberships(result.user.id)).toEqual([`g1|sso:${connection.id}`]);
  });

  it('reports a failing audit hook without failing the login', async () => {
    const { storage, deps } = setup();
    const connection = await makeConnection(storage);
    const failures: string[] = [];
    const result = await completeLogin(
      { connection, identity: { issuer: ISSUER, subject: 'ada' }, claims: claimsFor('ada') },
      deps({
        audit: () => {
          throw new Error('audit sink down');
        },
        onAuditError: (error, event) => failures.push(`${event.type}: ${(error as Error).message}`),
      }),
    );
    expect(result.user.id).toBeTruthy();
    expect(failures).toContain('login.succeeded: audit sink down');
  });
});
