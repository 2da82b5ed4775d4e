import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyGroupSyncPlan, createGroupIndex, planGroupSync } from './group-sync.ts';
import type { Group, Membership, MembershipSource } from './types.ts';

const at = new Date('2026-01-01T00:00:00Z');
const groups: Group[] = [
  { id: 'g-admins', name: 'admins', externalId: 'oid-admins' },
  { id: 'g-ml', name: 'ML-Engineers', externalId: 'oid-ml' },
  { id: 'g-viewers', name: 'viewers' },
];
const m = (groupId: string, source: MembershipSource): Membership => ({
  userId: 'u1',
  groupId,
  source,
  createdAt: at,
});

describe('planGroupSync', () => {
  it('adds matched groups and removes revoked memberships of this connection only', () => {
    const plan = planGroupSync({
      connectionId: 'c1',
      groups: { state: 'present', values: ['admins', 'unknown-group'] },
      appGroups: groups,
      memberships: [m('g-viewers', 'sso:c1'), m('g-viewers', 'manual'), m('g-ml', 'sso:c2')],
    });
    expect(plan.state).toBe('present');
    expect(plan.source).toBe('sso:c1');
    expect(plan.add.map((g) => g.id)).toEqual(['g-admins']);
    expect(plan.remove).toEqual([m('g-viewers', 'sso:c1')]);
    expect(plan.kept).toEqual([m('g-viewers', 'manual'), m('g-ml', 'sso:c2')]);
    expect(plan.unmatched).toEqual(['unknown-group']);
  });

  it('adds a membership of its own even where a manual one exists, so removing either leaves the other', () => {
    const plan = planGroupSync({
      connectionId: 'c1',
      groups: { state: 'present', values: ['admins'] },
      appGroups: groups,
      memberships: [m('g-admins', 'manual')],
    });
    expect(plan.add.map((g) => g.id)).toEqual(['g-admins']);
    expect(plan.remove).toEqual([]);
  });

  it('changes nothing for an absent claim', () => {
    const memberships = [m('g-viewers', 'sso:c1')];
    const plan = planGroupSync({
      connectionId: 'c1',
      groups: { state: 'absent' },
      appGroups: groups,
      memberships,
    });
    expect(plan).toEqual({
      state: 'absent',
      source: 'sso:c1',
      add: [],
      remove: [],
      kept: memberships,
      unmatched: [],
    });
  });

  it('changes nothing for an unresolvable claim and reports why', () => {
    const memberships = [m('g-viewers', 'sso:c1')];
    const plan = planGroupSync({
      connectionId: 'c1',
      groups: { state: 'unresolvable', reason: 'Microsoft Graph answered 503' },
      appGroups: groups,
      memberships,
    });
    expect(plan).toMatchObject({
      state: 'unresolvable',
      add: [],
      remove: [],
      kept: memberships,
      reason: 'Microsoft Graph answered 503',
    });
  });

  it("removes every membership this connection granted for an empty list, and nobody else's", () => {
    const plan = planGroupSync({
      connectionId: 'c1',
      groups: { state: 'present', values: [] },
      appGroups: groups,
      memberships: [m('g-admins', 'sso:c1'), m('g-ml', 'sso:c1'), m('g-admins', 'manual')],
    });
    expect(plan.remove.map((x) => x.groupId)).toEqual(['g-admins', 'g-ml']);
    expect(plan.kept).toEqual([m('g-admins', 'manual')]);
  });

  it('keeps revoked memberships when removeRevoked is off', () => {
    const plan = planGroupSync({
      connectionId: 'c1',
      groups: { state: 'present', values: [] },
      appGroups: groups,
      memberships: [m('g-admins', 'sso:c1')],
      removeRevoked: false,
    });
    expect(plan.remove).toEqual([]);
    expect(plan.kept).toEqual([m('g-admins', 'sso:c1')]);
  });

  it('matches case-insensitively and by external id when asked', () => {
    const insensitive = planGroupSync({
      connectionId: 'c1',
      groups: { state: 'present', values: ['ml-engineers', 'ADMINS'] },
      appGroups: groups,
      memberships: [],
      match: { caseInsensitive: true },
    });
    expect(insensitive.add.map((g) => g.id).sort()).toEqual(['g-admins', 'g-ml']);
    expect(insensitive.unmatched).toEqual([]);
    // ASCII letters only: look-alikes (the long s, the Kelvin sign) never fold into a group's name.
    const lookAlikes = ['ml-engineer\u017F', '\u212Aeys'];
    const appGroups = [...groups, { id: 'g-keys', name: 'keys' }];
    for (const index of [appGroups, createGroupIndex(appGroups, { caseInsensitive: true })]) {
      const folded = planGroupSync({
        connectionId: 'c1',
        groups: { state: 'present', values: lookAlikes },
        appGroups: index,
        memberships: [],
        match: { caseInsensitive: true },
      });
      expect(folded.add).toEqual([]);
      expect(folded.unmatched).toEqual(lookAlikes);
    }
    const exact = planGroupSync({
      connectionId: 'c1',
      groups: { state: 'present', values: ['ml-engineers'] },
      appGroups: groups,
      memberships: [],
    });
    expect(exact.unmatched).toEqual(['ml-engineers']);
    const byId = planGroupSync({
      connectionId: 'c1',
      groups: { state: 'present', values: ['oid-ml', 'viewers'] },
      appGroups: createGroupIndex(groups, { matchBy: 'externalId' }),
      memberships: [],
    });
    expect(byId.add.map((g) => g.id)).toEqual(['g-ml']);
    expect(byId.unmatched).toEqual(['viewers']);
  });

  it('matches every app group a value names when names collide case-insensitively', () => {
    const index = createGroupIndex(
      [
        { id: 'a', name: 'Ops' },
        { id: 'b', name: 'ops' },
      ],
      { caseInsensitive: true },
    );
    expect(index.lookup('OPS')?.map((g) => g.id)).toEqual(['a', 'b']);
    expect(index.caseInsensitive).toBe(true);
    expect(() => createGroupIndex([], { matchBy: 'email' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});

// Properties over small universes, so collisions are frequent.
const groupIds = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'];
const appGroups: Group[] = groupIds.map((id, i) => ({ id, name: `group-${i}` }));
const sourceArb = fc.constantFrom<MembershipSource>('manual', 'sso:c1', 'sso:c2');
const membershipsArb = fc
  .uniqueArray(fc.record({ groupId: fc.constantFrom(...groupIds), source: sourceArb }), {
    selector: (x) => `${x.groupId}|${x.source}`,
    maxLength: 12,
  })
  .map((list) => list.map((x) => m(x.groupId, x.source)));
const claimArb = fc.oneof(
  fc.constant({ state: 'absent' as const }),
  fc.constant({ state: 'unresolvable' as const, reason: 'x' }),
  fc
    .array(fc.constantFrom('group-0', 'group-1', 'group-2', 'group-5', 'nope', 'GROUP-1'), { maxLength: 8 })
    .map((values) => ({
      state: 'present' as const,
      values,
    })),
);

describe('planGroupSync properties', () => {
  it('never adds or removes a membership of another source', () => {
    fc.assert(
      fc.property(claimArb, membershipsArb, fc.boolean(), (claim, memberships, removeRevoked) => {
        const plan = planGroupSync({
          connectionId: 'c1',
          groups: claim,
          appGroups,
          memberships,
          removeRevoked,
        });
        for (const removed of plan.remove) expect(removed.source).toBe('sso:c1');
        const after = applyGroupSyncPlan('u1', plan, at);
        const others = (list: Membership[]) =>
          list
            .filter((x) => x.source !== 'sso:c1')
            .map((x) => `${x.groupId}|${x.source}`)
            .sort();
        expect(others(after)).toEqual(others(memberships));
      }),
    );
  });

  it('is idempotent: planning again after applying changes nothing', () => {
    fc.assert(
      fc.property(claimArb, membershipsArb, fc.boolean(), (claim, memberships, removeRevoked) => {
        const input = { connectionId: 'c1', groups: claim, appGroups, removeRevoked };
        const after = applyGroupSyncPlan('u1', planGroupSync({ ...input, memberships }), at);
        const again = planGroupSync({ ...input, memberships: after });
        expect(again.add).toEqual([]);
        expect(again.remove).toEqual([]);
      }),
    );
  });

  it("leaves exactly the matched groups as this connection's memberships (with removeRevoked)", () => {
    fc.assert(
      fc.property(claimArb, membershipsArb, (claim, memberships) => {
        fc.pre(claim.state === 'present');
        const plan = planGroupSync({ connectionId: 'c1', groups: claim, appGroups, memberships });
        const after = applyGroupSyncPlan('u1', plan, at);
        const own = after
          .filter((x) => x.source === 'sso:c1')
          .map((x) => x.groupId)
          .sort();
        const expected = appGroups
          .filter((g) => claim.state === 'present' && (claim.values as readonly string[]).includes(g.name))
          .map((g) => g.id)
          .sort();
        expect(own).toEqual(expected);
      }),
    );
  });

  it('changes nothing unless the claim is present', () => {
    fc.assert(
      fc.property(claimArb, membershipsArb, (claim, memberships) => {
        fc.pre(claim.state !== 'present');
        const plan = planGroupSync({ connectionId: 'c1', groups: claim, appGroups, memberships });
        expect(plan.add).toEqual([]);
        expect(plan.remove).toEqual([]);
        expect(plan.kept).toEqual(memberships);
      }),
    );
  });
});

describe('planGroupSync: list and index give the same plan', () => {
  it('property: for any claim, options and groups, both matching paths agree', () => {
    const names = ['Ops', 'ops', 'dev', 'DEV', 'qa', 'x'];
    const groupsArb = fc.uniqueArray(
      fc.record({
        id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
        name: fc.constantFrom(...names),
        externalId: fc.option(fc.constantFrom(...names), { nil: undefined }),
      }),
      { selector: (g) => g.id, maxLength: 6 },
    );
    fc.assert(
      fc.property(
        groupsArb,
        fc.array(fc.constantFrom(...names, 'missing', 'MISSING'), { maxLength: 10 }),
        fc.constantFrom<'name' | 'externalId'>('name', 'externalId'),
        fc.boolean(),
        (list, values, matchBy, caseInsensitive) => {
          const groupsList = list.map(({ externalId, ...g }) =>
            externalId === undefined ? g : { ...g, externalId },
          );
          const input = {
            connectionId: 'c1',
            groups: { state: 'present' as const, values },
            memberships: [],
          };
          const viaList = planGroupSync({
            ...input,
            appGroups: groupsList,
            match: { matchBy, caseInsensitive },
          });
          const viaIndex = planGroupSync({
            ...input,
            appGroups: createGroupIndex(groupsList, { matchBy, caseInsensitive }),
          });
          expect(viaList.add.map((g) => g.id).sort()).toEqual(viaIndex.add.map((g) => g.id).sort());
          expect(viaList.unmatched).toEqual(viaIndex.unmatched);
        },
      ),
    );
  });
});
