/**
 * Groups and memberships. Look-ups by many names (a login with thousands of groups) go in chunks of
 * `batchSize` values per `IN (...)` list; case-insensitive matching uses folded columns.
 *
 * @module
 */
import type { Group, Membership, MembershipSource } from '@ssokit/core';
import { foldCase } from '@ssokit/core';
import type { GroupStore, MembershipStore, NewGroup } from '@ssokit/storage';
import { storageErrors } from '@ssokit/storage';
import { type Selectable, sql } from 'kysely';
import { uniqueViolation } from './errors.ts';
import type { Db, StoreContext } from './internal/context.ts';
import {
  checkOptionalText,
  checkText,
  chunks,
  guarded,
  inTransaction,
  ms,
  orIgnore,
} from './internal/context.ts';
import type { GroupsTable, MembershipsTable } from './schema.ts';
import { sqlStorageLimits as L } from './schema.ts';

function groupFromRow(row: Selectable<GroupsTable>): Group {
  return { id: row.id, name: row.name, ...(row.external_id !== null ? { externalId: row.external_id } : {}) };
}

function membershipFromRow(row: Selectable<MembershipsTable>): Membership {
  return {
    userId: row.user_id,
    groupId: row.group_id,
    source: row.source as MembershipSource,
    createdAt: new Date(ms(row.created_at)),
  };
}

/**
 * The groups whose name, external id or id is one of `values`: on PostgreSQL in one statement with
 * the values as one array parameter (`= any($1)`, one plan whatever their number), elsewhere in chunks
 * of `batchSize` per `IN (...)` list.
 */
export async function findGroups(
  ctx: StoreContext,
  query: Parameters<GroupStore['find']>[0],
): Promise<Group[]> {
  const column = query.matchBy === 'name' ? 'name' : query.matchBy === 'id' ? 'id' : 'external_id';
  // Ids match exactly; names and external ids by their folded column when asked.
  const folded = query.caseInsensitive && column !== 'id';
  const wanted = [...new Set(folded ? query.values.map(foldCase) : query.values)];
  if (wanted.length === 0) return [];
  const target = folded ? (`${column}_folded` as 'name_folded') : column;
  if (ctx.flavor === 'postgres') {
    const rows = await ctx.db
      .selectFrom('groups')
      .selectAll()
      .where(sql<boolean>`${sql.ref(target)} = any(${wanted}::text[])`)
      .orderBy('seq')
      .execute();
    return rows.map(groupFromRow);
  }
  const found: Group[] = [];
  for (const slice of chunks(wanted, ctx.batchSize)) {
    const rows = await ctx.db
      .selectFrom('groups')
      .selectAll()
      .where(target, 'in', slice)
      .orderBy('seq')
      .execute();
    found.push(...rows.map(groupFromRow));
  }
  return found;
}

/** The memberships of a user. */
export async function membershipsOf(db: Db, userId: string): Promise<Membership[]> {
  const rows = await db
    .selectFrom('memberships')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map(membershipFromRow);
}

/** The group store of `sqlStorage()`. */
export function sqlGroups(ctx: StoreContext): GroupStore {
  const { db } = ctx;
  return guarded<GroupStore>({
    async list() {
      return (await db.selectFrom('groups').selectAll().orderBy('seq').execute()).map(groupFromRow);
    },
    async get(id) {
      const row = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? groupFromRow(row) : null;
    },
    async create(input: NewGroup) {
      const id = input.id === undefined ? crypto.randomUUID() : checkText(input.id, L.id, 'input.id');
      const name = checkText(input?.name, L.name, 'input.name');
      const externalId = checkOptionalText(input.externalId, L.name, 'input.externalId');
      try {
        await db
          .insertInto('groups')
          .values({
            id,
            name,
            name_folded: foldCase(name),
            external_id: externalId ?? null,
            external_id_folded: externalId === undefined ? null : foldCase(externalId),
          })
          .execute();
      } catch (error) {
        throw uniqueViolation(error) === undefined ? error : storageErrors.idTaken('group', id);
      }
      return { ...structuredClone(input), id } as Group;
    },
    async delete(id) {
      return inTransaction(ctx, async (trx) => {
        await trx.deleteFrom('memberships').where('group_id', '=', id).execute();
        const { numDeletedRows } = await trx.deleteFrom('groups').where('id', '=', id).executeTakeFirst();
        return numDeletedRows > 0n;
      });
    },
    find: (query) => findGroups(ctx, query),
  });
}

/** The membership store of `sqlStorage()`. */
export function sqlMemberships(ctx: StoreContext): MembershipStore {
  const { db } = ctx;
  const key = (from: Db, k: { userId: string; groupId: string; source: string }) =>
    from
      .selectFrom('memberships')
      .selectAll()
      .where('user_id', '=', k.userId)
      .where('group_id', '=', k.groupId)
      .where('source', '=', k.source);
  return guarded<MembershipStore>({
    listForUser: (userId) => membershipsOf(db, userId),
    async listForGroup(groupId) {
      const rows = await db
        .selectFrom('memberships')
        .selectAll()
        .where('group_id', '=', groupId)
        .orderBy('created_at')
        .execute();
      return rows.map(membershipFromRow);
    },
    async add(k) {
      checkText(k?.source, L.source, 'key.source');
      return inTransaction(ctx, async (trx) => {
        const user = await trx.selectFrom('users').select('id').where('id', '=', k.userId).executeTakeFirst();
        const group = await trx
          .selectFrom('groups')
          .select('id')
          .where('id', '=', k.groupId)
          .executeTakeFirst();
        if (!user || !group) throw storageErrors.missing('A membership needs an existing user and group.');
        await orIgnore(
          ctx.flavor,
          trx.insertInto('memberships').values({
            user_id: k.userId,
            group_id: k.groupId,
            source: k.source,
            created_at: ctx.clock(),
          }),
        ).execute();
        const row = await key(trx, k).executeTakeFirstOrThrow();
        return membershipFromRow(row);
      });
    },
    async remove(k) {
      const { numDeletedRows } = await db
        .deleteFrom('memberships')
        .where('user_id', '=', k.userId)
        .where('group_id', '=', k.groupId)
        .where('source', '=', k.source)
        .executeTakeFirst();
      return numDeletedRows > 0n;
    },
  });
}
