/**
 * The session store of `redisStorage()`. A session is a hash that expires at the earlier of its
 * absolute and idle expiry; index keys (sorted sets by user, connection, subject, IdP session, scored by
 * each session's expiry) find the sessions a filter names. Every write to a session is one Lua script,
 * so a session and its index entries change together; `revoke` and `list` run one script per page of
 * at most {@link sessionPage} index members, so none of them holds Redis for long however many sessions
 * a filter names.
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

/**
 * The most index members one `revoke` or `list` script reads (and sessions it ends): the bound on the
 * time one such script holds Redis.
 */
export const sessionPage = 1000;

/**
 * The index keys a filter names, each with the session field naming it. The first is the one read; a
 * session found there must also be in the others (a subject and an IdP session: the IdP session's
 * index, the smaller one, is read).
 */
function indexesOf(filter: SessionFilter): Array<[field: string, suffix: string]> {
  if ('userId' in filter) return [['iu', indexSuffix.user(filter.userId)]];
  const { connectionId, subject, idpSessionId } = filter;
  const sets: Array<[string, string]> = [];
  if (idpSessionId !== undefined) sets.push(['ici', indexSuffix.idpSession(connectionId, idpSessionId)]);
  if (subject !== undefined) sets.push(['ics', indexSuffix.subject(connectionId, subject)]);
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
  /**
   * Reads the index a filter names page by page, one script each, until a page ends the set; `onPage`
   * gets each page's reply after the cursor and counts (the sessions, for a list).
   */
  const find = async (
    filter: SessionFilter,
    mode: 'revoke' | 'list',
    action: string,
    onPage: (found: number, records: string[]) => void,
  ) => {
    const indexes = indexesOf(checkSessionFilter(filter)).flat();
    let cursor: [score: string, id: string] = ['', ''];
    do {
      const args = [mode, sessionPage, ...cursor, ...indexes, Date.now()];
      const reply = (await guard(action, () => runScript(redis, scripts.findSessions, base, args))) as [
        string,
        string,
        number,
        number,
        ...string[],
      ];
      cursor = [reply[0], reply[1]];
      onPage(reply[3], reply.slice(4) as string[]);
    } while (cursor[0] !== '');
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

    // Page by page: a revoke that fails midway has ended some of the sessions; calling it again ends the
    // rest (it counts only those it ends itself).
    async revoke(filter) {
      let ended = 0;
      await find(filter, 'revoke', 'revoking sessions', (found) => {
        ended += found;
      });
      return ended;
    },

    async list(filter) {
      // By id: a session touched between two pages moves forward in the index and can be read twice.
      const byId = new Map<string, SessionRecord>();
      await find(filter, 'list', 'listing sessions', (_, flat) => {
        for (let i = 0; i + 2 < flat.length; i += 3) {
          const session = decode(flat[i] as string, flat[i + 1] as string, flat[i + 2] as string);
          byId.set(session.id, session);
        }
      });
      // Oldest first; the id breaks ties.
      return [...byId.values()].sort(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
    },
  };
}
