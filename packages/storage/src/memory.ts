/**
 * `memoryStorage()`: the embedded default store, for tests, demos and single-instance apps.
 *
 * @module
 */

import type { Clock, Connection, Group, IdentityKey, LoginCommit, User } from '@ssokit/core';
import { foldCase, now as nowSymbol, ownsEmail, SsoError } from '@ssokit/core';
import {
  assertTtl,
  connectionPatchFields,
  nextUpdatedAt,
  sameInstant,
  storageErrors,
} from './adapter-helpers.ts';
import { copy } from './internal/copy.ts';
import type { MemoryState } from './internal/memory-state.ts';
import { memoryStateKey } from './internal/memory-state.ts';
import { memoryLoginActivity } from './memory-activity.ts';
import { memoryRoles } from './memory-roles.ts';
import { memoryCounters, memorySessions } from './memory-sessions.ts';
import type {
  ConnectionPatch,
  MembershipKey,
  NewConnection,
  NewGroup,
  NewUser,
  SsoStorage,
  TransactionValue,
} from './types.ts';

/** Options of {@link memoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * The most unexpired transactions, replay entries, sessions and counters kept, each, so a flood of abandoned logins
   * cannot exhaust memory. A live transaction is never dropped (that would end someone's login in
   * progress): past the bound, a new one is refused with `rate_limited` until others finish or expire.
   * Replay entries and counters past it drop the oldest; a new session past it is refused like a
   * transaction. It also bounds the login-activity lists (one per connection and outcome; each holds
   * at most its retention's `maxEntries`): past it the list written least recently goes. And it bounds
   * the roles: past it, a new role is refused (`storage_conflict`, `details.reason: 'full'`). Default: 100000.
   */
  maxEntries?: number;
  /**
   * The most characters all stored transactions may take together (each is its JSON), so that a flood
   * of logins with long `returnTo`s cannot exhaust memory either; past it, like `maxEntries`, a new
   * transaction is refused. Default: 67108864 (64 Mi characters).
   */
  maxTransactionBytes?: number;
  /** The clock, for expiry and timestamps. Default: `Date.now`. */
  [nowSymbol]?: Clock;
}

const clone = copy;
const copyOf = <T>(map: Map<string, T>, key: string): T | null => {
  const found = map.get(key);
  return found === undefined ? null : clone(found);
};
/** The id a new record gets: the caller's, or a random UUID; an id already in use is a conflict. */
const newId = (map: Map<string, unknown>, requested: string | undefined, kind: string): string => {
  const id = requested ?? crypto.randomUUID();
  if (map.has(id)) throw storageErrors.idTaken(kind, id);
  return id;
};
const identityKey = (key: IdentityKey) => `${key.issuer.length}:${key.issuer}|${key.subject}`;
const membershipKey = (key: MembershipKey) =>
  `${key.userId.length}:${key.userId}|${key.groupId.length}:${key.groupId}|${key.source}`;
/** Case-insensitive names and emails, by core's one folding (ASCII letters only). */
const folded = foldCase;

let warned = false;
/** Once per process, under `NODE_ENV=production`: what an in-memory store breaks. */
function warnInProduction(): void {
  if (warned || globalThis.process?.env?.NODE_ENV !== 'production') return;
  warned = true;
  process.emitWarning(
    'memoryStorage() keeps connections, users, sessions and logins in this process only: a restart forgets them, and with several instances behind a load balancer a login begun on one fails on another and a sign-out on one leaves the others signed in. Use @ssokit/storage-sql (and @ssokit/storage-redis) in production.',
    { code: 'SSOKIT_MEMORY_STORAGE' },
  );
}

