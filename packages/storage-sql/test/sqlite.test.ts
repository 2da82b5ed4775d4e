import { runStorageConformance } from '@ssokit/storage/testkit';
import { afterAll } from 'vitest';
import { nodeSqliteDialect } from '../src/index.ts';
import { conformanceSetup, tempSqliteFile } from './support.ts';

const file = tempSqliteFile();
const { options, teardown } = conformanceSetup('sqlite (node:sqlite)', 'liteconf', () =>
  nodeSqliteDialect({ filename: file.filename }),
);
runStorageConformance(options);
afterAll(async () => {
  await teardown();
  file.remove();
});
