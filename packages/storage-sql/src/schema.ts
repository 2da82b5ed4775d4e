/**
 * The tables of `@ssokit/storage-sql`, as Kysely sees them, and the length limits of their columns.
 * Every table name gets the store's `tablePrefix` (default `ssokit_`); times are epoch milliseconds in
 * BIGINT columns; free-form fields are JSON text.
 *
 * @module
 */
import type { Generated } from 'kysely';

/**
 * The longest values the schema stores, in characters. Longer input is refused with a coded
 * `TypeError` (`ERR_INVALID_ARG_VALUE`) before it reaches the database. They keep every index key
 * under MySQL's 3072-byte limit with 4-byte characters. Keys of unbounded length (identity issuer and
 * subject, transaction, replay and counter keys, session subjects) are indexed by their SHA-256.
 *
 * @example
 * ```ts
 * import { sqlStorageLimits } from '@ssokit/storage-sql';
 *
 * const groupName = 'ml-engineers';
 * if (groupName.length > sqlStorageLimits.name) throw new Error('name too long');
 * ```
 */
export const sqlStorageLimits = {
  /** Ids of connections, users, groups and sessions. */
  id: 128,
  /** Connection and group names, group external ids. */
  name: 255,
  /** Email addresses. */
  email: 320,
  /** Membership sources (`manual` or `sso:<connectionId>`). */
  source: 160,
} as const;

/** A table of the store. */
export interface ConnectionsTable {
  seq: Generated<number>;
  id: string;
  name: string;
  name_folded: string;
  protocol: string;
  /** JSON of every other field. */
  data: string;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  status: string;
  email: string | null;
  email_verified: number | null;
  /** The folded email while the user owns it (core's `ownsEmail`), else null; unique. */
  email_owner: string | null;
  /** JSON of the profile fields (username, name, givenName, familyName, picture, …). */
  data: string;
  created_at: number;
  updated_at: number;
}

export interface IdentitiesTable {
  /** SHA-256 (hex) of the issuer and subject. */
  key_hash: string;
  issuer: string;
  subject: string;
  user_id: string;
  connection_id: string;
  created_at: number;
  last_login_at: number;
}

export interface GroupsTable {
  seq: Generated<number>;
  id: string;
  name: string;
  name_folded: string;
  external_id: string | null;
  external_id_folded: string | null;
}

export interface MembershipsTable {
  user_id: string;
  group_id: string;
  source: string;
  created_at: number;
}

export interface ExpiringTable {
  /** SHA-256 (hex) of the caller's key. */
  key_hash: string;
  expires_at: number;
}

export interface TransactionsTable extends ExpiringTable {
  /** The JSON of the value. */
  value: string;
}

export interface CountersTable extends ExpiringTable {
  hits: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  connection_id: string;
  subject: string;
  subject_hash: string;
  idp_session_id: string | null;
  idp_session_hash: string | null;
  data: string;
  created_at: number;
  expires_at: number;
  idle_expires_at: number;
}

/** Login activity: one row per recorded login, trimmed per connection and outcome on every write. */
export interface LoginActivityTable {
  seq: Generated<number>;
  connection_id: string;
  /** `failed` or `succeeded`. */
  outcome: string;
  at: number;
  /** `at` plus the retention's age limit: rows at or past it are never read, and are swept. */
  expires_at: number;
  /** JSON of the rest of the entry (step, code, reason, message, fix; or unmatchedGroups). */
  data: string;
}

/**
 * Role definitions: names unique through the folded column (core's `foldCase`), creation order by
 * `seq`, permissions and connections as JSON text.
 */
export interface RolesTable {
  seq: Generated<number>;
  name: string;
  name_folded: string;
  /** `global` or `organization`. */
  scope: string;
  organization_id: string | null;
  /** JSON of resource → actions. */
  permissions: string;
  /** JSON of the connection ids (or `*`) allowed to grant the role. */
  granted_by: string;
  description: string | null;
  /** `api` or `file`. */
  source: string;
  /** The file of a `file` role. */
  origin: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * The database, with table names before the prefix: for typed queries of your own on the store's tables.
 *
 * @example
 * ```ts
 * import type { Kysely } from 'kysely';
 * const typed = db as Kysely<SqlStorageDatabase>; // with tablePrefix '' (or add the prefix yourself)
 * const count = await typed.selectFrom('sessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
 * ```
 */
export interface SqlStorageDatabase {
  connections: ConnectionsTable;
  users: UsersTable;
  identities: IdentitiesTable;
  groups: GroupsTable;
  memberships: MembershipsTable;
  transactions: TransactionsTable;
  replay: ExpiringTable;
  counters: CountersTable;
  sessions: SessionsTable;
  login_activity: LoginActivityTable;
  roles: RolesTable;
}

/**
 * The tables of the store, without their prefix (`tablePrefix`, `ssokit_` by default, comes first):
 * parents before children, so empty or drop them in reverse order. For grants, backups and tests.
 *
 * @example
 * ```ts
 * import { sqlStorageTables } from '@ssokit/storage-sql';
 *
 * const grant = sqlStorageTables.map((t) => `GRANT SELECT, INSERT, UPDATE, DELETE ON ssokit_${t} TO app;`);
 * ```
 */
export const sqlStorageTables: readonly (keyof SqlStorageDatabase)[] = [
  'connections',
  'users',
  'identities',
  'groups',
  'memberships',
  'transactions',
  'replay',
  'counters',
  'sessions',
  'login_activity',
  'roles',
];

/** The logical table names; the prefix plugin prefixes exactly these. */
export const tableNames = sqlStorageTables;
