/**
 * Connections: names unique case-insensitively through a folded column with a unique index, and
 * optimistic concurrency on `updatedAt` through a conditional `UPDATE`.
 *
 * @module
 */
import type { Connection } from '@ssokit/core';
import { foldCase } from '@ssokit/core';
import type { ConnectionPatch, ConnectionStore, NewConnection } from '@ssokit/storage';
import { connectionPatchFields, nextUpdatedAt, sameInstant, storageErrors } from '@ssokit/storage';
import type { Selectable } from 'kysely';
import { uniqueViolation } from './errors.ts';
import type { StoreContext } from './internal/context.ts';
import { checkText, guarded, ms } from './internal/context.ts';
import type { ConnectionsTable } from './schema.ts';
import { sqlStorageLimits as L } from './schema.ts';

type Row = Selectable<ConnectionsTable>;

function fromRow(row: Row): Connection {
  return {
    ...(JSON.parse(row.data) as object),
    id: row.id,
    name: row.name,
    protocol: row.protocol,
    createdAt: new Date(ms(row.created_at)),
    updatedAt: new Date(ms(row.updated_at)),
  } as Connection;
}

/** Everything but the columns of their own, as JSON. */
function dataOf(record: Record<string, unknown>): string {
  const { id: _i, name: _n, createdAt: _c, updatedAt: _u, ...rest } = record;
  return JSON.stringify(rest);
}

/** The error of a unique-key violation on a connection write. */
function conflictOf(error: unknown, name: string, id: string): unknown {
  const key = uniqueViolation(error);
  if (key === undefined) return error;
  return key.includes('name_folded')
    ? storageErrors.connectionNameTaken(name)
    : storageErrors.idTaken('connection', id);
}

/** The connection store of `sqlStorage()`. */
export function sqlConnections(ctx: StoreContext): ConnectionStore {
  const { db } = ctx;
  const select = () => db.selectFrom('connections').selectAll();
  const read = async (id: string) => {
    const row = await select().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  };
  return guarded<ConnectionStore>({
    async list() {
      return (await select().orderBy('seq').execute()).map(fromRow);
    },
    get: read,
    async findByName(name) {
      const row = await select().where('name_folded', '=', foldCase(name)).executeTakeFirst();
      return row ? fromRow(row) : null;
    },
    async create(input: NewConnection) {
      const name = checkText(input?.name, L.name, 'input.name');
      const id = input.id === undefined ? crypto.randomUUID() : checkText(input.id, L.id, 'input.id');
      const at = ctx.clock();
      try {
        await db
          .insertInto('connections')
          .values({
            id,
            name,
            name_folded: foldCase(name),
            protocol: input.protocol,
            data: dataOf(input as unknown as Record<string, unknown>),
            created_at: at,
            updated_at: at,
          })
          .execute();
      } catch (error) {
        throw conflictOf(error, name, id);
      }
      return {
        ...structuredClone(input),
        id,
        createdAt: new Date(at),
        updatedAt: new Date(at),
      } as Connection;
    },
    async update(id, patch: ConnectionPatch, { expectedUpdatedAt }) {
      const current = await read(id);
      if (!current) throw storageErrors.connectionNotFound(id);
      if (!sameInstant(current.updatedAt, expectedUpdatedAt)) throw storageErrors.staleConnection(current);
      if (patch.name !== undefined) checkText(patch.name, L.name, 'patch.name');
      const record = {
        ...current,
        ...structuredClone(connectionPatchFields(patch)),
        updatedAt: nextUpdatedAt(current.updatedAt, ctx.clock()),
      } as Connection;
      let changed: bigint;
      try {
        const result = await db
          .updateTable('connections')
          .set({
            name: record.name,
            name_folded: foldCase(record.name),
            data: dataOf(record as unknown as Record<string, unknown>),
            updated_at: record.updatedAt.getTime(),
          })
          .where('id', '=', id)
          .where('updated_at', '=', current.updatedAt.getTime())
          .executeTakeFirst();
        changed = result.numUpdatedRows;
      } catch (error) {
        throw conflictOf(error, record.name, id);
      }
      if (changed === 0n) {
        const now = await read(id);
        if (!now) throw storageErrors.connectionNotFound(id);
        throw storageErrors.staleConnection(now);
      }
      return record;
    },
    async delete(id, options = {}) {
      let query = db.deleteFrom('connections').where('id', '=', id);
      if (options.expectedUpdatedAt)
        query = query.where('updated_at', '=', options.expectedUpdatedAt.getTime());
      const { numDeletedRows } = await query.executeTakeFirst();
      if (numDeletedRows > 0n) return true;
      const current = options.expectedUpdatedAt ? await read(id) : null;
      if (current) throw storageErrors.staleConnection(current);
      return false;
    },
  });
}
