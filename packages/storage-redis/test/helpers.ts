/**
 * Shared by this package's tests: a client on the test Redis, a random key prefix per test file, a
 * raw reader with direct commands, and deletion of one prefix's keys (never FLUSHALL/FLUSHDB: other
 * test files use the same Redis at the same time).
 */

import { randomUUID } from 'node:crypto';
import type { RawReader } from '@ssokit/storage/testkit';
import { Redis } from 'ioredis';
import { deleteUnder, keysUnder } from 'ssokit-test-fixtures/redis';

export const redisUrl = process.env.SSOKIT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A client on the test Redis. */
export function testClient(options: { keyPrefix?: string } = {}): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: 1, ...options });
}

/** A prefix no other test file uses. */
export function randomPrefix(label: string): string {
  return `ssokit-test:${label}:${randomUUID()}:`;
}

/** The key of a stored thing, as `keys.ts` lays it out (written out here, to check the layout too). */
export const rawKey = {
  transaction: (prefix: string, key: string) => `${prefix}{ssokit}:tx:${key}`,
  session: (prefix: string, id: string) => `${prefix}{ssokit}:sess:${id}`,
  loginActivity: (prefix: string, outcome: string, connectionId: string) =>
    `${prefix}{ssokit}:act:${outcome}:${connectionId}`,
  userIndex: (prefix: string, userId: string) => `${prefix}{ssokit}:idx:u:${userId.length}:${userId}`,
  connectionIndex: (prefix: string, connectionId: string) =>
    `${prefix}{ssokit}:idx:c:${connectionId.length}:${connectionId}`,
};

const unused = () => {
  throw new Error('not stored in Redis');
};

/** A raw reader of what a `redisStorage({ keyPrefix: prefix })` wrote, with direct commands. */
export function redisRawReader(redis: Redis, prefix: string): RawReader {
  return {
    connection: unused,
    connectionCount: unused,
    user: unused,
    userCount: unused,
    identities: unused,
    memberships: unused,
    async hasTransaction(key) {
      return (await redis.exists(rawKey.transaction(prefix, key))) === 1;
    },
    async hasSession(id) {
      return (await redis.exists(rawKey.session(prefix, id))) === 1;
    },
    async activityCount(connectionId) {
      const lengths = await Promise.all(
        ['failed', 'succeeded'].map((outcome) =>
          redis.llen(rawKey.loginActivity(prefix, outcome, connectionId)),
        ),
      );
      return lengths.reduce((a, b) => a + b, 0);
    },
  };
}

/** Waits until Redis has expired `key` (bounded by the test's timeout, not asserted on). */
export async function untilGone(redis: Redis, key: string): Promise<void> {
  while ((await redis.exists(key)) === 1) await new Promise((resolve) => setTimeout(resolve, 20));
}

export { deleteUnder, keysUnder };
