import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import { isSsoError } from '@ssokit/core';
import type { SessionRecord } from '@ssokit/storage';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStorage } from '../src/index.ts';
import { deleteUnder, randomPrefix, testClient } from './helpers.ts';

// Redis that cannot be reached: every method rejects with storage_unavailable, none hangs. Each client
// below bounds itself (no retries, or a command timeout); the test does not measure time.

const session: SessionRecord = {
  id: 's-1',
  userId: 'u-1',
  connectionId: 'c-1',
  subject: 'sub-1',
  data: {},
  createdAt: new Date(),
  expiresAt: new Date(Date.now() + 60_000),
  idleExpiresAt: new Date(Date.now() + 60_000),
};

/** Every method of the store, once each. */
function everyMethod(storage: ReturnType<typeof redisStorage>): Array<[string, () => Promise<unknown>]> {
  return [
    ['transactions.put', () => storage.transactions.put('t', { a: 1 }, 60_000)],
    ['transactions.take', () => storage.transactions.take('t')],
    ['replay.firstSeen', () => storage.replay.firstSeen('r', 60_000)],
    ['counters.hit', () => storage.counters.hit('c', 60_000)],
    ['sessions.create', () => storage.sessions.create(session)],
    ['sessions.get', () => storage.sessions.get('s-1')],
    ['sessions.touch', () => storage.sessions.touch('s-1', new Date(Date.now() + 60_000))],
    ['sessions.delete', () => storage.sessions.delete('s-1')],
    ['sessions.revoke', () => storage.sessions.revoke({ connectionId: 'c-1', subject: 'sub-1' })],
    ['sessions.list', () => storage.sessions.list({ userId: 'u-1' })],
  ];
}

async function expectUnavailable(storage: ReturnType<typeof redisStorage>, secret?: string) {
  for (const [name, call] of everyMethod(storage)) {
    const error = await call().then(
      () => new Error(`${name} resolved`),
      (e: unknown) => e,
    );
    expect(isSsoError(error, 'storage_unavailable'), `${name}: ${String(error)}`).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(Error);
    if (secret) expect((error as Error).message).not.toContain(secret);
  }
}

function unreachable(options: RedisOptions): Redis {
  const client = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, ...options });
  client.on('error', () => {}); // the host's listener; ioredis would print unhandled ones
  return client;
}

describe('Redis cannot be reached', () => {
  it('rejects every method with storage_unavailable when the connection is refused and not retried', async () => {
    const redis = unreachable({ maxRetriesPerRequest: 0, retryStrategy: () => null });
    await expectUnavailable(redisStorage({ redis }));
    redis.disconnect();
  });

  it('rejects every method with storage_unavailable when retries per request are used up', async () => {
    const redis = unreachable({ maxRetriesPerRequest: 0, retryStrategy: () => 10 });
    const error = await redisStorage({ redis })
      .transactions.take('t')
      .catch((e: unknown) => e);
    expect((error as Error).cause).toMatchObject({ name: 'MaxRetriesPerRequestError' });
    await expectUnavailable(redisStorage({ redis }));
    redis.disconnect();
  });

  it('rejects without the offline queue, and never puts the password or URL in the message', async () => {
    const redis = new Redis('redis://ssokit:hunter2-secret@127.0.0.1:1/0', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    await expectUnavailable(redisStorage({ redis }), 'hunter2-secret');
    const error = await redisStorage({ redis })
      .sessions.get('s')
      .then(
        () => new Error('resolved'),
        (e: unknown) => e as Error,
      );
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect(error.message).not.toMatch(/redis:\/\/|127\.0\.0\.1|ssokit:/);
    redis.disconnect();
  });

  it('rejects after the client was closed', async () => {
    const redis = testClient();
    await redis.quit();
    await expectUnavailable(redisStorage({ redis }));
  });

  describe('a server that accepts connections and never answers', () => {
    let server: Server;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('rejects every method with storage_unavailable once the command timeout passes', async () => {
      const redis = new Redis({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        enableReadyCheck: false,
        commandTimeout: 100,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      redis.on('error', () => {});
      const error = await redisStorage({ redis })
        .sessions.get('s')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'storage_unavailable', details: { reason: 'command timed out' } });
      await expectUnavailable(redisStorage({ redis }));
      redis.disconnect();
    });
  });
});

describe('Redis refuses a command', () => {
  const redis = testClient();
  const prefix = randomPrefix('refuses');
  afterAll(async () => {
    await deleteUnder(redis, prefix);
    await redis.quit();
  });

  it('rejects with storage_failure and the reply code, not storage_unavailable', async () => {
    const storage = redisStorage({ redis, keyPrefix: prefix });
    // Something else wrote a hash where the transaction would be.
    await redis.hset(`${prefix}{ssokit}:tx:t`, 'f', 'v');
    const error = await storage.transactions.take('t').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'storage_failure', details: { reason: 'WRONGTYPE' } });
    expect(isSsoError(error)).toBe(true);
  });
});
