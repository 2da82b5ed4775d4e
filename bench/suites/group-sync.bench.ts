import type { Group, GroupIndex, Membership, MembershipSource } from '@ssokit/core';
import { createGroupIndex, planGroupSync } from '@ssokit/core';
import { defineSuite } from '../suite.ts';

// A user in 10,000 IdP groups, an app with 50,000 groups. 8,000 of the IdP groups exist in the app.
// The user holds 6,000 memberships from this connection (4,000 still wanted, 2,000 revoked), 1,000
// manual ones and 1,000 from another connection.
const APP_GROUPS = 50_000;
const IDP_GROUPS = 10_000;
const source: MembershipSource = 'sso:c1';
const at = new Date();
let appGroups: Group[] = [];
let index: GroupIndex;
let values: string[] = [];
let memberships: Membership[] = [];

export default defineSuite({
  name: 'group-sync planning',
  description: `planGroupSync for one login: ${IDP_GROUPS.toLocaleString('en-US')} IdP groups against ${APP_GROUPS.toLocaleString('en-US')} app groups, 8,000 memberships.`,
  setup() {
    appGroups = Array.from({ length: APP_GROUPS }, (_, i) => ({ id: `g${i}`, name: `group-${i}` }));
    index = createGroupIndex(appGroups);
    // 8,000 matching (every 5th app group), 2,000 unknown to the app.
    values = [
      ...Array.from({ length: 8_000 }, (_, i) => `group-${i * 5}`),
      ...Array.from({ length: IDP_GROUPS - 8_000 }, (_, i) => `idp-only-${i}`),
    ];
    const m = (groupId: string, s: MembershipSource): Membership => ({
      userId: 'u1',
      groupId,
      source: s,
      createdAt: at,
    });
    memberships = [
      ...Array.from({ length: 4_000 }, (_, i) => m(`g${i * 5}`, source)),
      ...Array.from({ length: 2_000 }, (_, i) => m(`g${i * 5 + 1}`, source)),
      ...Array.from({ length: 1_000 }, (_, i) => m(`g${i * 7}`, 'manual')),
      ...Array.from({ length: 1_000 }, (_, i) => m(`g${i * 3}`, 'sso:c2')),
    ];
  },
  tasks: [
    {
      name: 'planGroupSync (prebuilt index)',
      role: 'subject',
      fn: () =>
        planGroupSync({
          connectionId: 'c1',
          groups: { state: 'present', values },
          appGroups: index,
          memberships,
        }),
    },
    {
      name: 'planGroupSync (indexes 50k groups per call)',
      role: 'subject',
      fn: () =>
        planGroupSync({ connectionId: 'c1', groups: { state: 'present', values }, appGroups, memberships }),
    },
    {
      // The least work that answers the question: one Map lookup per value and one Set test per membership.
      name: 'bare Map/Set difference',
      role: 'limit',
      fn: () => {
        const wanted = new Set<string>();
        for (const value of values) {
          const group = index.lookup(value);
          if (group) for (const g of group) wanted.add(g.id);
        }
        const owned = new Set<string>();
        const remove: string[] = [];
        for (const membership of memberships) {
          if (membership.source !== source) continue;
          owned.add(membership.groupId);
          if (!wanted.has(membership.groupId)) remove.push(membership.groupId);
        }
        const add: string[] = [];
        for (const id of wanted) if (!owned.has(id)) add.push(id);
        return [add, remove];
      },
    },
  ],
  targets: [
    { task: 'planGroupSync (prebuilt index)', medianMsBelow: 10 },
    { task: 'planGroupSync (indexes 50k groups per call)', medianMsBelow: 10 },
  ],
});
