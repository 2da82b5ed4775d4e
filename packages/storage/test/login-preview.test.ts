import { completeLogin, previewLogin } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { memorySnapshot } from '../src/testkit/index.ts';
import { claimsFor, ISSUER, makeConnection, setup } from './helpers.ts';

const roles = {
  roleDefinitions: [
    { name: 'admins', grantedBy: ['*'] },
    { name: 'viewers', grantedBy: ['*'] },
  ],
  defaultRole: 'viewers',
};

describe('previewLogin: the login pipeline without writes or audit events', () => {
  it('previews a first login: the user it would create, its memberships and roles, writing nothing', async () => {
    const { storage, events, deps } = setup();
    const connection = await makeConnection(storage);
    await storage.groups.create({ id: 'g-admins', name: 'admins' });
    const before = memorySnapshot(storage);
    const input = {
      connection,
      identity: { issuer: ISSUER, subject: 'ada' },
      claims: claimsFor('ada', { groups: ['admins', 'unknown'] }),
    };
    const preview = await previewLogin(input, { store: storage.login, roles });
    expect(preview.outcome).toBe('would-succeed');
    if (preview.outcome !== 'would-succeed') return;
    expect(preview.result).toMatchObject({
      resolution: 'created',
      roles: ['admins'],
      user: { id: '', email: 'ada@example.com', status: 'active' },
    });
    expect(preview.result.groupSync?.unmatched).toEqual(['unknown']);
    expect(preview.commit).toMatchObject({
      user: { kind: 'create' },
      identity: { link: true },
      memberships: { add: ['g-admins'], remove: [] },
    });
    expect(memorySnapshot(storage)).toBe(before);
    expect(events).toEqual([]);

    // The real login then does what the preview said.
    const real = await completeLogin(input, deps({ roles }));
    expect(real.roles).toEqual(preview.result.roles);
    expect(real.groupSync?.add.map((g) => g.id)).toEqual(['g-admins']);
  });

  it('previews a returning user: the memberships it would remove, and a manual one it keeps', async () => {
    const { storage, deps } = setup();
    const connection = await makeConnection(storage);
    await storage.groups.create({ id: 'g-admins', name: 'admins' });
    await storage.groups.create({ id: 'g-viewers', name: 'viewers' });
    const input = (groups: string[]) => ({
      connection,
      identity: { issuer: ISSUER, subject: 'ada' },
      claims: claimsFor('ada', { groups, name: groups.length > 1 ? 'Ada' : 'Ada L.' }),
    });
    const { user } = await completeLogin(input(['admins', 'viewers']), deps({ roles }));
    await storage.memberships.add({ userId: user.id, groupId: 'g-admins', source: 'manual' });
    const before = memorySnapshot(storage);
    const preview = await previewLogin(input(['viewers']), { store: storage.login, roles });
    if (preview.outcome !== 'would-succeed') throw new Error('expected a successful preview');
    expect(preview.result.resolution).toBe('identity');
    expect(preview.result.user).toMatchObject({ id: user.id, name: 'Ada L.' });
    expect(preview.commit.memberships).toEqual({
      source: `sso:${connection.id}`,
      add: [],
      remove: ['g-admins'],
    });
    expect(preview.result.groupSync?.kept.map((m) => `${m.groupId}|${m.source}`).sort()).toEqual([
      'g-admins|manual',
      `g-viewers|sso:${connection.id}`,
    ]);
    expect(preview.result.roles).toEqual(['viewers']);
    expect(memorySnapshot(storage)).toBe(before);
  });

  it('previews a refusal as would-fail with its code, writing nothing', async () => {
    const { storage } = setup();
    const connection = await makeConnection(storage, {
      provisioning: { createUsers: false } as never,
    });
    const before = memorySnapshot(storage);
    const refused = await previewLogin(
      { connection, identity: { issuer: ISSUER, subject: 'eve' }, claims: claimsFor('eve') },
      { store: storage.login },
    );
    expect(refused.outcome).toBe('would-fail');
    if (refused.outcome === 'would-fail') expect(refused.error.code).toBe('user_not_provisioned');
    expect(memorySnapshot(storage)).toBe(before);
  });
});
