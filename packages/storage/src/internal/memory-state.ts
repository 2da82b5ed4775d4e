import type { Connection, Group, LinkedIdentity, Membership, User } from '@ssokit/core';
import type { LoginActivityEntry } from '../login-activity.ts';
import type { StoredRole } from '../roles.ts';
import type { SessionRecord } from '../types.ts';

/** An entry with an expiry, in milliseconds since the epoch. */
export interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** The internal state of a memory store, reachable by the testkit's raw reader. */
export interface MemoryState {
  connections: Map<string, Connection>;
  users: Map<string, User>;
  identities: Map<string, LinkedIdentity>;
  groups: Map<string, Group>;
  memberships: Map<string, Membership>;
  transactions: Map<string, Expiring<string>>;
  replay: Map<string, number>;
  sessions: Map<string, SessionRecord>;
  counters: Map<string, Expiring<number>>;
  /** Roles by folded name (core's `foldCase`), in creation order. */
  roles: Map<string, StoredRole>;
  /** Login activity by outcome and connection (`failed|<id>`), most recently recorded first. */
  loginActivity: Map<string, Expiring<LoginActivityEntry>[]>;
}

/**
 * The key under which a memory store exposes its state. A registered symbol, so the main entry and
 * the testkit entry agree on it even as separate bundles.
 */
export const memoryStateKey: unique symbol = Symbol.for('ssokit.memoryStorage.state') as never;
