/**
 * `redisStorage()`: the parts of ssokit's storage that expire (login transactions, the replay cache,
 * sessions, rate-limit counters, login activity), on a Redis every instance of the app shares.
 *
 * @module
 */
import type {
  CounterStore,
  LoginActivityStore,
  ReplayCache,
  SessionStore,
  TransactionStore,
} from '@ssokit/storage';
import { redisCounters } from './counters.ts';
import { keyspace } from './keys.ts';
import { redisLoginActivity } from './login-activity.ts';
import { redisReplay } from './replay.ts';
import type { RedisClient } from './scripts.ts';
import { redisSessions } from './sessions.ts';
import { redisTransactions } from './transactions.ts';

/**
 * Options of {@link redisStorage}.
 *
 * @example
 * ```ts
 * const options: RedisStorageOptions = { redis: new Redis(), keyPrefix: 'billing-app:', closeClient: true };
 * const storage = redisStorage(options);
 * ```
 */
export interface RedisStorageOptions {
  /**
   * The ioredis client to use: a `Redis` (standalone, or Sentinel with `sentinels`) or a `Cluster`,
   * created and configured (TLS, password, timeouts) by the host. Redis 6.2 or later.
   */
  redis: RedisClient;
  /**
   * Put before every key, so several apps can share one Redis. It may not contain `{` or `}`: the store
   * adds the hash tag `{ssokit}` after it (see the README's Cluster notes). Default: `'ssokit:'`.
   */
  keyPrefix?: string;
  /**
   * Whether `close()` also closes `redis` (`QUIT`). Default: `false`: the host created the client, so
   * the host closes it, and may share it with the rest of the app.
   */
  closeClient?: boolean;
}

/**
 * What {@link redisStorage} returns: the expiring parts of an `SsoStorage`, to give to
 * `composeStorage(base, redisStorage(...))` from `@ssokit/storage`.
 *
 * @example
 * ```ts
 * const expiring: RedisStorage = redisStorage({ redis });
 * await expiring.transactions.put('state-123', { nonce: 'n' }, 10 * 60_000);
 * const storage = composeStorage(sqlStore, expiring); // close() closes both
 * ```
 */
export interface RedisStorage {
  transactions: TransactionStore;
  replay: ReplayCache;
  sessions: SessionStore;
  counters: CounterStore;
  loginActivity: LoginActivityStore;
  /** Closes the client if `closeClient` is set; otherwise does nothing. */
  close(): Promise<void>;
}

function checkOptions(options: RedisStorageOptions): { redis: RedisClient; keyPrefix: string } {
  const { redis, keyPrefix = 'ssokit:' } = (options ?? {}) as Partial<RedisStorageOptions>;
  const client = redis as Partial<Record<'evalsha' | 'hmget' | 'getdel', unknown>> | undefined;
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof client.evalsha !== 'function' ||
    typeof client.hmget !== 'function' ||
    typeof client.getdel !== 'function'
  ) {
    throw Object.assign(
      new TypeError('"options.redis" must be an ioredis client (new Redis(...) or new Cluster(...)).'),
      { code: 'ERR_INVALID_ARG_TYPE' },
    );
  }
  if (typeof keyPrefix !== 'string' || /[{}]/.test(keyPrefix)) {
    throw Object.assign(
      new TypeError(
        `"options.keyPrefix" must be a string without "{" or "}". Received ${JSON.stringify(keyPrefix)}.`,
      ),
      { code: 'ERR_INVALID_ARG_VALUE' },
    );
  }
  return { redis: redis as RedisClient, keyPrefix };
}

/**
 * Stores login transactions, the replay cache, sessions, counters and login activity in Redis, so that
 * every instance of the app sees the same ones: a login begun on one instance finishes on another, a
 * sign-out or a revocation ends the session everywhere, rate limits count across instances, and the
 * admin console sees every instance's refused logins. Compose it over a
 * store that keeps connections, users and groups (SQL): `composeStorage(sqlStore, redisStorage(...))`.
 *
 * Every key expires on its own (nothing to sweep), every write that must be atomic is one command or
 * one Lua script, and a Redis that cannot be reached makes every method reject with
 * `storage_unavailable` (other Redis errors: `storage_failure`). Needs Redis 6.2 or later (`GETDEL`).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { composeStorage } from '@ssokit/storage';
 * import { sqlStorage } from '@ssokit/storage-sql';
 * import { redisStorage } from '@ssokit/storage-redis';
 *
 * const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * const storage = composeStorage(sqlStorage({ dialect }), redisStorage({ redis }));
 * ```
 */
export function redisStorage(options: RedisStorageOptions): RedisStorage {
  const { redis, keyPrefix } = checkOptions(options);
  const keys = keyspace(keyPrefix);
  return {
    transactions: redisTransactions(redis, keys),
    replay: redisReplay(redis, keys),
    sessions: redisSessions(redis, keys),
    counters: redisCounters(redis, keys),
    loginActivity: redisLoginActivity(redis, keys),
    async close() {
      if (!options.closeClient) return;
      try {
        await redis.quit();
      } catch {
        // Already closed or unreachable: drop the connection without waiting for a reply.
        redis.disconnect();
      }
    },
  };
}
