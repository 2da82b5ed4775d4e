/**
 * Login activity on Redis: a list per connection and outcome, newest first. One script pushes an
 * entry, cuts the list to `maxEntries` and extends its expiry (LPUSH, LTRIM, PEXPIRE), so the bound
 * holds under any concurrency; each entry carries its own expiry, which reads check.
 *
 * @module
 */
import type { LoginActivityEntry, LoginActivityStore } from '@ssokit/storage';
import { checkLoginActivity, checkLoginActivityQuery, checkLoginActivityRetention } from '@ssokit/storage';
import { guard } from './errors.ts';
import type { keyspace } from './keys.ts';
import { type RedisClient, runScript, scripts } from './scripts.ts';
import { wholeMs } from './transactions.ts';

/** An entry as the list holds it: the entry's own fields, `at` and its expiry (`exp`) in ms. */
type Stored = Record<string, unknown> & { at: number; exp: number };

/**
 * The login activity over `redis`, with the keys of `keys`.
 *
 * @example
 * ```ts
 * const activity = redisLoginActivity(redis, keyspace('ssokit:'));
 * await activity.list('okta', { outcome: 'failed', limit: 20 });
 * ```
 */
export function redisLoginActivity(
  redis: RedisClient,
  keys: ReturnType<typeof keyspace>,
): LoginActivityStore {
  return {
    async record(entry, retention) {
      const clean = checkLoginActivity(entry);
      const { maxEntries, maxAgeMs } = checkLoginActivityRetention(retention);
      const { connectionId, at, outcome, ...rest } = clean;
      const exp = at.getTime() + maxAgeMs;
      const life = exp - Date.now();
      if (life <= 0) return;
      const stored: Stored = { ...rest, at: at.getTime(), exp };
      await guard('recording login activity', () =>
        runScript(
          redis,
          scripts.recordActivity,
          [keys.loginActivity(outcome, connectionId)],
          [JSON.stringify(stored), maxEntries, wholeMs(life)],
        ),
      );
    },
    async list(connectionId, options) {
      const { outcome, limit } = checkLoginActivityQuery(connectionId, options);
      const key = keys.loginActivity(outcome, connectionId);
      const now = Date.now();
      const out: LoginActivityEntry[] = [];
      // Pages of `limit`: usually one, unless entries with a shorter age limit lie among the first.
      for (let start = 0; out.length < limit; start += limit) {
        const page = await guard('reading login activity', () => redis.lrange(key, start, start + limit - 1));
        for (const json of page) {
          const { at, exp, ...fields } = JSON.parse(json) as Stored;
          if (exp > now && out.length < limit)
            out.push({ ...fields, connectionId, at: new Date(at), outcome } as LoginActivityEntry);
        }
        if (page.length < limit) break;
      }
      return out;
    },
  };
}
