/**
 * `@ssokit/storage-sql`: ssokit's store on PostgreSQL, MySQL/MariaDB and SQLite (`node:sqlite`), one
 * schema on Kysely, with its migrations.
 *
 * @packageDocumentation
 */
export { toStorageError } from './errors.ts';
export type { MigrateSqlStorageOptions } from './migrations.ts';
export { dropSqlStorage, migrateSqlStorage } from './migrations.ts';
export type { SqlStorageOptions } from './options.ts';
export type { SqlStorageDatabase } from './schema.ts';
export { sqlStorageLimits, sqlStorageTables } from './schema.ts';
export type { NodeSqliteDialectOptions } from './sqlite-dialect.ts';
export { nodeSqliteDialect } from './sqlite-dialect.ts';
export type { SqlStorage } from './storage.ts';
export { sqlStorage } from './storage.ts';
