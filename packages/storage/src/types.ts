/**
 * The store interfaces of ssokit. A host backs them with `memoryStorage()`, an adapter package
 * (`@ssokit/storage-sql`, `@ssokit/storage-redis`) or its own tables; every implementation passes
 * `@ssokit/storage/testkit`.
 *
 * All times are `Date`s; all durations are milliseconds. Every method returns copies: mutating a
 * returned object never changes the store.
 *
 * @module
 */
import type {
  Connection,
  Group,
  IdentityKey,
  LinkedIdentity,
  LoginStore,
  Membership,
  MembershipSource,
  OidcConnection,
  SamlConnection,
  User,
} from '@ssokit/core';

type Stamped = 'id' | 'createdAt' | 'updatedAt';

/** A connection to create. The store assigns `createdAt` and `updatedAt`, and `id` when omitted. */
export type NewConnection =
  | (Omit<OidcConnection, Stamped> & { id?: string })
  | (Omit<SamlConnection, Stamped> & { id?: string });

/** Top-level fields to replace on a connection. The protocol of a connection never changes. */
export type ConnectionPatch =
  | Partial<Omit<OidcConnection, Stamped | 'protocol'>>
  | Partial<Omit<SamlConnection, Stamped | 'protocol'>>;

/**
 * Connections, with names unique case-insensitively and optimistic concurrency on `updatedAt`: every
 * write sets a strictly later `updatedAt`, and a write given a stale one fails with
 * `concurrent_update`.
 */
export interface ConnectionStore {
  /** Every connection, oldest first. */
  list(): Promise<Connection[]>;
  get(id: string): Promise<Connection | null>;
  /** Case-insensitive. */
  findByName(name: string): Promise<Connection | null>;
  /** Throws `connection_name_taken` when another connection has the name (case-insensitively). */
  create(input: NewConnection): Promise<Connection>;
  /**
   * Replaces the given top-level fields if the stored `updatedAt` equals `expectedUpdatedAt`.
   * Throws `connection_not_found`, `concurrent_update` or `connection_name_taken`.
   */
  update(id: string, patch: ConnectionPatch, options: { expectedUpdatedAt: Date }): Promise<Connection>;
  /**
   * Deletes a connection; with `expectedUpdatedAt`, only if it is current (`concurrent_update`
   * otherwise). Returns whether it existed.
   */
  delete(id: string, options?: { expectedUpdatedAt?: Date }): Promise<boolean>;
}

/** A user to create (an invitation, or an account the host made). */
export type NewUser = Omit<User, Stamped> & { id?: string };

/**
 * Users and their linked identities. Emails are unique, case-insensitively, among the users that own
 * them (`ownsEmail` from `@ssokit/core`: invited, or not stored with `emailVerified: false`). An
 * address an IdP sent unverified is kept on its user but owns nothing: it is never found by
 * `findByEmail` and never stands in the way of its owner.
 */
export interface UserStore {
  get(id: string): Promise<User | null>;
  /** The user who owns this address (case-insensitive), or null; never an unverified holder. */
  findByEmail(email: string): Promise<User | null>;
  findByIdentity(key: IdentityKey): Promise<User | null>;
  /** Throws `storage_conflict` (`details.reason: 'email'`) when the new user would own an owned email. */
  create(input: NewUser): Promise<User>;
  /** Throws `storage_conflict` when the id is unknown or the user would own an email another owns. */
  update(id: string, patch: Partial<Omit<User, Stamped>>): Promise<User>;
  listIdentities(userId: string): Promise<LinkedIdentity[]>;
  /** Returns whether the identity was linked. */
  unlinkIdentity(key: IdentityKey): Promise<boolean>;
}

/** A group to create. */
export type NewGroup = Omit<Group, 'id'> & { id?: string };

/** The host app's groups. */
export interface GroupStore {
  list(): Promise<Group[]>;
  get(id: string): Promise<Group | null>;
  /** Throws `storage_conflict` when the id is taken. */
  create(input: NewGroup): Promise<Group>;
  /** Deletes the group and every membership of it. Returns whether it existed. */
  delete(id: string): Promise<boolean>;
  /** The groups whose name (or external id) is one of `values`. */
  find(query: {
    values: readonly string[];
    matchBy: 'name' | 'externalId';
    caseInsensitive: boolean;
  }): Promise<Group[]>;
}

/** The key of a membership: `(userId, groupId, source)` is unique. */
export interface MembershipKey {
  userId: string;
  groupId: string;
  source: MembershipSource;
}

/** Memberships, each with its source (`manual` or `sso:<connectionId>`). */
export interface MembershipStore {
  listForUser(userId: string): Promise<Membership[]>;
  listForGroup(groupId: string): Promise<Membership[]>;
  /** Adds a membership; adding an existing one returns it unchanged. Throws `storage_conflict` for an unknown user or group. */
  add(key: MembershipKey): Promise<Membership>;
  /** Removes exactly that membership (that source only). Returns whether it existed. */
  remove(key: MembershipKey): Promise<boolean>;
}

/**
 * Login transactions (state, nonce, PKCE verifier, SAML request id, returnTo), stored server-side and
 * taken exactly once.
 */
export interface TransactionStore {
  /** Stores a JSON-serialisable value for `ttlMs` milliseconds, replacing any value under `key`. */
  put(key: string, value: TransactionValue, ttlMs: number): Promise<void>;
  /**
   * Removes and returns the value. Of concurrent takes of one key exactly one gets the value; an
   * expired or unknown key yields `null`.
   */
  take(key: string): Promise<TransactionValue | null>;
}

/** A stored transaction: a JSON object. */
export type TransactionValue = { readonly [key: string]: JsonValue };

/** A JSON value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** The replay cache: SAML assertion ids and other one-time values. */
export interface ReplayCache {
  /**
   * Records `key` for `ttlMs` milliseconds. Returns `true` the first time a key is seen while unexpired,
   * `false` after; of concurrent calls exactly one gets `true`.
   */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
}

/** Everything ssokit stores. */
export interface SsoStorage {
  connections: ConnectionStore;
  users: UserStore;
  groups: GroupStore;
  memberships: MembershipStore;
  /** The atomic port of the login pipeline (`completeLogin`). */
  login: LoginStore;
  transactions: TransactionStore;
  replay: ReplayCache;
  /** Releases connections and timers. Default: nothing to release. */
  close?(): Promise<void>;
}
