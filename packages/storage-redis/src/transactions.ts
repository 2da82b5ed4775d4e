/**
 * Login transactions on Redis: `SET key value PX ttl` to store, `GETDEL` to take (Redis 6.2 or later),
 * so of concurrent takes exactly one gets the value.
 *
 * @module
 */
import type { TransactionStore, TransactionValue } from '@ssokit/storage';
import { assertTtl } from '@ssokit/storage';
import { guard } from './errors.ts';
import type { keyspace } from './keys.ts';
import type { RedisClient } from './scripts.ts';

/** A TTL in whole milliseconds, as `PX` takes it (a fraction is rounded up, never to 0). */
export const wholeMs = (ttlMs: number): number => Math.ceil(ttlMs);

/**
 * The transaction store over `redis`, with the keys of `keys`.
 *
 * @example
 * ```ts
 * const transactions = redisTransactions(redis, keyspace('ssokit:'));
 * await transactions.put('state-123', { nonce: 'n' }, 600_000);
 * ```
 */
export function redisTransactions(redis: RedisClient, keys: ReturnType<typeof keyspace>): TransactionStore {
  return {
    async put(key, value, ttlMs) {
      assertTtl(ttlMs);
      const json = JSON.stringify(value);
      await guard('storing a login transaction', () =>
        redis.set(keys.transaction(key), json, 'PX', wholeMs(ttlMs)),
      );
    },
    async take(key) {
      const json = await guard('taking a login transaction', () => redis.getdel(keys.transaction(key)));
      return json === null ? null : (JSON.parse(json) as TransactionValue);
    },
  };
}
