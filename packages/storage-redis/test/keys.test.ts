import type { SessionRecord } from '@ssokit/storage';
import type { Command } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { redisStorage } from '../src/index.ts';
import { deleteUnder, keysUnder, randomPrefix, rawKey, testClient, untilGone } from './helpers.ts';

// What reaches Redis: TTLs on every key, index sets that do not outgrow their sessions, one command
// per read, and keys that hold up with ids containing separators or a client-side key prefix.

const redis = testClient();
const filePrefix = randomPrefix('keys');
let serial = 0;
let prefix = '';
const store = () => {
  serial += 1;
  prefix = `${filePrefix}${serial}:`;
  return redisStorage({ redis, keyPrefix: prefix });
};

function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const at = Date.now();
  serial += 1;
  return {
    id: `s-${serial}`,
    userId: 'u-1',
    connectionId: 'c-1',
    subject: 'sub-1',
    idpSessionId: 'sid-1',
    data: { roles: ['admin'] },
    createdAt: new Date(at),
    expiresAt: new Date(at + 3_600_000),
    idleExpiresAt: new Date(at + 3_600_000),
    ...overrides,
  };
}

afterEach(() => deleteUnder(redis, prefix));
afterAll(async () => {
  await deleteUnder(redis, filePrefix);
  await redis.quit();
});

describe('keys and their TTLs', () => {
  it('gives every key it writes a TTL, and lays them out under the prefix with the hash tag', async () => {
    const storage = store();
    await storage.transactions.put('t', { state: 's' }, 60_000);
    await storage.replay.firstSeen('r', 60_000);
    await storage.counters.hit('c', 60_000);
    await storage.sessions.create(session());
    const keys = (await keysUnder(redis, prefix)).sort();
    expect(keys.map((k) => k.slice(prefix.length))).toEqual([
      '{ssokit}:ctr:c',
      '{ssokit}:idx:c:3:c-1',
      '{ssokit}:idx:ci:3:c-1:5:sid-1',
      '{ssokit}:idx:cs:3:c-1:5:sub-1',
      '{ssokit}:idx:u:3:u-1',
      '{ssokit}:replay:r',
      `{ssokit}:sess:s-${serial}`,
      '{ssokit}:tx:t',
    ]);
    for (const key of keys) expect(await redis.pttl(key), key).toBeGreaterThan(0);
  });

  it('expires a session key at the earlier expiry, and its index sets no sooner', async () => {
    const storage = store();
    const at = Date.now();
    const s = session({ expiresAt: new Date(at + 3_600_000), idleExpiresAt: new Date(at + 600_000) });
    await storage.sessions.create(s);
    const sessionTtl = await redis.pttl(rawKey.session(prefix, s.id));
    expect(sessionTtl).toBeGreaterThan(0);
    expect(sessionTtl).toBeLessThanOrEqual(600_000);
    // Absolute expiry times (PEXPIRETIME, Redis 7), so the order of the reads does not matter.
    const expiryOf = async (key: string) => Number(await redis.call('PEXPIRETIME', key));
    const indexes = [
      rawKey.userIndex(prefix, 'u-1'),
      rawKey.connectionIndex(prefix, 'c-1'),
      `${prefix}{ssokit}:idx:cs:3:c-1:5:sub-1`,
      `${prefix}{ssokit}:idx:ci:3:c-1:5:sid-1`,
    ];
    const created = await expiryOf(rawKey.session(prefix, s.id));
    for (const key of indexes) expect(await expiryOf(key), key).toBeGreaterThanOrEqual(created);

    // touch moves the key's TTL (capped at the absolute expiry) and the index sets' with it.
    expect(await storage.sessions.touch(s.id, new Date(at + 24 * 3_600_000))).toBe(true);
    const touchedTtl = await redis.pttl(rawKey.session(prefix, s.id));
    expect(touchedTtl).toBeGreaterThan(600_000);
    expect(touchedTtl).toBeLessThanOrEqual(3_600_000);
    const touched = await expiryOf(rawKey.session(prefix, s.id));
    for (const key of indexes) expect(await expiryOf(key), key).toBeGreaterThanOrEqual(touched);
  });

  it('does not shorten an index set for a session that ends sooner than another member', async () => {
    const storage = store();
    const at = Date.now();
    await storage.sessions.create(session({ idleExpiresAt: new Date(at + 3_000_000) }));
    await storage.sessions.create(session({ idleExpiresAt: new Date(at + 60_000) }));
    expect(await redis.pttl(rawKey.userIndex(prefix, 'u-1'))).toBeGreaterThan(60_000);
  });
});

