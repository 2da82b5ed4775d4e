/**
 * Group-sync planning: what to add and remove so that the memberships one connection granted follow
 * the groups the IdP sends, without touching anything else.
 *
 * @module
 */
import { foldCase } from './fold.ts';
import { codedTypeError } from './internal/assert.ts';
import type { GroupsClaim } from './mapping.ts';
import type { Group, Membership, MembershipSource } from './types.ts';
import { membershipSource } from './types.ts';

/** How IdP group values find app groups. */
export interface GroupMatchOptions {
  /** Match on the app group's `name` or its `externalId` (Entra sends object ids). Default: `'name'`. */
  matchBy?: 'name' | 'externalId';
  /** Compare case-insensitively. Default: `false`. */
  caseInsensitive?: boolean;
}

/**
 * An index of app groups by the key IdP values are matched on. Build it once for many plans (the app's
 * groups change rarely); {@link planGroupSync} builds one when given a plain list.
 */
export interface GroupIndex {
  readonly matchBy: 'name' | 'externalId';
  readonly caseInsensitive: boolean;
  /** The app groups an IdP value matches (several when names collide case-insensitively). */
  lookup(value: string): readonly Group[] | undefined;
}

/**
 * Builds a {@link GroupIndex} over the app's groups. Linear in the number of groups.
 *
 * @example
 * ```ts
 * import { createGroupIndex } from '@ssokit/core';
 *
 * const index = createGroupIndex([{ id: 'g1', name: 'Admins' }], { caseInsensitive: true });
 * index.lookup('admins'); // [{ id: 'g1', name: 'Admins' }]
 * ```
 */
export function createGroupIndex(groups: Iterable<Group>, options: GroupMatchOptions = {}): GroupIndex {
  const matchBy = options.matchBy ?? 'name';
  if (matchBy !== 'name' && matchBy !== 'externalId') {
    throw codedTypeError('"options.matchBy" must be "name" or "externalId".', 'ERR_INVALID_ARG_VALUE');
  }
  const caseInsensitive = options.caseInsensitive === true;
  const map = new Map<string, Group[]>();
  for (const group of groups) {
    const raw = matchBy === 'name' ? group.name : group.externalId;
    if (raw === undefined || raw === '') continue;
    const key = caseInsensitive ? foldCase(raw) : raw;
    const bucket = map.get(key);
    if (bucket) bucket.push(group);
    else map.set(key, [group]);
  }
  return {
    matchBy,
    caseInsensitive,
    lookup: caseInsensitive ? (value) => map.get(foldCase(value)) : (value) => map.get(value),
  };
}

/** The input of {@link planGroupSync}. */
export interface GroupSyncInput {
  /** The connection whose memberships are planned; its source is `sso:<connectionId>`. */
  connectionId: string;
  /** The user's groups claim, in one of its three states. */
  groups: GroupsClaim;
  /** The app's groups: a list (indexed on the fly) or a prebuilt {@link GroupIndex}. */
  appGroups: readonly Group[] | GroupIndex;
  /** Every current membership of the user, of every source. */
  memberships: readonly Membership[];
  /** Remove this connection's memberships whose group the IdP no longer sends. Default: `true`. */
  removeRevoked?: boolean;
  /** Used only when `appGroups` is a list. */
  match?: GroupMatchOptions;
}

/** What group sync will do. Applying it twice changes nothing the second time. */
export interface GroupSyncPlan {
  /** The state of the groups claim this plan was made from. */
  state: GroupsClaim['state'];
  /** The source of every membership this plan adds or removes. */
  source: MembershipSource;
  /** App groups to add a membership of `source` to, in no particular order (sort them for display). */
  add: Group[];
  /** Memberships of `source` to remove. Never a membership of another source. */
  remove: Membership[];
  /** Memberships that stay as they are, of every source (the user's memberships minus `remove`). */
  kept: Membership[];
  /** IdP group values that matched no app group, in claim order. */
  unmatched: string[];
  /** For an `unresolvable` claim: why the groups could not be read. */
  reason?: string;
}

