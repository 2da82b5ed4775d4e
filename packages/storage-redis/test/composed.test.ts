import type { SsoStorage } from '@ssokit/storage';
import { composeStorage, memoryStorage } from '@ssokit/storage';
import { memoryRawReader, runStorageConformance } from '@ssokit/storage/testkit';
import { afterAll } from 'vitest';
import { redisStorage } from '../src/index.ts';
import { deleteUnder, randomPrefix, redisRawReader, testClient } from './helpers.ts';

// composeStorage(base, redisStorage()) is a whole SsoStorage: the full suite, every family, passes.
const redis = testClient();
const filePrefix = randomPrefix('composed');
const parts = new WeakMap<object, { base: SsoStorage; keyPrefix: string }>();
let serial = 0;

runStorageConformance({
  name: 'memory composed with redis',
  create: () => {
    serial += 1;
    const keyPrefix = `${filePrefix}${serial}:`;
    const base = memoryStorage();
    const storage = composeStorage(base, redisStorage({ redis, keyPrefix }));
    parts.set(storage, { base, keyPrefix });
    return storage;
  },
  raw: (storage) => {
    const { base, keyPrefix } = parts.get(storage) as { base: SsoStorage; keyPrefix: string };
    const inRedis = redisRawReader(redis, keyPrefix);
    return {
      ...memoryRawReader(base),
      hasTransaction: inRedis.hasTransaction,
      hasSession: inRedis.hasSession,
      activityCount: inRedis.activityCount,
    };
  },
  cleanup: (storage) => deleteUnder(redis, (parts.get(storage) as { keyPrefix: string }).keyPrefix),
});

afterAll(async () => {
  await deleteUnder(redis, filePrefix);
  await redis.quit();
});
