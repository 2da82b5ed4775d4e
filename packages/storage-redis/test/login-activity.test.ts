/**
 * What login activity leaves in Redis: one list per connection and outcome, capped by one script
 * (LPUSH, LTRIM, PEXPIRE) and expiring with its longest-living entry.
 */
import type { LoginFailureEntry } from '@ssokit/storage';
import { loginActivityLimits } from '@ssokit/storage';
import type { Command } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { redisStorage } from '../src/index.ts';
import { deleteUnder, keysUnder, randomPrefix, rawKey, testClient } from './helpers.ts';

const redis = testClient();
const filePrefix = randomPrefix('activity');
let serial = 0;
let prefix = '';
const store = (client = redis) => {
  serial += 1;
  prefix = `${filePrefix}${serial}:`;
  return redisStorage({ redis: client, keyPrefix: prefix });
};

const failure = (i: number, connectionId = 'c:1'): LoginFailureEntry => ({
  connectionId,
  at: new Date(),
  outcome: 'failed',
  step: 'response',
  code: 'idp_error',
  message: `failure ${i}`,
});

afterEach(() => deleteUnder(redis, prefix));
afterAll(async () => {
  await deleteUnder(redis, filePrefix);
  await redis.quit();
});

describe('login activity in Redis', () => {
  it('keeps one list per connection and outcome under the hash tag, capped and expiring', async () => {
    const storage = store();
    for (let i = 0; i < loginActivityLimits.maxEntries + 20; i++)
      await storage.loginActivity.record(failure(i));
    await storage.loginActivity.record({
      connectionId: 'c:1',
      at: new Date(),
      outcome: 'succeeded',
      unmatchedGroups: ['contractors'],
    });
    const keys = (await keysUnder(redis, prefix)).sort();
    expect(keys).toEqual([
      rawKey.loginActivity(prefix, 'failed', 'c:1'),
      rawKey.loginActivity(prefix, 'succeeded', 'c:1'),
    ]);
    expect(await redis.llen(rawKey.loginActivity(prefix, 'failed', 'c:1'))).toBe(
      loginActivityLimits.maxEntries,
    );
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(loginActivityLimits.maxAgeMs - 60_000);
      expect(ttl).toBeLessThanOrEqual(loginActivityLimits.maxAgeMs);
    }
  });

  it('keeps a list as long as its longest-living entry: a shorter age limit never shortens it', async () => {
    const storage = store();
    await storage.loginActivity.record(failure(1));
    await storage.loginActivity.record(failure(2), { maxAgeMs: 1000 });
    expect(await redis.pttl(rawKey.loginActivity(prefix, 'failed', 'c:1'))).toBeGreaterThan(1000);
  });

  it('records with one script call', async () => {
    const client = testClient();
    try {
      const storage = store(client);
      await storage.loginActivity.record(failure(0));
      const sent: string[] = [];
      const send = client.sendCommand.bind(client);
      client.sendCommand = (command: Command, ...rest: unknown[]) => {
        sent.push(command.name);
        return (send as (c: Command, ...r: unknown[]) => unknown)(command, ...rest);
      };
      await storage.loginActivity.record(failure(1));
      expect(sent).toEqual(['evalsha']);
    } finally {
      await client.quit();
    }
  });
});
