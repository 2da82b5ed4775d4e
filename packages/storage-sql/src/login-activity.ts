/**
 * Login activity: one row per recorded login. Each write, in one transaction, deletes its
 * connection's rows of that outcome past the retention (all but the `maxEntries - 1` newest, and those
 * past their age limit) and inserts its own; a sweeper deletes aged rows of every connection at
 * most once per `sweepIntervalMs`. Reads skip aged rows, swept or not.
 *
 * @module
 */
import type { LoginActivityEntry, LoginActivityStore, LoginOutcome } from '@ssokit/storage';
import { checkLoginActivity, checkLoginActivityQuery, checkLoginActivityRetention } from '@ssokit/storage';
import type { Selectable, Transaction } from 'kysely';
import { isRetryable } from './errors.ts';
import type { StoreContext } from './internal/context.ts';
import { chunks, guarded, ms } from './internal/context.ts';
import type { LoginActivityTable, SqlStorageDatabase } from './schema.ts';

type Row = Pick<Selectable<LoginActivityTable>, 'connection_id' | 'outcome' | 'at' | 'data'>;

function fromRow(row: Row): LoginActivityEntry {
  const data = JSON.parse(row.data) as Record<string, unknown>;
  return {
    ...data,
    connectionId: row.connection_id,
    at: new Date(ms(row.at)),
    outcome: row.outcome as LoginOutcome,
  } as LoginActivityEntry;
}

/** The login activity of `sqlStorage()`. */
export function sqlLoginActivity(ctx: StoreContext & { sweepIntervalMs: number }): LoginActivityStore {
  const { db } = ctx;
  let nextSweepAt = 0;
  const sweep = async (now: number) => {
    if (now < nextSweepAt) return;
    nextSweepAt = now + ctx.sweepIntervalMs;
    try {
      await db.deleteFrom('login_activity').where('expires_at', '<=', now).execute();
    } catch (error) {
      // Chosen as a deadlock's victim: the rows stay unread until the next sweep takes them.
      if (!isRetryable(error)) throw error;
    }
  };
  return guarded<LoginActivityStore>({
    async record(entry, retention) {
      const clean = checkLoginActivity(entry);
      const { maxEntries, maxAgeMs } = checkLoginActivityRetention(retention);
      const now = ctx.clock();
      const expiresAt = clean.at.getTime() + maxAgeMs;
      if (expiresAt <= now) return;
      await sweep(now);
      const { connectionId, at, outcome, ...rest } = clean;
      const row = {
        connection_id: connectionId,
        outcome,
        at: at.getTime(),
        expires_at: expiresAt,
        data: JSON.stringify(rest),
      };
      const work = async (trx: Transaction<SqlStorageDatabase>) => {
        // Which rows go: all but the maxEntries - 1 newest of this connection and outcome, and those
        // past their age limit, read without locks; then deleted by primary key, in ascending order.
        // A DELETE scanning the connection's range would lock (and wait on) every row it examines,
        // other records' uncommitted inserts included, and InnoDB would then deadlock concurrent
        // records of one connection; by key, two records only ever wait on the same old rows, in
        // the same order.
        const past = trx
          .selectFrom('login_activity')
          .select('seq')
          .where('connection_id', '=', connectionId)
          .where('outcome', '=', outcome)
          .orderBy('seq', 'desc')
          .limit(1)
          .offset(maxEntries - 1);
        const doomed = await trx
          .selectFrom('login_activity')
          .select('seq')
          .where('connection_id', '=', connectionId)
          .where('outcome', '=', outcome)
          .where((eb) => eb.or([eb('expires_at', '<=', now), eb('seq', '<=', past)]))
          .orderBy('seq', 'asc')
          .execute();
        const seqs = doomed.map((d) => d.seq);
        for (const slice of chunks(seqs, ctx.batchSize))
          await trx.deleteFrom('login_activity').where('seq', 'in', slice).execute();
        await trx.insertInto('login_activity').values(row).execute();
      };
      // A deadlock the database broke anyway (a sweep, another app's lock) is tried again, twice.
      for (let attempt = 1; ; attempt++) {
        try {
          await db.transaction().execute(work);
          return;
        } catch (error) {
          if (attempt < 3 && isRetryable(error)) continue;
          throw error;
        }
      }
    },
    async list(connectionId, options) {
      const { outcome, limit } = checkLoginActivityQuery(connectionId, options);
      const rows = await db
        .selectFrom('login_activity')
        .select(['connection_id', 'outcome', 'at', 'data'])
        .where('connection_id', '=', connectionId)
        .where('outcome', '=', outcome)
        .where('expires_at', '>', ctx.clock())
        .orderBy('seq', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },
  });
}
