/**
 * The session store of `redisStorage()`. A session is a hash that expires at the earlier of its
 * absolute and idle expiry; index sets (by user, connection, subject, IdP session) find the sessions a
 * filter names. Every write is one Lua script, so a session and its index entries change together.
 *
 * @module
 */
import type { SessionFilter, SessionRecord, SessionStore, TransactionValue } from '@ssokit/storage';
import { checkSessionFilter, storageErrors } from '@ssokit/storage';
import { guard } from './errors.ts';
import { indexSuffix, indexSuffixesOf, type keyspace } from './keys.ts';
import { type RedisClient, runScript, scripts } from './scripts.ts';

/** What is stored in the `r` field: the record without its two expiries (fields of their own). */
interface StoredRecord {
  id: string;
  userId: string;
  connectionId: string;
  subject: string;
  idpSessionId?: string;
  data: TransactionValue;
  createdAt: number;
}

function encode(session: SessionRecord): string {
  const stored: StoredRecord = {
    id: session.id,
    userId: session.userId,
    connectionId: session.connectionId,
    subject: session.subject,
    ...(session.idpSessionId !== undefined ? { idpSessionId: session.idpSessionId } : {}),
    data: session.data,
    createdAt: session.createdAt.getTime(),
  };
  return JSON.stringify(stored);
}

function decode(json: string, exp: string, idle: string): SessionRecord {
  const { createdAt, ...rest } = JSON.parse(json) as StoredRecord;
  return {
    ...rest,
    createdAt: new Date(createdAt),
    expiresAt: new Date(Number(exp)),
    idleExpiresAt: new Date(Number(idle)),
  };
}

/** The index sets a filter reads (one, or two to intersect), each with the session field naming it. */
function indexesOf(filter: SessionFilter): Array<[field: string, suffix: string]> {
  if ('userId' in filter) return [['iu', indexSuffix.user(filter.userId)]];
  const { connectionId, subject, idpSessionId } = filter;
  const sets: Array<[string, string]> = [];
  if (subject !== undefined) sets.push(['ics', indexSuffix.subject(connectionId, subject)]);
  if (idpSessionId !== undefined) sets.push(['ici', indexSuffix.idpSession(connectionId, idpSessionId)]);
  return sets.length > 0 ? sets : [['ic', indexSuffix.connection(connectionId)]];
}

function checkInstant(value: unknown, name: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw Object.assign(new TypeError(`"${name}" must be a valid Date. Received ${String(value)}.`), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
  return ms;
}

/**
 * The session store over `redis`, with the keys of `keys`.
 *
 * @example
 * ```ts
 * const sessions = redisSessions(redis, keyspace('ssokit:'));
 * await sessions.create(record);
 * ```
 */
export function redisSessions(redis: RedisClient, keys: ReturnType<typeof keyspace>): SessionStore {
  const base = [keys.base];
  const find = async (filter: SessionFilter, mode: 'revoke' | 'list', action: string) => {
    const checked = checkSessionFilter(filter);
    const args = [mode, ...indexesOf(checked).flat(), Date.now()];
    return guard(action, () => runScript(redis, scripts.findSessions, base, args));
  };
  return {
    async create(session) {
      const exp = checkInstant(session.expiresAt, 'session.expiresAt');
      const idle = checkInstant(session.idleExpiresAt, 'session.idleExpiresAt');
      checkInstant(session.createdAt, 'session.createdAt');
      const ix = indexSuffixesOf(session);
      const args = [session.id, encode(session), exp, idle, ix.iu, ix.ic, ix.ics, ix.ici ?? '', Date.now()];
      const created = await guard('creating a session', () =>
        runScript(redis, scripts.createSession, base, args),
      );
      if (created === 0) throw storageErrors.idTaken('session', session.id);
    },

    async get(id) {
      const [json, exp, idle] = await guard('reading a session', () =>
        redis.hmget(keys.session(id), 'r', 'exp', 'idle'),
      );
      if (!json || !exp || !idle) return null;
      // The key expires at the earlier expiry; this check covers the milliseconds Redis has not yet.
      const at = Date.now();
      if (Number(exp) <= at || Number(idle) <= at) return null;
      return decode(json, exp, idle);
    },

    async touch(id, idleExpiresAt) {
      const idle = checkInstant(idleExpiresAt, 'idleExpiresAt');
      const touched = await guard('extending a session', () =>
        runScript(redis, scripts.touchSession, base, [id, idle, Date.now()]),
      );
      return touched === 1;
    },

    async delete(id) {
      const deleted = await guard('ending a session', () =>
        runScript(redis, scripts.deleteSession, base, [id, Date.now()]),
      );
      return deleted === 1;
    },

    async revoke(filter) {
      return (await find(filter, 'revoke', 'revoking sessions')) as number;
    },

    async list(filter) {
      const flat = (await find(filter, 'list', 'listing sessions')) as string[];
      const found: SessionRecord[] = [];
      for (let i = 0; i + 2 < flat.length; i += 3)
        found.push(decode(flat[i] as string, flat[i + 1] as string, flat[i + 2] as string));
      // Oldest first; the id breaks ties, since a set has no order.
      return found.sort(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
    },
  };
}
