/**
 * The optional in-process cache of `getSession` (`SsoOptions.sessionCacheMs`): a resolved session is
 * reused for at most that many milliseconds, so a busy instance reads the session store and the user
 * store once per session per interval instead of once per request. The price is a staleness bound: a
 * revocation, a logout or a disabled user on another instance is seen here within `sessionCacheMs`.
 * On this instance a logout or revocation takes effect at once (the cache forgets).
 *
 * @module
 */
import type { SsoSession } from './sso.ts';

/** The most sessions cached; past it the oldest entry goes first. */
const MAX_ENTRIES = 10_000;

export interface SessionCache {
  get(key: string, now: number): SsoSession | undefined;
  set(key: string, session: SsoSession, now: number): void;
  /** Forgets one session (its logout) or, without a key, every session (a revocation). */
  forget(key?: string): void;
}

/** A cache keeping sessions for `maxAgeMs`; with 0, a cache that keeps nothing. */
export function createSessionCache(maxAgeMs: number): SessionCache {
  const entries = new Map<string, { session: SsoSession; until: number }>();
  if (maxAgeMs <= 0) return { get: () => undefined, set() {}, forget() {} };
  return {
    get(key, now) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.until <= now || entry.session.expiresAt.getTime() <= now) {
        entries.delete(key);
        return undefined;
      }
      return copySession(entry.session);
    },
    set(key, session, now) {
      entries.delete(key);
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      entries.set(key, { session: copySession(session), until: now + maxAgeMs });
    },
    forget(key) {
      if (key === undefined) entries.clear();
      else entries.delete(key);
    },
  };
}

/** A session the host may change without changing the cached one. */
function copySession(session: SsoSession): SsoSession {
  return {
    ...session,
    user: { ...session.user },
    roles: [...session.roles],
    groups: [...session.groups],
    expiresAt: new Date(session.expiresAt.getTime()),
  };
}
