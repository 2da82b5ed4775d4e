import { runStorageConformance } from '@ssokit/storage/testkit';
import { afterAll } from 'vitest';
import { conformanceSetup, mysqlDialect } from './support.ts';

const { options, teardown } = conformanceSetup('mariadb', 'myconf', () => mysqlDialect());
runStorageConformance(options);
afterAll(teardown);
