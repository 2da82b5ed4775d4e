import { runStorageConformance } from '@ssokit/storage/testkit';
import { afterAll } from 'vitest';
import { redisStorage } from '../src/index.ts';
import { deleteUnder, randomPrefix, redisRawReader, testClient } from './helpers.ts';

const redis = testClient();
const filePrefix = randomPrefix('conformance');
const prefixes = new WeakMap<object, string>();
let serial = 0;

runStorageConformance({
  name: 'redis',
  capabilities: { connections: false, users: false },
  create: () => {
    serial += 1;
    const keyPrefix = `${filePrefix}${serial}:`;
    const storage = redisStorage({ redis, keyPrefix });
    prefixes.set(storage, keyPrefix);
    return storage;
  },
  raw: (storage) => redisRawReader(redis, prefixes.get(storage) as string),
  cleanup: (storage) => deleteUnder(redis, prefixes.get(storage) as string),
});

afterAll(async () => {
  await deleteUnder(redis, filePrefix);
  await redis.quit();
});
