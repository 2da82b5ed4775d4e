import { createHash, randomUUID } from 'node:crypto';
import type { SessionRecord } from '@ssokit/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { redisStorage } from '../src/index.ts';
import { runScript } from '../src/scripts.ts';
import { deleteUnder, keysUnder, randomPrefix, testClient } from './helpers.ts';

const redis = testClient();
const prefix = randomPrefix('options');
afterAll(async () => {
  await deleteUnder(redis, prefix);
  await redis.quit();
});

describe('options', () => {
  it('refuses a missing client and a prefix with a hash-tag brace, as coded TypeErrors', () => {
    for (const bad of [undefined, {}, { redis: null }, { redis: { get() {} } }]) {
      expect(() => redisStorage(bad as never)).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
      );
    }
    for (const keyPrefix of ['app{1}:', 'a}', 7]) {
      expect(() => redisStorage({ redis, keyPrefix: keyPrefix as string })).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
      );
    }
  });

  it("uses 'ssokit:' as the default prefix", async () => {
    const storage = redisStorage({ redis });
    const key = `options-${randomUUID()}`;
    await storage.transactions.put(key, { a: 1 }, 60_000);
    expect(await redis.exists(`ssokit:{ssokit}:tx:${key}`)).toBe(1);
    expect(await storage.transactions.take(key)).toEqual({ a: 1 });
    expect(await redis.exists(`ssokit:{ssokit}:tx:${key}`)).toBe(0);
  });

  it('leaves the client open on close() by default, and closes it with closeClient: true', async () => {
    const client = testClient();
    await redisStorage({ redis: client, keyPrefix: prefix }).close();
    expect(await client.ping()).toBe('PONG');
    await redisStorage({ redis: client, keyPrefix: prefix, closeClient: true }).close();
    await expect(client.ping()).rejects.toThrow(/Connection is closed/);
    // Closing again (the client is already closed) still resolves.
    await redisStorage({ redis: client, keyPrefix: prefix, closeClient: true }).close();
  });
});

describe('scripts', () => {
  it('falls back to EVAL when Redis does not know a script yet (NOSCRIPT), then uses its SHA', async () => {
    // A script no one has sent before: its SHA is unknown to the server.
    const lua = `-- ${randomUUID()}\nreturn redis.call('INCR', KEYS[1])`;
    const s = { lua, sha: createHash('sha1').update(lua).digest('hex') };
    expect(await redis.script('EXISTS', s.sha)).toEqual([0]);
    expect(await runScript(redis, s, [`${prefix}nos`], [])).toBe(1);
    expect(await redis.script('EXISTS', s.sha)).toEqual([1]);
    expect(await runScript(redis, s, [`${prefix}nos`], [])).toBe(2);
  });
});

describe('atomicity', () => {
  const session = (): SessionRecord => ({
    id: `s-${randomUUID()}`,
    userId: 'u-1',
    connectionId: 'c-1',
    subject: 'sub-1',
    data: {},
    createdAt: new Date(),
    expiresAt: new Date(Date.now() + 3_600_000),
    idleExpiresAt: new Date(Date.now() + 60_000),
  });

  it('never brings back a session that a concurrent revocation ended', async () => {
    const keyPrefix = `${prefix}race:`;
    const storage = redisStorage({ redis, keyPrefix });
    for (let round = 0; round < 10; round += 1) {
      const s = session();
      await storage.sessions.create(s);
      const later = new Date(Date.now() + 120_000);
      const [revoked] = await Promise.all([
        storage.sessions.revoke({ userId: 'u-1' }),
        ...Array.from({ length: 8 }, () => storage.sessions.touch(s.id, later)),
      ]);
      expect(revoked).toBe(1);
      expect(await storage.sessions.get(s.id)).toBeNull();
      expect(await keysUnder(redis, keyPrefix)).toEqual([]);
    }
  });
});
