/**
 * `composeStorage()`: one `SsoStorage` from several stores, e.g. a SQL store for connections, users,
 * groups and roles and a Redis store for what expires (transactions, the replay cache, sessions, counters,
 * login activity).
 *
 * @module
 */
import type { SsoStorage } from './types.ts';

/** The parts of a store that {@link composeStorage} can take from another store. */
export type ExpiringParts = Partial<
  Pick<SsoStorage, 'transactions' | 'replay' | 'sessions' | 'counters' | 'loginActivity'>
>;

/**
 * Takes connections, users, groups, memberships, logins and roles from `base`, and each expiring part
 * (transactions, replay, sessions, counters, login activity) from `overrides` when it has one (else
 * from `base`). `close()` closes both stores.
 *
 * @example
 * ```ts
 * import { composeStorage } from '@ssokit/storage';
 * import { sqlStorage } from '@ssokit/storage-sql';
 * import { redisStorage } from '@ssokit/storage-redis';
 *
 * const storage = composeStorage(sqlStorage({ dialect }), redisStorage({ redis }));
 * ```
 */
export function composeStorage(
  base: SsoStorage,
  overrides: ExpiringParts & Partial<Pick<SsoStorage, 'close'>>,
): SsoStorage & {
  /** Closes both stores. */
  close(): Promise<void>;
} {
  const sessions = overrides.sessions ?? base.sessions;
  const counters = overrides.counters ?? base.counters;
  const loginActivity = overrides.loginActivity ?? base.loginActivity;
  // Roles are durable: always the base's (an expiring store has none).
  const roles = base.roles;
  return {
    connections: base.connections,
    users: base.users,
    groups: base.groups,
    memberships: base.memberships,
    login: base.login,
    transactions: overrides.transactions ?? base.transactions,
    replay: overrides.replay ?? base.replay,
    ...(sessions ? { sessions } : {}),
    ...(counters ? { counters } : {}),
    ...(loginActivity ? { loginActivity } : {}),
    ...(roles ? { roles } : {}),
    async close() {
      await Promise.all([base.close?.(), overrides.close?.()]);
    },
  };
}