/**
 * Creates an in-memory store. Everything lives in this process and is lost on restart; use a SQL or
 * Redis adapter when several instances serve logins (under `NODE_ENV=production` it says so once, as a
 * process warning with code `SSOKIT_MEMORY_STORAGE`). Every operation is atomic (none awaits midway).
 *
 * @example
 * ```ts
 * import { createSso } from '@ssokit/server';
 * import { memoryStorage } from '@ssokit/storage';
 *
 * const sso = createSso({ baseUrl: 'http://localhost:3000', storage: memoryStorage(), secret });
 * ```
 */
export function memoryStorage(options: MemoryStorageOptions = {}): SsoStorage {
  warnInProduction();
  const clock = options[nowSymbol] ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  const maxTransactionBytes = options.maxTransactionBytes ?? 64 * 1024 * 1024;
  let transactionBytes = 0;
  let nextSweepAt = 0;
  const state: MemoryState = {
    connections: new Map(),
    users: new Map(),
    identities: new Map(),
    groups: new Map(),
    memberships: new Map(),
    transactions: new Map(),
    replay: new Map(),
    sessions: new Map(),
    counters: new Map(),
    loginActivity: new Map(),
    roles: new Map(),
  };
  /** The owner of an address (core's ownsEmail): unverified holders neither own nor block it. */
  const emailOwner = (email: string, exceptId?: string): User | undefined => {
    const wanted = folded(email);
    for (const user of state.users.values()) {
      if (
        user.id !== exceptId &&
        user.email !== undefined &&
        folded(user.email) === wanted &&
        ownsEmail(user)
      )
        return user;
    }
    return undefined;
  };
  /** Whether writing `next` would give it an address another user owns. */
  const takesOwnedEmail = (next: Pick<User, 'email' | 'status' | 'emailVerified'>, id?: string) =>
    next.email !== undefined && ownsEmail(next) && emailOwner(next.email, id) !== undefined;
  const connectionByName = (name: string, exceptId?: string): Connection | undefined => {
    const wanted = folded(name);
    for (const connection of state.connections.values()) {
      if (connection.id !== exceptId && folded(connection.name) === wanted) return connection;
    }
    return undefined;
  };
  const nameTaken = storageErrors.connectionNameTaken;
  const emailTaken = storageErrors.emailTaken;
  const sweep = <T>(map: Map<string, T>, expiresAt: (entry: T) => number) => {
    const at = clock();
    for (const [key, entry] of map) if (expiresAt(entry) <= at) map.delete(key);
    // Maps iterate in insertion order, so the first keys are the oldest.
    for (const key of map.keys()) {
      if (map.size < maxEntries) break;
      map.delete(key);
    }
  };

  const storage: SsoStorage = {
    connections: {
      async list() {
        return [...state.connections.values()].map(clone);
      },
      async get(id) {
        return copyOf(state.connections, id);
      },
      async findByName(name) {
        const found = connectionByName(name);
        return found ? clone(found) : null;
      },
      async create(input: NewConnection) {
        if (connectionByName(input.name)) throw nameTaken(input.name);
        const id = newId(state.connections, input.id, 'connection');
        const at = new Date(clock());
        const record = { ...clone(input), id, createdAt: at, updatedAt: at } as Connection;
        state.connections.set(id, record);
        return clone(record);
      },
      async update(id, patch: ConnectionPatch, { expectedUpdatedAt }) {
        const current = state.connections.get(id);
        if (!current) throw storageErrors.connectionNotFound(id);
        if (!sameInstant(current.updatedAt, expectedUpdatedAt)) throw storageErrors.staleConnection(current);
        if (patch.name !== undefined && connectionByName(patch.name, id)) throw nameTaken(patch.name);
        const record = {
          ...current,
          ...clone(connectionPatchFields(patch)),
          updatedAt: nextUpdatedAt(current.updatedAt, clock()),
        } as Connection;
        state.connections.set(id, record);
        return clone(record);
      },
      async delete(id, options = {}) {
        const current = state.connections.get(id);
        if (!current) return false;
        if (options.expectedUpdatedAt && !sameInstant(current.updatedAt, options.expectedUpdatedAt))
          throw storageErrors.staleConnection(current);
        state.connections.delete(id);
        return true;
      },
    },

    users: {
      async get(id) {
        return copyOf(state.users, id);
      },
      async findByEmail(email) {
        const found = emailOwner(email);
        return found ? clone(found) : null;
      },
      async findByIdentity(key) {
        const link = state.identities.get(identityKey(key));
        const found = link && state.users.get(link.userId);
        return found ? clone(found) : null;
      },
      async create(input: NewUser) {
        const id = newId(state.users, input.id, 'user');
        if (takesOwnedEmail(input)) throw emailTaken();
        const at = new Date(clock());
        const user = { ...clone(input), id, createdAt: at, updatedAt: at } as User;
        state.users.set(id, user);
        return clone(user);
      },
      async update(id, patch) {
        const current = state.users.get(id);
        if (!current) throw storageErrors.missing(`No user has id "${id}".`);
        const { id: _i, createdAt: _c, updatedAt: _u, ...fields } = patch as Record<string, unknown>;
        const user = { ...current, ...clone(fields), updatedAt: new Date(clock()) } as User;
        if (takesOwnedEmail(user, id)) throw emailTaken();
        state.users.set(id, user);
        return clone(user);
      },
      async listIdentities(userId) {
        return [...state.identities.values()].filter((link) => link.userId === userId).map(clone);
      },
      async unlinkIdentity(key) {
        return state.identities.delete(identityKey(key));
      },
    },

    groups: {
      async list() {
        return [...state.groups.values()].map(clone);
      },
      async get(id) {
        return copyOf(state.groups, id);
      },
      async create(input: NewGroup) {
        const id = newId(state.groups, input.id, 'group');
        const group = { ...clone(input), id } as Group;
        state.groups.set(id, group);
        return clone(group);
      },
      async delete(id) {
        if (!state.groups.delete(id)) return false;
        for (const [key, membership] of state.memberships)
          if (membership.groupId === id) state.memberships.delete(key);
        return true;
      },
      async find(query) {
        if (query.matchBy === 'id')
          return [...new Set(query.values)].flatMap((id) => copyOf(state.groups, id) ?? []);
        const wanted = new Set(query.caseInsensitive ? query.values.map(folded) : query.values);
        const found: Group[] = [];
        for (const group of state.groups.values()) {
          const raw = query.matchBy === 'name' ? group.name : group.externalId;
          if (raw !== undefined && wanted.has(query.caseInsensitive ? folded(raw) : raw))
            found.push(clone(group));
        }
        return found;
      },
    },

    memberships: {
      async listForUser(userId) {
        return [...state.memberships.values()].filter((m) => m.userId === userId).map(clone);
      },
      async listForGroup(groupId) {
        return [...state.memberships.values()].filter((m) => m.groupId === groupId).map(clone);
      },
      async add(key) {
        if (!state.users.has(key.userId) || !state.groups.has(key.groupId)) {
          throw storageErrors.missing('A membership needs an existing user and group.');
        }
        const k = membershipKey(key);
        let membership = state.memberships.get(k);
        if (!membership) {
          membership = {
            userId: key.userId,
            groupId: key.groupId,
            source: key.source,
            createdAt: new Date(clock()),
          };
          state.memberships.set(k, membership);
        }
        return clone(membership);
      },
      async remove(key) {
        return state.memberships.delete(membershipKey(key));
      },
    },

    login: {
      async findUserByIdentity(key) {
        return storage.users.findByIdentity(key);
      },
      async findUserByEmail(email) {
        return storage.users.findByEmail(email);
      },
      async findGroups(query) {
        return storage.groups.find(query);
      },
      async listMemberships(userId) {
        return storage.memberships.listForUser(userId);
      },
      async commitLogin(commit: LoginCommit) {
        // Check everything first, then write: nothing awaits in between, so the commit is atomic.
        const at = commit.at;
        const existing = commit.user.kind === 'existing' ? state.users.get(commit.user.id) : undefined;
        if (commit.user.kind === 'existing' && !existing) {
          throw storageErrors.missing('The user was deleted during the login.');
        }
        const idKey = identityKey(commit.identity.key);
        const link = state.identities.get(idKey);
        if (commit.identity.link && link) {
          throw storageErrors.identityChanged(true);
        }
        if (!commit.identity.link && (!link || link.userId !== existing?.id)) {
          throw storageErrors.identityChanged(false);
        }

        const user: User = existing
          ? {
              ...existing,
              ...clone(commit.user.profile),
              status: existing.status === 'invited' ? 'active' : existing.status,
              updatedAt: at,
            }
          : {
              ...clone(commit.user.profile),
              id: crypto.randomUUID(),
              status: 'active',
              createdAt: at,
              updatedAt: at,
            };
        if (takesOwnedEmail(user, existing?.id)) throw emailTaken();
        state.users.set(user.id, user);
        state.identities.set(
          idKey,
          link
            ? { ...link, lastLoginAt: at }
            : {
                ...clone(commit.identity.key),
                userId: user.id,
                connectionId: commit.identity.connectionId,
                createdAt: at,
                lastLoginAt: at,
              },
        );
        const source = commit.memberships.source;
        for (const groupId of commit.memberships.remove)
          state.memberships.delete(membershipKey({ userId: user.id, groupId, source }));
        for (const groupId of commit.memberships.add) {
          const k = membershipKey({ userId: user.id, groupId, source });
          if (state.groups.has(groupId) && !state.memberships.has(k)) {
            state.memberships.set(k, { userId: user.id, groupId, source, createdAt: at });
          }
        }
        return clone(user);
      },
    },

    transactions: {
      async put(key, value: TransactionValue, ttlMs) {
        assertTtl(ttlMs);
        const text = JSON.stringify(value);
        const full = () =>
          state.transactions.size >= maxEntries || transactionBytes + text.length > maxTransactionBytes;
        if (full() && !state.transactions.has(key)) {
          // Expired ones make room; swept at most once a second, so a flood does not scan each time.
          const at = clock();
          if (at >= nextSweepAt) {
            nextSweepAt = at + 1000;
            for (const [k, entry] of state.transactions)
              if (entry.expiresAt <= at) {
                transactionBytes -= entry.value.length;
                state.transactions.delete(k);
              }
          }
          if (full())
            throw new SsoError('rate_limited', 'Too many sign-ins are in progress; try again in a minute.', {
              details: { reason: 'transactions_full', maxEntries },
            });
        }
        const previous = state.transactions.get(key);
        if (previous) transactionBytes -= previous.value.length;
        state.transactions.delete(key);
        state.transactions.set(key, { value: text, expiresAt: clock() + ttlMs });
        transactionBytes += text.length;
      },
      async take(key) {
        const entry = state.transactions.get(key);
        if (!entry) return null;
        transactionBytes -= entry.value.length;
        state.transactions.delete(key);
        return entry.expiresAt > clock() ? (JSON.parse(entry.value) as TransactionValue) : null;
      },
    },

    replay: {
      async firstSeen(key, ttlMs) {
        assertTtl(ttlMs);
        const at = clock();
        const expiresAt = state.replay.get(key);
        if (expiresAt !== undefined && expiresAt > at) return false;
        if (state.replay.size >= maxEntries) sweep(state.replay, (entry) => entry);
        state.replay.delete(key);
        state.replay.set(key, at + ttlMs);
        return true;
      },
    },

    sessions: memorySessions(state, clock, maxEntries),
    counters: memoryCounters(state, clock, maxEntries),
    loginActivity: memoryLoginActivity(state, clock, maxEntries),
    roles: memoryRoles(state, clock, maxEntries),

    async close() {},
  };
  Object.defineProperty(storage, memoryStateKey, { value: state, enumerable: false });
  return storage;
}
