/**
 * What expires: login transactions (taken exactly once), the replay cache (first-seen exactly once)
 * and fixed-window counters (atomic upserts). Keys of any length are stored by their SHA-256.
 *
 * @module
 */
import type { CounterStore, ReplayCache, TransactionStore, TransactionValue } from '@ssokit/storage';
import { assertTtl } from '@ssokit/storage';
import { sql } from 'kysely';
import type { StoreContext } from './internal/context.ts';
import { guarded, inTransaction, ms, sha256 } from './internal/context.ts';

type ExpiringName = 'transactions' | 'replay' | 'counters' | 'sessions';

/**
 * A function that, at most once per `sweepIntervalMs`, deletes the expired rows of `table`, so that
 * abandoned logins and old sessions do not pile up.
 */
export function sweeper(ctx: StoreContext & { sweepIntervalMs: number }, table: ExpiringName) {
  let nextAt = 0;
  return async (): Promise<void> => {
    const at = ctx.clock();
    if (at < nextAt) return;
    nextAt = at + ctx.sweepIntervalMs;
    if (table === 'sessions') {
      await ctx.db
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', at), eb('idle_expires_at', '<=', at)]))
        .execute();
    } else {
      await ctx.db.deleteFrom(table).where('expires_at', '<=', at).execute();
    }
  };
}

/** The transaction store of `sqlStorage()`. */
export function sqlTransactions(ctx: StoreContext & { sweepIntervalMs: number }): TransactionStore {
  const { db, flavor } = ctx;
  const sweep = sweeper(ctx, 'transactions');
  return guarded<TransactionStore>({
    async put(key, value: TransactionValue, ttlMs) {
      assertTtl(ttlMs);
      await sweep();
      const row = { key_hash: sha256(key), value: JSON.stringify(value), expires_at: ctx.clock() + ttlMs };
      const insert = db.insertInto('transactions').values(row);
      const update = { value: row.value, expires_at: row.expires_at };
      await (flavor === 'mysql'
        ? insert.onDuplicateKeyUpdate(update)
        : insert.onConflict((oc) => oc.column('key_hash').doUpdateSet(update))
      ).execute();
    },
    async take(key) {
      const keyHash = sha256(key);
      const row = await db
        .selectFrom('transactions')
        .select(['value', 'expires_at'])
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      if (!row) return null;
      // Of concurrent takers, only the one whose delete removed the row gets the value.
      const { numDeletedRows } = await db
        .deleteFrom('transactions')
        .where('key_hash', '=', keyHash)
        .where('expires_at', '=', ms(row.expires_at))
        .executeTakeFirst();
      if (numDeletedRows !== 1n || ms(row.expires_at) <= ctx.clock()) return null;
      return JSON.parse(row.value) as TransactionValue;
    },
  });
}

/** The replay cache of `sqlStorage()`. */
export function sqlReplay(ctx: StoreContext & { sweepIntervalMs: number }): ReplayCache {
  const { db, flavor } = ctx;
  const sweep = sweeper(ctx, 'replay');
  return guarded<ReplayCache>({
    async firstSeen(key, ttlMs) {
      assertTtl(ttlMs);
      await sweep();
      const keyHash = sha256(key);
      const at = ctx.clock();
      const insert = db.insertInto('replay').values({ key_hash: keyHash, expires_at: at + ttlMs });
      const inserted = await (flavor === 'postgres'
        ? insert.onConflict((oc) => oc.doNothing())
        : insert.ignore()
      ).executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 1n) return true;
      // Seen before: first-seen again only if that entry expired, and only for one concurrent caller.
      const { numUpdatedRows } = await db
        .updateTable('replay')
        .set({ expires_at: at + ttlMs })
        .where('key_hash', '=', keyHash)
        .where('expires_at', '<=', at)
        .executeTakeFirst();
      return numUpdatedRows === 1n;
    },
  });
}

/** The counters of `sqlStorage()`. */
export function sqlCounters(ctx: StoreContext & { sweepIntervalMs: number }): CounterStore {
  const { db, flavor } = ctx;
  const sweep = sweeper(ctx, 'counters');
  return guarded<CounterStore>({
    async hit(key, windowMs) {
      assertTtl(windowMs);
      await sweep();
      const keyHash = sha256(key);
      const at = ctx.clock();
      const insert = db
        .insertInto('counters')
        .values({ key_hash: keyHash, hits: 1, expires_at: at + windowMs });
      if (flavor === 'mysql') {
        return inTransaction(ctx, async (trx) => {
          // MySQL assigns left to right: `hits` is set while `expires_at` still holds the old window.
          await trx
            .insertInto('counters')
            .values({ key_hash: keyHash, hits: 1, expires_at: at + windowMs })
            .onDuplicateKeyUpdate({
              hits: sql<number>`if(${sql.ref('expires_at')} <= ${at}, 1, ${sql.ref('hits')} + 1)`,
              expires_at: sql<number>`if(${sql.ref('expires_at')} <= ${at}, ${at + windowMs}, ${sql.ref('expires_at')})`,
            })
            .execute();
          const row = await trx
            .selectFrom('counters')
            .select('hits')
            .where('key_hash', '=', keyHash)
            .executeTakeFirstOrThrow();
          return ms(row.hits);
        });
      }
      const expired = sql<boolean>`${sql.ref('counters.expires_at')} <= ${at}`;
      const row = await insert
        .onConflict((oc) =>
          oc.column('key_hash').doUpdateSet({
            hits: sql<number>`case when ${expired} then 1 else ${sql.ref('counters.hits')} + 1 end`,
            expires_at: sql<number>`case when ${expired} then ${at + windowMs} else ${sql.ref('counters.expires_at')} end`,
          }),
        )
        .returning('hits')
        .executeTakeFirstOrThrow();
      return ms(row.hits);
    },
  });
}
