import type { SessionRecord } from '@ssokit/storage';
import type { Command } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { redisStorage } from '../src/index.ts';
import { scripts } from '../src/scripts.ts';
import { sessionPage } from '../src/sessions.ts';
import { deleteUnder, keysUnder, randomPrefix, rawKey, testClient, untilGone } from './helpers.ts';

// What reaches Redis: TTLs on every key, index keys that do not outgrow their sessions, one command
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

  it('expires a session key at the earlier expiry, and its index keys no sooner', async () => {
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

    // touch moves the key's TTL (capped at the absolute expiry) and the index keys' with it.
    expect(await storage.sessions.touch(s.id, new Date(at + 24 * 3_600_000))).toBe(true);
    const touchedTtl = await redis.pttl(rawKey.session(prefix, s.id));
    expect(touchedTtl).toBeGreaterThan(600_000);
    expect(touchedTtl).toBeLessThanOrEqual(3_600_000);
    const touched = await expiryOf(rawKey.session(prefix, s.id));
    for (const key of indexes) expect(await expiryOf(key), key).toBeGreaterThanOrEqual(touched);
  });

  it('does not shorten an index key for a session that ends sooner than another member', async () => {
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

describe('index keys do not grow without bound', () => {
  const indexesOf = () => [
    rawKey.userIndex(prefix, 'u-1'),
    rawKey.connectionIndex(prefix, 'c-1'),
    `${prefix}{ssokit}:idx:cs:3:c-1:5:sub-1`,
    `${prefix}{ssokit}:idx:ci:3:c-1:5:sid-1`,
  ];

  it('scores each member by its session expiry, and expires an index with its last member', async () => {
    const storage = store();
    const at = Date.now();
    const s = session({ expiresAt: new Date(at + 3_600_000), idleExpiresAt: new Date(at + 600_000) });
    await storage.sessions.create(s);
    for (const key of indexesOf())
      expect(await redis.zrange(key, 0, -1, 'WITHSCORES'), key).toEqual([s.id, String(at + 600_000)]);
    expect(await storage.sessions.touch(s.id, new Date(at + 24 * 3_600_000))).toBe(true);
    for (const key of indexesOf()) expect(await redis.zscore(key, s.id), key).toBe(String(at + 3_600_000));

    const short = session({ connectionId: 'c-2', idleExpiresAt: new Date(Date.now() + 100) });
    await storage.sessions.create(short);
    await untilGone(redis, rawKey.session(prefix, short.id));
    expect(await redis.exists(rawKey.connectionIndex(prefix, 'c-2'))).toBe(0);
  });

  it('keeps only live members once sessions expire by themselves under a long-lived one', async () => {
    // The finding: one long session kept the index keys alive while 2,000 others expired on their own,
    // and every one of them stayed a member, for each later revoke or list to read.
    const storage = store();
    const long = session();
    await storage.sessions.create(long);
    const ends = Date.now() + 1_500;
    const short = Array.from({ length: 2_000 }, () => session({ idleExpiresAt: new Date(ends) }));
    await Promise.all(short.map((s) => storage.sessions.create(s)));
    for (const key of indexesOf()) expect(await redis.zcard(key), key).toBe(2_001);
    await untilGone(redis, rawKey.session(prefix, short.at(-1)?.id as string));
    while (Date.now() <= ends) await new Promise((resolve) => setTimeout(resolve, 20));

    // A touch drops the expired members of every index of the session...
    expect(await storage.sessions.touch(long.id, new Date(Date.now() + 3_600_000))).toBe(true);
    for (const key of indexesOf()) expect(await redis.zrange(key, 0, -1), key).toEqual([long.id]);
    // ...and so does a create; each index lives as long as its longest member.
    const next = session();
    await storage.sessions.create(next);
    for (const key of indexesOf()) {
      expect(await redis.zcard(key), key).toBe(2);
      expect(await redis.pttl(key), key).toBeGreaterThanOrEqual(
        await redis.pttl(rawKey.session(prefix, long.id)),
      );
    }
    expect((await storage.sessions.list({ connectionId: 'c-1' })).map((s) => s.id)).toEqual([
      long.id,
      next.id,
    ]);
    expect(await storage.sessions.revoke({ connectionId: 'c-1' })).toBe(2);
  });

  it('removes revoked and deleted sessions from every index they were in', async () => {
    const storage = store();
    const a = session();
    const b = session();
    await storage.sessions.create(a);
    await storage.sessions.create(b);
    expect(await storage.sessions.delete(a.id)).toBe(true);
    expect(await redis.zrange(rawKey.connectionIndex(prefix, 'c-1'), 0, -1)).toEqual([b.id]);
    expect(await storage.sessions.revoke({ userId: 'u-1' })).toBe(1);
    // Nothing left: no session, no index (by user, connection, subject or IdP session).
    expect(await keysUnder(redis, prefix)).toEqual([]);
  });

  it('never reports a session through an index it no longer belongs to (an id used again)', async () => {
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
    // A member whose session now belongs elsewhere (still scored live) is dropped when read.
    await redis.zadd(rawKey.userIndex(prefix, 'u-1'), Date.now() + 60_000, first.id);
    expect(await storage.sessions.revoke({ userId: 'u-1' })).toBe(0);
    expect(await redis.exists(rawKey.userIndex(prefix, 'u-1'))).toBe(0);
    expect(await storage.sessions.get(first.id)).toEqual(again);
  });
});

describe('revoke and list in pages', () => {
  type Page = [nextScore: string, nextId: string, read: number, found: number, ...records: string[]];

  /**
   * A store on a client of its own that records the reply of every page script (`findSessions`) and
   * runs `between` after each, before the store sends the next.
   */
  function paged(between: (page: Page, n: number) => Promise<void> = async () => {}) {
    const client = testClient();
    const pages: Page[] = [];
    const send = client.sendCommand.bind(client) as (c: Command, ...r: unknown[]) => Promise<unknown>;
    client.sendCommand = ((command: Command, ...rest: unknown[]) => {
      const sent = send(command, ...rest);
      const [first] = command.args;
      if (!['evalsha', 'eval'].includes(command.name)) return sent;
      if (first !== scripts.findSessions.sha && first !== scripts.findSessions.lua) return sent;
      return sent.then(async (reply) => {
        pages.push(reply as Page);
        await between(reply as Page, pages.length);
        return reply;
      });
    }) as typeof client.sendCommand;
    return { storage: redisStorage({ redis: client, keyPrefix: prefix }), pages, client };
  }

  it(`revokes 5,000 sessions in scripts of at most ${sessionPage} members each`, async () => {
    store();
    const at = Date.now();
    // One expiry for all: pages end and start inside a run of equal scores.
    const many = Array.from({ length: 5_000 }, () =>
      session({ createdAt: new Date(at), idleExpiresAt: new Date(at + 3_600_000) }),
    );
    const other = session({ connectionId: 'c-2' });
    const { storage, pages, client } = paged();
    try {
      await Promise.all([...many, other].map((s) => storage.sessions.create(s)));
      expect(await storage.sessions.revoke({ connectionId: 'c-1' })).toBe(5_000);
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.length).toBe(Math.ceil(5_000 / sessionPage) + 1);
      for (const [, , read, found] of pages) {
        expect(read).toBeLessThanOrEqual(sessionPage);
        expect(found).toBeLessThanOrEqual(sessionPage);
      }
      expect(pages.reduce((sum, page) => sum + page[3], 0)).toBe(5_000);
      const left = (await keysUnder(redis, prefix)).filter((k) => k.includes(':sess:'));
      expect(left).toEqual([rawKey.session(prefix, other.id)]);
      expect(await redis.exists(rawKey.connectionIndex(prefix, 'c-1'))).toBe(0);
      expect(await storage.sessions.get(many[0]?.id as string)).toBeNull();
    } finally {
      await client.quit();
    }
  });

  it('revokes exactly the sessions of a subject and an IdP session while the index changes between pages', async () => {
    store();
    const at = Date.now();
    const times = (i: number) => ({
      expiresAt: new Date(at + 7_200_000),
      idleExpiresAt: new Date(at + 3_600_000 + (i % 7)),
    });
    const others = Array.from({ length: 1_200 }, (_, i) => session({ subject: 'sub-2', ...times(i) }));
    const mine = Array.from({ length: 1_300 }, (_, i) => session(times(i)));
    const index = `${prefix}{ssokit}:idx:ci:3:c-1:5:sid-1`;
    let cursorDeleted = false;
    const { storage, pages, client } = paged(async (page, n) => {
      if (n !== 1) return;
      // Between the first two pages: the cursor's own member leaves (revoked already if it was one of
      // mine, deleted here otherwise), one of mine not read yet (the highest score) ends, and the first
      // member left (one of the others, read already) is touched past every other, to be read again.
      cursorDeleted = await storage.sessions.delete(page[1]);
      expect(await redis.zscore(index, mine[6]?.id as string)).not.toBeNull();
      expect(await storage.sessions.delete(mine[6]?.id as string)).toBe(true);
      const [firstLeft] = await redis.zrange(index, 0, 0);
      expect(await storage.sessions.touch(firstLeft as string, new Date(at + 5_400_000))).toBe(true);
    });
    try {
      await Promise.all([...others, ...mine].map((s) => storage.sessions.create(s)));
      const ended = await storage.sessions.revoke({
        connectionId: 'c-1',
        subject: 'sub-1',
        idpSessionId: 'sid-1',
      });
      expect(pages.length).toBeGreaterThan(2);
      for (const [, , read] of pages) expect(read).toBeLessThanOrEqual(sessionPage);
      expect(await storage.sessions.list({ connectionId: 'c-1', subject: 'sub-1' })).toEqual([]);
      // Every session of the filter that was there throughout ended, and no other.
      expect(ended).toBe(1_300 - 1);
      const left = await storage.sessions.list({ connectionId: 'c-1', idpSessionId: 'sid-1' });
      expect(left.length).toBe(1_200 - (cursorDeleted ? 1 : 0));
      expect(left.every((s) => s.subject === 'sub-2')).toBe(true);
    } finally {
      await client.quit();
    }
  });

  it('lists every session once across pages while the index changes between them', async () => {
    store();
    const at = Date.now();
    const all = Array.from({ length: 2_500 }, (_, i) =>
      session({ expiresAt: new Date(at + 7_200_000), idleExpiresAt: new Date(at + 3_600_000 + (i % 5)) }),
    );
    let unread = '';
    let touched = '';
    const { storage, pages, client } = paged(async (page, n) => {
      if (n !== 1) return;
      // Between the first two pages: the cursor's own member (read already) and one not read yet end,
      // and the first one read is touched past every other (it is read again; the later read wins).
      expect(await storage.sessions.delete(page[1])).toBe(true);
      unread = (await redis.zrange(rawKey.userIndex(prefix, 'u-1'), -1, -1))[0] as string;
      expect(await storage.sessions.delete(unread)).toBe(true);
      touched = (await redis.zrange(rawKey.userIndex(prefix, 'u-1'), 0, 0))[0] as string;
      expect(await storage.sessions.touch(touched, new Date(at + 5_400_000))).toBe(true);
    });
    try {
      await Promise.all(all.map((s) => storage.sessions.create(s)));
      const listed = await storage.sessions.list({ userId: 'u-1' });
      expect(pages.length).toBe(3);
      for (const [, , read] of pages) expect(read).toBeLessThanOrEqual(sessionPage);
      // Members read: all 2,500, less the one deleted before it was read, plus the touched one again.
      expect(pages.reduce((sum, page) => sum + page[2], 0)).toBe(2_500 - 1 + 1);
      const ids = listed.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(
        all
          .map((s) => s.id)
          .filter((id) => id !== unread)
          .sort(),
      );
      expect(listed.find((s) => s.id === touched)?.idleExpiresAt.getTime()).toBe(at + 5_400_000);
    } finally {
      await client.quit();
    }
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
