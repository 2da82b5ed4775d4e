import type { MemoryState } from '../internal/memory-state.ts';
import { memoryStateKey } from '../internal/memory-state.ts';
import type { SsoStorage } from '../types.ts';

/**
 * Reads what really reached an adapter's backing store, bypassing the adapter's own read methods. An
 * adapter author implements it with direct queries (`SELECT ... FROM ssokit_users WHERE id = $1`), so
 * the conformance suite can tell "the adapter said it wrote" from "it is written".
 */
export interface RawReader {
  /** The stored connection's name and `updatedAt`, or `null`. */
  connection(id: string): Promise<{ name: string; updatedAt: Date } | null>;
  /** How many connections are stored. */
  connectionCount(): Promise<number>;
  /** The stored user's email and status, or `null`. */
  user(id: string): Promise<{ email?: string | null; emailVerified: boolean | null; status: string } | null>;
  /** How many users are stored. */
  userCount(): Promise<number>;
  /** The identities linked to a user, as `issuer|subject` strings. */
  identities(userId: string): Promise<string[]>;
  /** The user's memberships, as `groupId|source` strings. */
  memberships(userId: string): Promise<string[]>;
  /** Whether an unexpired-or-not transaction row is still present under `key`. */
  hasTransaction(key: string): Promise<boolean>;
  /**
   * Whether a session row (expired or not) is still present under `id`: the suite checks that ending
   * a session removes it from the backing store. Optional; without it, only the store's own reads are
   * checked.
   */
  hasSession?(id: string): Promise<boolean>;
  /**
   * How many login-activity entries of a connection (both outcomes, past their age limit or not) are
   * in the backing store: the suite checks that a store keeps no more than its bound, not only that
   * it lists no more. Optional; without it, only the store's own reads are checked.
   */
  activityCount?(connectionId: string): Promise<number>;
  /**
   * The stored role of exactly that name (its case included): name, source, origin (`null` when none)
   * and `updatedAt`, or `null`. The `roles` family reads it to check what reached the backing store
   * (that applying a file again wrote nothing). Optional; without it, only the store's own reads are
   * checked.
   */
  role?(
    name: string,
  ): Promise<{ name: string; source: string; origin: string | null; updatedAt: Date } | null>;
  /** How many roles are stored. Optional, like {@link RawReader.role}. */
  roleCount?(): Promise<number>;
}

/**
 * The {@link RawReader} of a store made by `memoryStorage()`.
 *
 * @example
 * ```ts
 * import { memoryStorage } from '@ssokit/storage';
 * import { memoryRawReader, runStorageConformance } from '@ssokit/storage/testkit';
 *
 * runStorageConformance({ name: 'memory', create: () => memoryStorage(), raw: memoryRawReader });
 * ```
 */
export function memoryRawReader(storage: SsoStorage): RawReader {
  const state = (storage as unknown as Record<symbol, MemoryState | undefined>)[memoryStateKey];
  if (!state) throw new TypeError('"storage" was not made by memoryStorage().');
  return {
    async connection(id) {
      const found = state.connections.get(id);
      return found ? { name: found.name, updatedAt: found.updatedAt } : null;
    },
    async connectionCount() {
      return state.connections.size;
    },
    async user(id) {
      const found = state.users.get(id);
      return found
        ? { email: found.email ?? null, emailVerified: found.emailVerified ?? null, status: found.status }
        : null;
    },
    async userCount() {
      return state.users.size;
    },
    async identities(userId) {
      return [...state.identities.values()]
        .filter((l) => l.userId === userId)
        .map((l) => `${l.issuer}|${l.subject}`);
    },
    async memberships(userId) {
      return [...state.memberships.values()]
        .filter((m) => m.userId === userId)
        .map((m) => `${m.groupId}|${m.source}`);
    },
    async hasTransaction(key) {
      return state.transactions.has(key);
    },
    async hasSession(id) {
      return state.sessions.has(id);
    },
    async activityCount(connectionId) {
      let n = 0;
      for (const [key, list] of state.loginActivity)
        if (key.slice(key.indexOf('|') + 1) === connectionId) n += list.length;
      return n;
    },
    async role(name) {
      const found = [...state.roles.values()].find((r) => r.name === name);
      return found
        ? { name: found.name, source: found.source, origin: found.origin ?? null, updatedAt: found.updatedAt }
        : null;
    },
    async roleCount() {
      return state.roles.size;
    },
  };
}

/**
 * Everything durable a `memoryStorage()` holds (connections, users, identities, groups, memberships,
 * roles),
 * as one string: equal before and after an operation exactly when it wrote nothing. Transactions and
 * the replay cache are left out; a refused callback is meant to use up its transaction.
 *
 * @example
 * ```ts
 * const before = memorySnapshot(storage);
 * await sso.handle(forgedCallback); // refused
 * expect(memorySnapshot(storage)).toBe(before);
 * ```
 */
export function memorySnapshot(storage: SsoStorage): string {
  const state = (storage as unknown as Record<symbol, MemoryState | undefined>)[memoryStateKey];
  if (!state) throw new TypeError('"storage" was not made by memoryStorage().');
  const { connections, users, identities, groups, memberships, roles } = state;
  return JSON.stringify(
    { connections, users, identities, groups, memberships, roles },
    (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value),
  );
}
