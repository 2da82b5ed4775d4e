/**
 * The login activity of `memoryStorage()`: per connection and outcome, a list of at most `maxEntries`
 * entries, most recently recorded first, each dropped at its age limit.
 *
 * @module
 */
import type { Clock } from '@ssokit/core';
import { copy } from './internal/copy.ts';
import type { MemoryState } from './internal/memory-state.ts';
import {
  checkLoginActivity,
  checkLoginActivityQuery,
  checkLoginActivityRetention,
  type LoginActivityStore,
  type LoginOutcome,
} from './login-activity.ts';

/** The key of one connection's entries of one outcome. */
const keyOf = (outcome: LoginOutcome, connectionId: string) => `${outcome}|${connectionId}`;

/**
 * The login activity of a memory store. Past `maxKeys` lists (two per connection that had logins),
 * the list written least recently is forgotten, so not even calls naming made-up connections can
 * exhaust memory.
 */
export function memoryLoginActivity(state: MemoryState, clock: Clock, maxKeys: number): LoginActivityStore {
  const lists = state.loginActivity;
  return {
    async record(entry, retention) {
      const clean = checkLoginActivity(entry);
      const { maxEntries, maxAgeMs } = checkLoginActivityRetention(retention);
      const now = clock();
      const expiresAt = clean.at.getTime() + maxAgeMs;
      if (expiresAt <= now) return;
      const key = keyOf(clean.outcome, clean.connectionId);
      const kept = (lists.get(key) ?? []).filter((e) => e.expiresAt > now);
      kept.unshift({ value: clean, expiresAt });
      kept.length = Math.min(kept.length, maxEntries);
      // Delete, then set: the Map's order is then least recently written first.
      lists.delete(key);
      lists.set(key, kept);
      for (const stale of lists.keys()) {
        if (lists.size <= maxKeys) break;
        lists.delete(stale);
      }
    },
    async list(connectionId, options) {
      const { outcome, limit } = checkLoginActivityQuery(connectionId, options);
      const now = clock();
      return (lists.get(keyOf(outcome, connectionId)) ?? [])
        .filter((e) => e.expiresAt > now)
        .slice(0, limit)
        .map((e) => copy(e.value));
    },
  };
}
