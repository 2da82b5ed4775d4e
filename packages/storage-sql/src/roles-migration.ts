/**
 * The migration that adds the `roles` table (`2025_03_roles`): one row per role definition, names
 * unique through `name_folded` (core's `foldCase`), creation order by `seq`.
 *
 * @module
 */
import { roleLimits as R } from '@ssokit/storage';
import type { RawBuilder } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { AnyDb, AnyTable } from './migrations.ts';

/** What the migrations share: the prefixed name, the long-text type, the table options, the `seq` column. */
export interface MigrationTools {
  t: (name: string) => string;
  text: RawBuilder<unknown>;
  tableOptions: (db: AnyDb) => Promise<RawBuilder<unknown> | undefined>;
  withSeq: (table: AnyTable) => AnyTable;
}

/** `2025_03_roles`. */
export function rolesMigration({ t, text, tableOptions, withSeq }: MigrationTools): Migration {
  const table = t('roles');
  return {
    async up(db: AnyDb) {
      const options = await tableOptions(db);
      const builder = withSeq(db.schema.createTable(table).ifNotExists())
        .addColumn('name', `varchar(${R.name})`, (col) => col.notNull())
        .addColumn('name_folded', `varchar(${R.name})`, (col) => col.notNull())
        .addColumn('scope', 'varchar(16)', (col) => col.notNull())
        .addColumn('organization_id', `varchar(${R.organizationId})`)
        .addColumn('permissions', text, (col) => col.notNull())
        .addColumn('granted_by', text, (col) => col.notNull())
        .addColumn('description', text)
        .addColumn('source', 'varchar(8)', (col) => col.notNull())
        .addColumn('origin', `varchar(${R.origin})`)
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull());
      await (options ? builder.modifyEnd(options) : builder).execute();
      // Arthur's rule: one name across the installation, whatever its case.
      await db.schema
        .createIndex(`${table}_name_folded_uq`)
        .ifNotExists()
        .on(table)
        .column('name_folded')
        .unique()
        .execute();
      // The roles of one organization, for an admin API that lists them.
      await db.schema
        .createIndex(`${table}_organization_id_ix`)
        .ifNotExists()
        .on(table)
        .column('organization_id')
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
