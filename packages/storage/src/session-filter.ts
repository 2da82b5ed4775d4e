/**
 * Session filters (`sso.revokeSessions`, `SessionStore.revoke` and `list`): checked alike by every
 * adapter.
 *
 * @module
 */
import type { SessionFilter, SessionRecord } from './types.ts';

/**
 * Checks a session filter and returns it normalised: a coded `TypeError` unless it names a user or a
 * connection with non-empty strings, since an empty filter would end everyone's sessions. Every
 * adapter calls it first, so they all refuse the same filters.
 *
 * @example
 * ```ts
 * import { checkSessionFilter } from '@ssokit/storage';
 *
 * checkSessionFilter({ connectionId: 'okta', subject: '00u1' }); // { connectionId: 'okta', subject: '00u1' }
 * checkSessionFilter({} as never); // throws TypeError (ERR_INVALID_ARG_VALUE)
 * ```
 */
export function checkSessionFilter(filter: SessionFilter): SessionFilter {
  const f = (filter ?? {}) as Record<string, unknown>;
  const text = (key: string) => {
    const value = f[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw badFilter(`"${key}" must be a non-empty string`);
    return value;
  };
  const userId = text('userId');
  const connectionId = text('connectionId');
  const subject = text('subject');
  const idpSessionId = text('idpSessionId');
  if (userId !== undefined) {
    if (connectionId ?? subject ?? idpSessionId)
      throw badFilter('"userId" cannot be combined with connection fields');
    return { userId };
  }
  if (connectionId === undefined)
    throw badFilter('it must name a "userId" or a "connectionId" (an empty filter would end every session)');
  return {
    connectionId,
    ...(subject !== undefined ? { subject } : {}),
    ...(idpSessionId !== undefined ? { idpSessionId } : {}),
  };
}

/**
 * Whether a session matches a filter already checked by {@link checkSessionFilter}.
 *
 * @example
 * ```ts
 * const doomed = sessions.filter((s) => sessionMatches(s, checkSessionFilter(filter)));
 * ```
 */
export function sessionMatches(session: SessionRecord, filter: SessionFilter): boolean {
  if ('userId' in filter) return session.userId === filter.userId;
  return (
    session.connectionId === filter.connectionId &&
    (filter.subject === undefined || session.subject === filter.subject) &&
    (filter.idpSessionId === undefined || session.idpSessionId === filter.idpSessionId)
  );
}

function badFilter(reason: string): TypeError {
  return Object.assign(new TypeError(`Invalid session filter: ${reason}.`), {
    code: 'ERR_INVALID_ARG_VALUE',
  });
}
