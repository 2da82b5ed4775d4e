/**
 * The schema of `@ssokit/storage-sql`, as migrations that ship in the package (no files are read at
 * run time) and run with one call, {@link migrateSqlStorage}, on Kysely's `Migrator`.
 *
 * @module
 */
import type { CreateTableBuilder, Dialect, Kysely } from 'kysely';
import { Kysely as KyselyClass, sql } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { Migrator } from 'kysely/migration';
import { toStorageError } from './errors.ts';
import { type Flavor, flavorOf } from './internal/context.ts';
import { checkTablePrefix } from './options.ts';
import { rolesMigration } from './roles-migration.ts';
import { sqlStorageLimits as L, sqlStorageTables } from './schema.ts';

/**
 * Options of {@link migrateSqlStorage}.
 *
 * @example
 * ```ts
 * await migrateSqlStorage(db, { tablePrefix: 'sso_' } satisfies MigrateSqlStorageOptions);
 * ```
 */
export interface MigrateSqlStorageOptions {
  /** The prefix of every table name; the same as the store's. Default: `'ssokit_'`. */
  tablePrefix?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: migrations work on tables that Kysely's types do not know yet.
export type AnyDb = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: see AnyDb.
export type AnyTable = CreateTableBuilder<any, any>;

function migrations(prefix: string, flavor: Flavor): Record<string, Migration> {
  const t = (name: string) => `${prefix}${name}`;
  const text = flavor === 'mysql' ? sql`mediumtext` : sql`text`;
  const id = `varchar(${L.id})` as const;
  const name = `varchar(${L.name})` as const;
  const key = 'char(64)' as const;
  /** Binary (case- and accent-sensitive, no trailing-space padding) text on MySQL/MariaDB. */
  const tableOptions = async (db: AnyDb) => {
    if (flavor !== 'mysql') return undefined;
    const rows = await sql<{ v: string }>`select version() as v`.execute(db);
    const mariadb = /mariadb/i.test(rows.rows[0]?.v ?? '');
    const collation = mariadb ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
    return sql.raw(`engine=InnoDB default charset=utf8mb4 collate=${collation}`);
  };
  const withSeq = (table: AnyTable) =>
    flavor === 'postgres'
      ? table.addColumn('seq', 'bigserial', (c) => c.primaryKey())
      : flavor === 'mysql'
        ? table.addColumn('seq', 'bigint', (c) => c.primaryKey().autoIncrement())
        : table.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    '2025_01_initial': {
      async up(db: AnyDb) {
        const options = await tableOptions(db);
        const create = (table: string, build: (t: AnyTable) => AnyTable) => {
          const builder = build(db.schema.createTable(t(table)).ifNotExists());
          return (options ? builder.modifyEnd(options) : builder).execute();
        };
        const index = (table: string, cols: string[], unique = false) => {
          const builder = db.schema
            .createIndex(`${t(table)}_${cols.join('_')}_${unique ? 'uq' : 'ix'}`)
            .ifNotExists()
            .on(t(table))
            .columns(cols);
          return (unique ? builder.unique() : builder).execute();
        };

        await create('connections', (c) =>
          withSeq(c)
            .addColumn('id', id, (col) => col.notNull())
            .addColumn('name', name, (col) => col.notNull())
            .addColumn('name_folded', name, (col) => col.notNull())
            .addColumn('protocol', 'varchar(8)', (col) => col.notNull())
            .addColumn('data', text, (col) => col.notNull())
            .addColumn('created_at', 'bigint', (col) => col.notNull())
            .addColumn('updated_at', 'bigint', (col) => col.notNull()),
        );
        await index('connections', ['id'], true);
        await index('connections', ['name_folded'], true);

        await create('users', (c) =>
          c
            .addColumn('id', id, (col) => col.primaryKey())
            .addColumn('status', 'varchar(16)', (col) => col.notNull())
            .addColumn('email', `varchar(${L.email})`)
            .addColumn('email_verified', 'smallint')
            .addColumn('email_owner', `varchar(${L.email})`)
            .addColumn('data', text, (col) => col.notNull())
            .addColumn('created_at', 'bigint', (col) => col.notNull())
            .addColumn('updated_at', 'bigint', (col) => col.notNull()),
        );
        await index('users', ['email_owner'], true);

        await create('identities', (c) =>
          c
            .addColumn('key_hash', key, (col) => col.primaryKey())
            .addColumn('issuer', text, (col) => col.notNull())
            .addColumn('subject', text, (col) => col.notNull())
            .addColumn('user_id', id, (col) => col.notNull())
            .addColumn('connection_id', id, (col) => col.notNull())
            .addColumn('created_at', 'bigint', (col) => col.notNull())
            .addColumn('last_login_at', 'bigint', (col) => col.notNull()),
        );
        await index('identities', ['user_id']);

        await create('groups', (c) =>
          withSeq(c)
            .addColumn('id', id, (col) => col.notNull())
            .addColumn('name', name, (col) => col.notNull())
            .addColumn('name_folded', name, (col) => col.notNull())
            .addColumn('external_id', name)
            .addColumn('external_id_folded', name),
        );
        await index('groups', ['id'], true);
        for (const col of ['name', 'name_folded', 'external_id', 'external_id_folded'])
          await index('groups', [col]);

        await create('memberships', (c) =>
          c
            .addColumn('user_id', id, (col) => col.notNull())
            .addColumn('group_id', id, (col) => col.notNull())
            .addColumn('source', `varchar(${L.source})`, (col) => col.notNull())
            .addColumn('created_at', 'bigint', (col) => col.notNull())
            .addPrimaryKeyConstraint(`${t('memberships')}_pk`, ['user_id', 'group_id', 'source']),
        );
        await index('memberships', ['group_id']);

        await create('transactions', (c) =>
          c
            .addColumn('key_hash', key, (col) => col.primaryKey())
            .addColumn('value', text, (col) => col.notNull())
            .addColumn('expires_at', 'bigint', (col) => col.notNull()),
        );
        await create('replay', (c) =>
          c
            .addColumn('key_hash', key, (col) => col.primaryKey())
            .addColumn('expires_at', 'bigint', (col) => col.notNull()),
        );
        await create('counters', (c) =>
          c
            .addColumn('key_hash', key, (col) => col.primaryKey())
            .addColumn('hits', 'bigint', (col) => col.notNull())
            .addColumn('expires_at', 'bigint', (col) => col.notNull()),
        );
        for (const table of ['transactions', 'replay', 'counters']) await index(table, ['expires_at']);

        await create('sessions', (c) =>
          c
            .addColumn('id', id, (col) => col.primaryKey())
            .addColumn('user_id', id, (col) => col.notNull())
            .addColumn('connection_id', id, (col) => col.notNull())
            .addColumn('subject', text, (col) => col.notNull())
            .addColumn('subject_hash', key, (col) => col.notNull())
            .addColumn('idp_session_id', text)
            .addColumn('idp_session_hash', key)
            .addColumn('data', text, (col) => col.notNull())
            .addColumn('created_at', 'bigint', (col) => col.notNull())
            .addColumn('expires_at', 'bigint', (col) => col.notNull())
            .addColumn('idle_expires_at', 'bigint', (col) => col.notNull()),
        );
        await index('sessions', ['user_id']);
        await index('sessions', ['connection_id', 'subject_hash']);
        await index('sessions', ['connection_id', 'idp_session_hash']);
        await index('sessions', ['idle_expires_at']);
        await index('sessions', ['expires_at']);
      },
      async down(db: AnyDb) {
        for (const table of [...sqlStorageTables].reverse())
          await db.schema.dropTable(t(table)).ifExists().execute();
      },
    },
    '2025_02_login_activity': {
      async up(db: AnyDb) {
        const options = await tableOptions(db);
        const builder = withSeq(db.schema.createTable(t('login_activity')).ifNotExists())
          .addColumn('connection_id', id, (col) => col.notNull())
          .addColumn('outcome', 'varchar(16)', (col) => col.notNull())
          .addColumn('at', 'bigint', (col) => col.notNull())
          .addColumn('expires_at', 'bigint', (col) => col.notNull())
          .addColumn('data', text, (col) => col.notNull());
        await (options ? builder.modifyEnd(options) : builder).execute();
        // Listing and trimming read one connection's outcome newest first; the sweeper reads by expiry.
        await db.schema
          .createIndex(`${t('login_activity')}_connection_id_outcome_seq_ix`)
          .ifNotExists()
          .on(t('login_activity'))
          .columns(['connection_id', 'outcome', 'seq'])
          .execute();
        await db.schema
          .createIndex(`${t('login_activity')}_expires_at_ix`)
          .ifNotExists()
          .on(t('login_activity'))
          .column('expires_at')
          .execute();
      },
      async down(db: AnyDb) {
        await db.schema.dropTable(t('login_activity')).ifExists().execute();
      },
    },
    '2025_03_roles': rolesMigration({ t, text, tableOptions, withSeq }),
  };
}

