/**
 * Where the demo keeps its data: a SQLite file (node:sqlite, nothing to install) beside the example,
 * ignored by git, so an admin's connections, the users and their sessions survive a restart. Delete
 * the file to start over.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrateSqlStorage, nodeSqliteDialect, sqlStorage } from '@ssokit/storage-sql';

/** The demo's database: `SSOKIT_DB_FILE`, or examples/express/.data/ssokit-demo.sqlite. */
export const DEMO_DB_FILE =
  process.env.SSOKIT_DB_FILE ?? new URL('../.data/ssokit-demo.sqlite', import.meta.url).pathname;

/** Opens (creating and migrating when needed) the demo's SQLite store. */
export async function openDemoStorage(file = DEMO_DB_FILE) {
  mkdirSync(dirname(file), { recursive: true });
  const storage = sqlStorage({ dialect: nodeSqliteDialect({ filename: file }) });
  await migrateSqlStorage(storage.db);
  return storage;
}
