/**
 * The replay cache on Redis: `SET key 1 NX PX ttl`, which only the first caller of an unexpired key
 * wins.
 *
 * @module
 */
import type { ReplayCache } from '@ssokit/storage';
import { assertTtl } from '@ssokit/storage';
import { guard } from './errors.ts';
import type { keyspace } from './keys.ts';
import type { RedisClient } from './scripts.ts';
import { wholeMs } from './transactions.ts';

/**
 * The replay cache over `redis`, with the keys of `keys`.
 *
 * @example
 * ```ts
 * const replay = redisReplay(redis, keyspace('ssokit:'));
 * if (!(await replay.firstSeen(assertionId, 300_000))) throw new Error('replayed');
 * ```
 */
export function redisReplay(redis: RedisClient, keys: ReturnType<typeof keyspace>): ReplayCache {
  return {
    async firstSeen(key, ttlMs) {
      assertTtl(ttlMs);
      const set = await guard('recording a one-time value', () =>
        redis.set(keys.replay(key), '1', 'PX', wholeMs(ttlMs), 'NX'),
      );
      return set === 'OK';
    },
  };
}
