import { runStorageConformance } from '@ssokit/storage/testkit';
import { afterAll } from 'vitest';
import { conformanceSetup, pgDialect } from './support.ts';

const { options, teardown } = conformanceSetup('postgres', 'pgconf', () => pgDialect());
runStorageConformance(options);
afterAll(teardown);
