/**
 * The key layout of `redisStorage()`. Every key is `<keyPrefix>{ssokit}:<family>:<rest>`:
 *
 * | key | type | holds | expires |
 * | --- | --- | --- | --- |
 * | `tx:<key>` | string | a login transaction (JSON) | its TTL |
 * | `replay:<key>` | string | `1` | its TTL |
 * | `ctr:<key>` | string | the hits of the current window | the window's end |
 * | `sess:<id>` | hash | a session (`r`: JSON, `exp`, `idle`: ms, `iu` `ic` `ics` `ici`: its index keys) | the earlier of its two expiries |
 * | `idx:u:<n>:<userId>` | sorted set | session ids of a user, scored by each session's expiry (ms) | with its latest-ending member |
 * | `idx:c:<n>:<connectionId>` | sorted set | session ids of a connection, idem | idem |
 * | `idx:cs:<n>:<connectionId>:<n>:<subject>` | sorted set | session ids of a subject at a connection, idem | idem |
 * | `idx:ci:<n>:<connectionId>:<n>:<idpSessionId>` | sorted set | session ids of an IdP session, idem | idem |
 * | `act:<outcome>:<connectionId>` | list | login activity of a connection (`failed` or `succeeded`), newest first, at most `maxEntries` JSON entries | with its longest-living entry |
 *
 * A member's score is its session's current expiry, the earlier of idle and absolute: readers take only
 * the members scored after now, and each write to an index first drops the members scored before it.
 *
 * The parts of an index key are length-prefixed (`<n>` is the part's length), so ids containing `:` cannot
 * collide. `{ssokit}` is a Redis Cluster hash tag: every key of a store hashes to one slot, which lets
 * one Lua script touch a session and its index keys.
 *
 * @module
 */

/** The hash tag every key carries. */
export const hashTag = '{ssokit}';

/** Length-prefixes each part, so `("a:b", "c")` and `("a", "b:c")` give different keys. */
const parts = (...values: string[]) => values.map((v) => `${v.length}:${v}`).join(':');

/** Builds the keys of one store. */
export function keyspace(keyPrefix: string) {
  const base = `${keyPrefix}${hashTag}:`;
  return {
    /** The prefix of every key, and the first key of every session script (scripts build the rest from it). */
    base,
    transaction: (key: string) => `${base}tx:${key}`,
    replay: (key: string) => `${base}replay:${key}`,
    counter: (key: string) => `${base}ctr:${key}`,
    session: (id: string) => `${base}sess:${id}`,
    loginActivity: (outcome: 'failed' | 'succeeded', connectionId: string) =>
      `${base}act:${outcome}:${connectionId}`,
  };
}

/** The index keys of a session, relative to `base` (a session script prepends it). */
export interface IndexSuffixes {
  /** By user. */
  iu: string;
  /** By connection. */
  ic: string;
  /** By connection and subject. */
  ics: string;
  /** By connection and IdP session id, when the session has one. */
  ici?: string;
}

/** The index keys, relative to `base`, of a user, a connection, a subject or an IdP session. */
export const indexSuffix = {
  user: (userId: string) => `idx:u:${parts(userId)}`,
  connection: (connectionId: string) => `idx:c:${parts(connectionId)}`,
  subject: (connectionId: string, subject: string) => `idx:cs:${parts(connectionId, subject)}`,
  idpSession: (connectionId: string, idpSessionId: string) => `idx:ci:${parts(connectionId, idpSessionId)}`,
};

/** The index keys a session belongs to. */
export function indexSuffixesOf(session: {
  userId: string;
  connectionId: string;
  subject: string;
  idpSessionId?: string | undefined;
}): IndexSuffixes {
  return {
    iu: indexSuffix.user(session.userId),
    ic: indexSuffix.connection(session.connectionId),
    ics: indexSuffix.subject(session.connectionId, session.subject),
    ...(session.idpSessionId !== undefined
      ? { ici: indexSuffix.idpSession(session.connectionId, session.idpSessionId) }
      : {}),
  };
}
