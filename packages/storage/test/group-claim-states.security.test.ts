/**
 * Invariant family: a groups claim has three states, each handled on purpose. Absent changes nothing;
 * an empty list removes only what this connection granted; unresolvable (Entra overage that could not
 * be fetched) keeps memberships as they are and is reported. Manual memberships are never touched.
 */

import type { GroupsClaim } from '@ssokit/core';
import { completeLogin } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { claimsFor, ISSUER, makeConnection, setup } from './helpers.ts';

async function userWithMemberships() {
  const e = setup();
  const connection = await makeConnection(e.storage);
  const other = await makeConnection(e.storage);
  for (const name of ['admins', 'viewers', 'ops']) await e.storage.groups.create({ id: `g-${name}`, name });
  const identity = { issuer: ISSUER, subject: 'ada' };
  const first = await completeLogin(
    { connection, identity, claims: claimsFor('ada', { groups: ['admins', 'viewers'] }) },
    e.deps(),
  );
  const userId = first.user.id;
  await e.storage.memberships.add({ userId, groupId: 'g-ops', source: 'manual' });
  await e.storage.memberships.add({ userId, groupId: 'g-admins', source: 'manual' });
  await e.storage.memberships.add({ userId, groupId: 'g-ops', source: `sso:${other.id}` });
  const login = (claims: Record<string, unknown>, groups?: GroupsClaim) =>
    completeLogin(
      { connection, identity, claims: claimsFor('ada', claims), ...(groups ? { groups } : {}) },
      e.deps(),
    );
  return { ...e, connection, other, userId, login };
}

describe('the three states of a groups claim', () => {
  it('absent: changes no membership', async () => {
    const e = await userWithMemberships();
    const before = (await e.raw.memberships(e.userId)).sort();
    const result = await e.login({});
    expect(result.groupSync?.state).toBe('absent');
    expect((await e.raw.memberships(e.userId)).sort()).toEqual(before);
  });

  it("empty list: removes this connection's memberships and nobody else's", async () => {
    const e = await userWithMemberships();
    const result = await e.login({ groups: [] });
    expect(result.groupSync?.state).toBe('present');
    expect((await e.raw.memberships(e.userId)).sort()).toEqual([
      'g-admins|manual',
      'g-ops|manual',
      `g-ops|sso:${e.other.id}`,
    ]);
  });

  it('unresolvable: keeps every membership and reports the reason', async () => {
    const e = await userWithMemberships();
    const before = (await e.raw.memberships(e.userId)).sort();
    const result = await e.login(
      { groups: [] },
      { state: 'unresolvable', reason: 'Microsoft Graph timed out' },
    );
    expect(result.groupSync).toMatchObject({
      state: 'unresolvable',
      reason: 'Microsoft Graph timed out',
      add: [],
      remove: [],
    });
    expect((await e.raw.memberships(e.userId)).sort()).toEqual(before);
  });

  it('a single string is one group, not a list of characters', async () => {
    const e = await userWithMemberships();
    await e.login({ groups: 'viewers' });
    expect((await e.raw.memberships(e.userId)).filter((m) => m.endsWith(`sso:${e.connection.id}`))).toEqual([
      `g-viewers|sso:${e.connection.id}`,
    ]);
  });
});
