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
import type { LoginActivityStore } from './login-activity.ts';
import type { RoleStore } from './roles.ts';

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
  /** The connection with this id, or `null`. */
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
  /** The user with this id, or `null`. */
  get(id: string): Promise<User | null>;
  /** The user who owns this address (case-insensitive), or null; never an unverified holder. */
  findByEmail(email: string): Promise<User | null>;
  /** The user linked to this IdP identity `(issuer, subject)`, or `null`. */
  findByIdentity(key: IdentityKey): Promise<User | null>;
  /** Throws `storage_conflict` (`details.reason: 'email'`) when the new user would own an owned email. */
  create(input: NewUser): Promise<User>;
  /** Throws `storage_conflict` when the id is unknown or the user would own an email another owns. */
  update(id: string, patch: Partial<Omit<User, Stamped>>): Promise<User>;
  /** The IdP identities linked to the user. */
  listIdentities(userId: string): Promise<LinkedIdentity[]>;
  /** Returns whether the identity was linked. */
  unlinkIdentity(key: IdentityKey): Promise<boolean>;
}

/** A group to create. */
export type NewGroup = Omit<Group, 'id'> & { id?: string };

/** The host app's groups. */
export interface GroupStore {
  /** Every group of the app. */
  list(): Promise<Group[]>;
  /** The group with this id, or `null`. */
  get(id: string): Promise<Group | null>;
  /** Throws `storage_conflict` when the id is taken. */
  create(input: NewGroup): Promise<Group>;
  /** Deletes the group and every membership of it. Returns whether it existed. */
  delete(id: string): Promise<boolean>;
  /**
   * The groups whose name, external id or id is one of `values` (ids always match exactly:
   * `caseInsensitive` applies to names and external ids). One call for any number of values: the
   * server reads a session's group names with it, so an adapter batches rather than looping.
   */
  find(query: {
    values: readonly string[];
    matchBy: 'name' | 'externalId' | 'id';
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
  /** The user's memberships, of every source. */
  listForUser(userId: string): Promise<Membership[]>;
  /** The group's memberships, of every source. */
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

/**
 * A server-side session. The cookie holds a random id; the store is keyed by its SHA-256 (`id`), so a
 * copy of the table is not a set of live cookies.
 */
export interface SessionRecord {
  /** The store key (the server's hash of the cookie's id). At most 128 characters. */
  id: string;
  userId: string;
  connectionId: string;
  /** The user at the IdP: the OIDC `sub` or the SAML NameID. Back-channel logout by subject matches it. */
  subject: string;
  /** The user's session at the IdP: the OIDC `sid` or the SAML `SessionIndex`, when the IdP sent one. */
  idpSessionId?: string;
  /** What the server keeps with the session (roles, groups, what IdP logout needs): a JSON object. */
  data: TransactionValue;
  createdAt: Date;
  /** The absolute expiry: the session ends then, however active. */
  expiresAt: Date;
  /** The idle expiry (at most `expiresAt`): the session ends then unless `touch` moves it. */
  idleExpiresAt: Date;
}

/**
 * Which sessions to end or list: every session of a user, or of a connection, optionally narrowed to
 * one subject and/or one IdP session there. A filter never spans connections by subject: the same
 * `sub` at two IdPs is two people.
 */
export type SessionFilter =
  | { userId: string }
  | { connectionId: string; subject?: string; idpSessionId?: string };

/**
 * Server-side sessions with absolute and idle expiry. A session past either expiry is gone: `get`,
 * `list`, `touch` and `revoke` never see it, whether or not the store has swept it yet.
 */
export interface SessionStore {
  /** Stores a new session. Throws `storage_conflict` when the id is taken. */
  create(session: SessionRecord): Promise<void>;
  /** The unexpired session with this id, or `null`. */
  get(id: string): Promise<SessionRecord | null>;
  /**
   * Moves the idle expiry to `idleExpiresAt`, capped at the absolute expiry. Returns `false` when the
   * session is gone (ended, revoked or expired): it is not brought back.
   */
  touch(id: string, idleExpiresAt: Date): Promise<boolean>;
  /** Ends one session. Returns whether it existed unexpired. */
  delete(id: string): Promise<boolean>;
  /**
   * Ends every session matching `filter` and returns how many. Throws a coded `TypeError` for a
   * filter that names neither a user nor a connection (it would end everyone's).
   */
  revoke(filter: SessionFilter): Promise<number>;
  /** The unexpired sessions matching `filter`, oldest first. */
  list(filter: SessionFilter): Promise<SessionRecord[]>;
}

/** Fixed-window counters, for limits shared by every instance (login starts, wrong passwords). */
export interface CounterStore {
  /**
   * Counts one hit on `key` and returns the hits in its current window (1 for the first). A window
   * starts at the first hit after the previous one ended and lasts `windowMs` milliseconds. Of
   * concurrent hits each is counted once: `n` of them return `1..n` in some order.
   */
  hit(key: string, windowMs: number): Promise<number>;
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
  /**
   * Server-side sessions. With it, the session cookie holds only a random id and sessions can be ended
   * (logout, revocation, back-channel logout); without it, `createSso` seals sessions into the cookie.
   */
  sessions?: SessionStore;
  /** Counters shared by instances; without it, each instance counts alone. */
  counters?: CounterStore;
  /**
   * Recent refused logins and unmatched IdP groups per connection, bounded (login-activity.ts), for
   * the admin console; without it the server records none.
   */
  loginActivity?: LoginActivityStore;
  /**
   * The role definitions (roles.ts): from the admin API and from configuration files applied at
   * start-up, names unique across the installation. Without it, roles come only from
   * `createSso({ roles })`.
   */
  roles?: RoleStore;
  /** Releases connections and timers. Default: nothing to release. */
  close?(): Promise<void>;
}
