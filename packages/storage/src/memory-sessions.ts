/**
 * The sessions and counters of `memoryStorage()`: kept in this process, bounded in number.
 *
 * @module
 */
import { type Clock, SsoError } from '@ssokit/core';
import { assertTtl, storageErrors } from './adapter-helpers.ts';
import { copy } from './internal/copy.ts';
import type { MemoryState } from './internal/memory-state.ts';
import { checkSessionFilter, sessionMatches } from './session-filter.ts';
import type { CounterStore, SessionRecord, SessionStore } from './types.ts';

const clone = copy;

/** Whether a session is still alive at `at` (milliseconds). */
const alive = (session: SessionRecord, at: number) =>
  session.expiresAt.getTime() > at && session.idleExpiresAt.getTime() > at;

/**
 * The session store of a memory store. Past `maxEntries` live sessions a new one is refused
 * (`rate_limited`) rather than ending someone else's.
 */
export function memorySessions(state: MemoryState, clock: Clock, maxEntries: number): SessionStore {
  const { sessions } = state;
  let nextSweepAt = 0;
  const live = (id: string): SessionRecord | undefined => {
    const found = sessions.get(id);
    if (found && !alive(found, clock())) {
      sessions.delete(id);
      return undefined;
    }
    return found;
  };
  const sweep = () => {
    const at = clock();
    if (at < nextSweepAt) return;
    nextSweepAt = at + 1000;
    for (const [id, session] of sessions) if (!alive(session, at)) sessions.delete(id);
  };
  const matching = (filter: Parameters<SessionStore['list']>[0]) => {
    const checked = checkSessionFilter(filter);
    const at = clock();
    return [...sessions.values()].filter((s) => alive(s, at) && sessionMatches(s, checked));
  };
  return {
    async create(session) {
      if (live(session.id)) {
        throw storageErrors.idTaken('session', session.id);
      }
      if (sessions.size >= maxEntries) sweep();
      if (sessions.size >= maxEntries) {
        throw new SsoError('rate_limited', 'Too many sessions are open; try again later.', {
          details: { reason: 'sessions_full', maxEntries },
        });
      }
      sessions.set(session.id, clone(session));
    },
    async get(id) {
      const found = live(id);
      return found ? clone(found) : null;
    },
    async touch(id, idleExpiresAt) {
      const found = live(id);
      if (!found) return false;
      found.idleExpiresAt = new Date(Math.min(idleExpiresAt.getTime(), found.expiresAt.getTime()));
      return true;
    },
    async delete(id) {
      const found = live(id);
      return found !== undefined && sessions.delete(id);
    },
    async revoke(filter) {
      const doomed = matching(filter);
      for (const session of doomed) sessions.delete(session.id);
      return doomed.length;
    },
    async list(filter) {
      return matching(filter)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .map(clone);
    },
  };
}

/** The counters of a memory store. */
export function memoryCounters(state: MemoryState, clock: Clock, maxEntries: number): CounterStore {
  const { counters } = state;
  return {
    async hit(key, windowMs) {
      assertTtl(windowMs);
      const at = clock();
      const current = counters.get(key);
      if (current && current.expiresAt > at) {
        current.value += 1;
        return current.value;
      }
      counters.delete(key);
      if (counters.size >= maxEntries) {
        for (const [k, entry] of counters) if (entry.expiresAt <= at) counters.delete(k);
        // Still full: forget the oldest windows (a limit reset early, never memory exhausted).
        for (const k of counters.keys()) {
          if (counters.size < maxEntries) break;
          counters.delete(k);
        }
      }
      counters.set(key, { value: 1, expiresAt: at + windowMs });
      return 1;
    },
  };
}
