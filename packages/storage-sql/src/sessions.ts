/**
 * Server-side sessions: one row per session, with indexes for every revocation filter (user;
 * connection and subject; connection and IdP session). Every read filters out rows past either
 * expiry, so an expired session is gone whether or not it was swept.
 *
 * @module
 */
import type { SessionFilter, SessionRecord, SessionStore, TransactionValue } from '@ssokit/storage';
import { checkSessionFilter, storageErrors } from '@ssokit/storage';
import type { ExpressionBuilder, Selectable } from 'kysely';
import { uniqueViolation } from './errors.ts';
import { sweeper } from './expiring.ts';
import type { StoreContext } from './internal/context.ts';
import { checkText, guarded, ms, sha256 } from './internal/context.ts';
import type { SessionsTable, SqlStorageDatabase } from './schema.ts';
import { sqlStorageLimits as L } from './schema.ts';

function fromRow(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    connectionId: row.connection_id,
    subject: row.subject,
    ...(row.idp_session_id !== null ? { idpSessionId: row.idp_session_id } : {}),
    data: JSON.parse(row.data) as TransactionValue,
    createdAt: new Date(ms(row.created_at)),
    expiresAt: new Date(ms(row.expires_at)),
    idleExpiresAt: new Date(ms(row.idle_expires_at)),
  };
}

const dateOf = (value: unknown, path: string): number => {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw Object.assign(new TypeError(`"${path}" must be a valid Date.`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  return value.getTime();
};

/** The session store of `sqlStorage()`. */
export function sqlSessions(ctx: StoreContext & { sweepIntervalMs: number }): SessionStore {
  const { db } = ctx;
  const sweep = sweeper(ctx, 'sessions');
  const alive = (at: number) => (eb: ExpressionBuilder<SqlStorageDatabase, 'sessions'>) =>
    eb.and([eb('expires_at', '>', at), eb('idle_expires_at', '>', at)]);
  const matching = (filter: SessionFilter) => (eb: ExpressionBuilder<SqlStorageDatabase, 'sessions'>) => {
    if ('userId' in filter) return eb('user_id', '=', filter.userId);
    const terms = [eb('connection_id', '=', filter.connectionId)];
    if (filter.subject !== undefined) terms.push(eb('subject_hash', '=', sha256(filter.subject)));
    if (filter.idpSessionId !== undefined)
      terms.push(eb('idp_session_hash', '=', sha256(filter.idpSessionId)));
    return eb.and(terms);
  };
  const insert = (session: SessionRecord) =>
    db
      .insertInto('sessions')
      .values({
        id: checkText(session.id, L.id, 'session.id'),
        user_id: checkText(session.userId, L.id, 'session.userId'),
        connection_id: checkText(session.connectionId, L.id, 'session.connectionId'),
        subject: session.subject,
        subject_hash: sha256(checkText(session.subject, Number.MAX_SAFE_INTEGER, 'session.subject')),
        idp_session_id: session.idpSessionId ?? null,
        idp_session_hash: session.idpSessionId === undefined ? null : sha256(session.idpSessionId),
        data: JSON.stringify(session.data),
        created_at: dateOf(session.createdAt, 'session.createdAt'),
        expires_at: dateOf(session.expiresAt, 'session.expiresAt'),
        idle_expires_at: dateOf(session.idleExpiresAt, 'session.idleExpiresAt'),
      })
      .execute();

  return guarded<SessionStore>({
    async create(session) {
      await sweep();
      try {
        await insert(session);
      } catch (error) {
        if (uniqueViolation(error) === undefined) throw error;
        // The id is taken: by a live session (a conflict), or by an expired one not yet swept.
        const at = ctx.clock();
        const { numDeletedRows } = await db
          .deleteFrom('sessions')
          .where('id', '=', session.id)
          .where((eb) => eb.not(alive(at)(eb)))
          .executeTakeFirst();
        if (numDeletedRows !== 1n) throw storageErrors.idTaken('session', session.id);
        try {
          await insert(session);
        } catch (again) {
          throw uniqueViolation(again) === undefined ? again : storageErrors.idTaken('session', session.id);
        }
      }
    },
    async get(id) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', id)
        .where(alive(ctx.clock()))
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },
    async touch(id, idleExpiresAt) {
      const wanted = dateOf(idleExpiresAt, 'idleExpiresAt');
      const at = ctx.clock();
      const { numUpdatedRows } = await db
        .updateTable('sessions')
        .set((eb) => ({
          idle_expires_at: eb
            .case()
            .when('expires_at', '<', wanted)
            .then(eb.ref('expires_at'))
            .else(wanted)
            .end(),
        }))
        .where('id', '=', id)
        .where(alive(at))
        .executeTakeFirst();
      if (numUpdatedRows > 0n) return true;
      // MySQL counts only rows it changed: a touch that moved nothing still found a live session.
      const row = await db
        .selectFrom('sessions')
        .select('id')
        .where('id', '=', id)
        .where(alive(at))
        .executeTakeFirst();
      return row !== undefined;
    },
    async delete(id) {
      const { numDeletedRows } = await db
        .deleteFrom('sessions')
        .where('id', '=', id)
        .where(alive(ctx.clock()))
        .executeTakeFirst();
      return numDeletedRows > 0n;
    },
    async revoke(filter) {
      const checked = checkSessionFilter(filter);
      const { numDeletedRows } = await db
        .deleteFrom('sessions')
        .where(matching(checked))
        .where(alive(ctx.clock()))
        .executeTakeFirst();
      return Number(numDeletedRows);
    },
    async list(filter) {
      const checked = checkSessionFilter(filter);
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where(matching(checked))
        .where(alive(ctx.clock()))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },
  });
}
