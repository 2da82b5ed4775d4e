/**
 * Fixed-window counters on Redis: one Lua script increments the counter and, on the first hit of a
 * window, sets its expiry to the window's length, so concurrent hits are each counted once.
 *
 * @module
 */
import type { CounterStore } from '@ssokit/storage';
import { assertTtl } from '@ssokit/storage';
import { guard } from './errors.ts';
import type { keyspace } from './keys.ts';
import { type RedisClient, runScript, scripts } from './scripts.ts';
import { wholeMs } from './transactions.ts';

/**
 * The counters over `redis`, with the keys of `keys`.
 *
 * @example
 * ```ts
 * const counters = redisCounters(redis, keyspace('ssokit:'));
 * if ((await counters.hit(`login:${ip}`, 60_000)) > 30) throw new Error('slow down');
 * ```
 */
export function redisCounters(redis: RedisClient, keys: ReturnType<typeof keyspace>): CounterStore {
  return {
    async hit(key, windowMs) {
      assertTtl(windowMs);
      const hits = await guard('counting a hit', () =>
        runScript(redis, scripts.hit, [keys.counter(key)], [wholeMs(windowMs)]),
      );
      return Number(hits);
    },
  };
}