/** The names of the migration bookkeeping tables for a prefix. */
export const migrationTables = (prefix: string) => ({
  migrationTableName: `${prefix}migrations`,
  migrationLockTableName: `${prefix}migrations_lock`,
});

function migratorFor(db: AnyDb, prefix: string): Migrator {
  const flavor = flavorOf(db);
  const provider: MigrationProvider = { getMigrations: async () => migrations(prefix, flavor) };
  return new Migrator({ db, provider, ...migrationTables(prefix) });
}

/**
 * Creates or updates the tables of `@ssokit/storage-sql` to the latest schema. Idempotent and safe to
 * run on every start-up, also from several instances at once: Kysely's `Migrator` takes a lock
 * (an advisory lock on PostgreSQL, `GET_LOCK` on MySQL/MariaDB) and records what ran in
 * `<prefix>migrations`. Give it the same `tablePrefix` as the store.
 *
 * @param target A Kysely instance (left open), or a Kysely dialect (a Kysely instance is made for the
 *   migration and destroyed after it).
 * @throws `SsoError` `storage_unavailable` when the database cannot be reached; the migration's error
 *   (as `storage_failure`) when a migration fails.
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely';
 * import pg from 'pg';
 * import { migrateSqlStorage, sqlStorage } from '@ssokit/storage-sql';
 *
 * const db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString }) }) });
 * await migrateSqlStorage(db);
 * const storage = sqlStorage({ db });
 * ```
 */