describe('expiry checks of their own', () => {
  it('treats a session past its stored expiry as gone even while its key lives on', async () => {
    const storage = store();
    const s = session();
    await storage.sessions.create(s);
    // As in the last milliseconds before Redis expires the key: the stored idle expiry has passed.
    await redis.hset(rawKey.session(prefix, s.id), 'idle', String(Date.now() - 1));
    expect(await storage.sessions.get(s.id)).toBeNull();
    expect(await storage.sessions.touch(s.id, new Date(Date.now() + 60_000))).toBe(false);
    expect(await storage.sessions.list({ userId: 'u-1' })).toEqual([]);
    expect(await storage.sessions.delete(s.id)).toBe(false);
    expect(await redis.exists(rawKey.session(prefix, s.id))).toBe(0);
    // A new session may take the id of one that has expired but is still stored.
    const again = session({ id: s.id });
    await storage.sessions.create(again);
    await redis.hset(rawKey.session(prefix, s.id), 'exp', String(Date.now() - 1));
    await storage.sessions.create({ ...again, userId: 'u-2' });
    expect(await storage.sessions.revoke({ userId: 'u-1' })).toBe(0);
    expect((await storage.sessions.get(s.id))?.userId).toBe('u-2');
  });
});

describe('index sets do not grow without bound', () => {
  it('drops the members of expired sessions when a list reads the set, and the set when it empties', async () => {
    const storage = store();
    const short = Array.from({ length: 20 }, () => session({ idleExpiresAt: new Date(Date.now() + 100) }));
    for (const s of short) await storage.sessions.create(s);
    const kept = session({ connectionId: 'c-2' });
    await storage.sessions.create(kept);
    expect(await redis.scard(rawKey.userIndex(prefix, 'u-1'))).toBe(21);
    for (const s of short) await untilGone(redis, rawKey.session(prefix, s.id));

    expect((await storage.sessions.list({ userId: 'u-1' })).map((s) => s.id)).toEqual([kept.id]);
    expect(await redis.smembers(rawKey.userIndex(prefix, 'u-1'))).toEqual([kept.id]);
    expect(await storage.sessions.revoke({ connectionId: 'c-1' })).toBe(0);
    expect(await redis.exists(rawKey.connectionIndex(prefix, 'c-1'))).toBe(0);
  });

  it('removes revoked and deleted sessions from every index set they were in', async () => {
    const storage = store();
    const a = session();
    const b = session();
    await storage.sessions.create(a);
    await storage.sessions.create(b);
    expect(await storage.sessions.delete(a.id)).toBe(true);
    expect(await redis.smembers(rawKey.connectionIndex(prefix, 'c-1'))).toEqual([b.id]);
    expect(await storage.sessions.revoke({ userId: 'u-1' })).toBe(1);
    // Nothing left: no session, no index set (by user, connection, subject or IdP session).
    expect(await keysUnder(redis, prefix)).toEqual([]);
  });

  it('never reports a session through a set it no longer belongs to (an id used again)', async () => {
    const storage = store();
    const first = session({ idleExpiresAt: new Date(Date.now() + 100) });
    await storage.sessions.create(first);
    await untilGone(redis, rawKey.session(prefix, first.id));
    const again = session({ id: first.id, userId: 'u-2', connectionId: 'c-2' });
    await storage.sessions.create(again);
    expect(await storage.sessions.list({ userId: 'u-1' })).toEqual([]);
    expect(await storage.sessions.revoke({ connectionId: 'c-1', subject: 'sub-1' })).toBe(0);
    expect(await redis.exists(rawKey.userIndex(prefix, 'u-1'))).toBe(0);
    expect(await storage.sessions.get(first.id)).toEqual(again);
  });
});