/**
 * Plans group sync for one login. Pure and linear in the number of groups and memberships. Given a
 * list of app groups it indexes the (usually fewer) claim values and scans the groups once; given a
 * {@link GroupIndex} it only looks the values up, the fastest path when many logins share one index.
 *
 * - `absent` claim: nothing changes.
 * - `unresolvable` claim: nothing changes, and `reason` says why (report it; never read it as empty).
 * - `present` claim (maybe empty): each value is matched to app groups; a membership of this
 *   connection is added for every matched group that has none, and (with `removeRevoked`) every
 *   membership of this connection whose group no longer matches is removed. Manual memberships and
 *   those of other connections are never added to or removed.
 *
 * @example
 * ```ts
 * import { planGroupSync } from '@ssokit/core';
 *
 * const plan = planGroupSync({
 *   connectionId: 'okta',
 *   groups: { state: 'present', values: ['ml-engineers'] },
 *   appGroups: [{ id: 'g1', name: 'ml-engineers' }, { id: 'g2', name: 'viewers' }],
 *   memberships: [{ userId: 'u1', groupId: 'g2', source: 'sso:okta', createdAt: new Date() }],
 * });
 * plan.add.map((g) => g.id); // ['g1']
 * plan.remove.map((m) => m.groupId); // ['g2']
 * ```
 */
export function planGroupSync(input: GroupSyncInput): GroupSyncPlan {
  const source = membershipSource(input.connectionId);
  const claim = input.groups;
  if (claim.state !== 'present') {
    const plan: GroupSyncPlan = {
      state: claim.state,
      source,
      add: [],
      remove: [],
      kept: [...input.memberships],
      unmatched: [],
    };
    if (claim.state === 'unresolvable') plan.reason = claim.reason;
    return plan;
  }

  const { wanted, unmatched } = isGroupIndex(input.appGroups)
    ? matchWithIndex(claim.values, input.appGroups)
    : matchWithList(claim.values, input.appGroups, input.match);

  const removeRevoked = input.removeRevoked !== false;
  const owned = new Set<string>();
  const remove: Membership[] = [];
  const kept: Membership[] = [];
  for (const membership of input.memberships) {
    if (membership.source !== source) {
      kept.push(membership);
      continue;
    }
    owned.add(membership.groupId);
    if (removeRevoked && !wanted.has(membership.groupId)) remove.push(membership);
    else kept.push(membership);
  }
  const add: Group[] = [];
  for (const group of wanted.values()) if (!owned.has(group.id)) add.push(group);
  return { state: 'present', source, add, remove, kept, unmatched };
}

/**
 * The memberships after a plan is applied: `kept` plus a new membership of `plan.source` for each
 * group in `add`. What a store's commit must produce; useful to preview and to test adapters.
 *
 * @example
 * ```ts
 * const after = applyGroupSyncPlan('u1', plan, new Date());
 * ```
 */
export function applyGroupSyncPlan(userId: string, plan: GroupSyncPlan, at: Date): Membership[] {
  return [
    ...plan.kept,
    ...plan.add.map((group) => ({ userId, groupId: group.id, source: plan.source, createdAt: at })),
  ];
}

interface Matched {
  wanted: Map<string, Group>;
  unmatched: string[];
}

function matchWithIndex(values: readonly string[], index: GroupIndex): Matched {
  const wanted = new Map<string, Group>();
  const unmatched: string[] = [];
  const reported = new Set<string>();
  for (const value of values) {
    const found = index.lookup(value);
    if (found) {
      for (const group of found) wanted.set(group.id, group);
    } else if (!reported.has(value)) {
      reported.add(value);
      unmatched.push(value);
    }
  }
  return { wanted, unmatched };
}

// Indexes the user's values (thousands) rather than the app's groups (maybe many more), then scans
// the groups once: one Map insert per value and one lookup per group.
function matchWithList(
  values: readonly string[],
  groups: readonly Group[],
  options: GroupMatchOptions = {},
): Matched {
  const byExternalId = options.matchBy === 'externalId';
  const fold = options.caseInsensitive === true;
  const hits = new Map<string, boolean>();
  for (const value of values) hits.set(fold ? foldCase(value) : value, false);
  const wanted = new Map<string, Group>();
  for (const group of groups) {
    const raw = byExternalId ? group.externalId : group.name;
    if (raw === undefined) continue;
    const key = fold ? foldCase(raw) : raw;
    if (hits.has(key)) {
      hits.set(key, true);
      wanted.set(group.id, group);
    }
  }
  const unmatched: string[] = [];
  const reported = new Set<string>();
  for (const value of values) {
    if (hits.get(fold ? foldCase(value) : value) === false && !reported.has(value)) {
      reported.add(value);
      unmatched.push(value);
    }
  }
  return { wanted, unmatched };
}

function isGroupIndex(value: GroupSyncInput['appGroups']): value is GroupIndex {
  return typeof (value as GroupIndex).lookup === 'function';
}