export async function migrateSqlStorage(
  target: AnyDb | Dialect,
  options: MigrateSqlStorageOptions = {},
): Promise<void> {
  const prefix = checkTablePrefix(options.tablePrefix);
  const own = !(target instanceof KyselyClass);
  const db: AnyDb = target instanceof KyselyClass ? target : new KyselyClass({ dialect: target });
  try {
    const { error } = await migratorFor(db, prefix).migrateToLatest();
    if (error) throw error;
  } catch (error) {
    throw toStorageError(error);
  } finally {
    if (own) await db.destroy();
  }
}

/**
 * Drops every table of the store (and its migration bookkeeping): for tests and uninstalling. Data is
 * lost.
 *
 * @example
 * ```ts
 * import { dropSqlStorage } from '@ssokit/storage-sql';
 *
 * afterAll(() => dropSqlStorage(db, { tablePrefix: 'test_' }));
 * ```
 */
export async function dropSqlStorage(db: AnyDb, options: MigrateSqlStorageOptions = {}): Promise<void> {
  const prefix = checkTablePrefix(options.tablePrefix);
  const all = migrations(prefix, flavorOf(db));
  for (const migration of Object.values(all).reverse()) await migration.down?.(db);
  const { migrationTableName, migrationLockTableName } = migrationTables(prefix);
  await db.schema.dropTable(migrationTableName).ifExists().execute();
  await db.schema.dropTable(migrationLockTableName).ifExists().execute();
}