describe('ids that contain separators', () => {
  it('keeps (connection "a:1", subject "b") apart from (connection "a", subject "1:b")', async () => {
    const storage = store();
    const one = session({ connectionId: 'a:1', subject: 'b', idpSessionId: 'x' });
    const two = session({ connectionId: 'a', subject: '1:b', idpSessionId: 'x' });
    const three = session({ connectionId: 'a', subject: '1', idpSessionId: 'b:x', userId: '{u}*?[1]' });
    for (const s of [one, two, three]) await storage.sessions.create(s);
    expect((await storage.sessions.list({ connectionId: 'a:1', subject: 'b' })).map((s) => s.id)).toEqual([
      one.id,
    ]);
    expect(
      (await storage.sessions.list({ connectionId: 'a', idpSessionId: 'b:x' })).map((s) => s.id),
    ).toEqual([three.id]);
    expect(await storage.sessions.revoke({ userId: '{u}*?[1]' })).toBe(1);
    expect(await storage.sessions.revoke({ connectionId: 'a', subject: '1:b' })).toBe(1);
    expect(await storage.sessions.get(one.id)).not.toBeNull();
  });
});

describe('round trips', () => {
  /** The commands `run` sends on a client of its own. */
  async function commandsOf(run: (storage: ReturnType<typeof redisStorage>) => Promise<unknown>) {
    const client = testClient();
    await client.ping();
    const sent: string[] = [];
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command: Command, ...rest: unknown[]) => {
      sent.push(command.name);
      return (send as (c: Command, ...r: unknown[]) => unknown)(command, ...rest);
    };
    await run(redisStorage({ redis: client, keyPrefix: prefix }));
    const during = [...sent];
    await client.quit();
    return during;
  }

  it('reads a session with one command, and takes a transaction with one GETDEL', async () => {
    const storage = store();
    const s = session();
    await storage.sessions.create(s);
    await storage.transactions.put('t', { a: 1 }, 60_000);
    let read: unknown;
    expect(
      await commandsOf(async (other) => {
        read = await other.sessions.get(s.id);
      }),
    ).toEqual(['hmget']);
    expect(read).toEqual(s);
    expect(await commandsOf((other) => other.transactions.take('t'))).toEqual(['getdel']);
    expect(await commandsOf((other) => other.replay.firstSeen('r', 1000))).toEqual(['set']);
  });

  it('sends a script by its SHA once Redis knows it', async () => {
    const storage = store();
    await storage.counters.hit('warm', 60_000);
    expect(await commandsOf((other) => other.counters.hit('warm', 60_000))).toEqual(['evalsha']);
  });
});

describe('a client with its own keyPrefix', () => {
  it('works, scripts included, with every key under the client prefix', async () => {
    const clientPrefix = `${filePrefix}client:`;
    const client = testClient({ keyPrefix: clientPrefix });
    const storage = redisStorage({ redis: client, keyPrefix: 'app:' });
    try {
      const s = session();
      await storage.sessions.create(s);
      expect(await storage.sessions.touch(s.id, new Date(Date.now() + 60_000))).toBe(true);
      expect((await storage.sessions.list({ connectionId: 'c-1', idpSessionId: 'sid-1' })).length).toBe(1);
      expect(await storage.counters.hit('c', 60_000)).toBe(1);
      const keys = await keysUnder(redis, clientPrefix);
      expect(keys.length).toBe(6);
      for (const key of keys) expect(key.startsWith(`${clientPrefix}app:{ssokit}:`)).toBe(true);
      expect(await storage.sessions.revoke({ connectionId: 'c-1' })).toBe(1);
      expect(await keysUnder(redis, clientPrefix)).toEqual([`${clientPrefix}app:{ssokit}:ctr:c`]);
    } finally {
      await deleteUnder(redis, clientPrefix);
      await client.quit();
    }
  });
});
