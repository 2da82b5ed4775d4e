/**
 * Roles: names unique case-insensitively through a folded column with a unique index, creation order
 * by `seq`, optimistic concurrency on `updatedAt` through a conditional `UPDATE`, and `applyFromFile`
 * in one transaction over the locked rows (again, up to five times, when a concurrent start-up
 * inserted the same names first or the database broke a deadlock).
 *
 * @module
 */
import type { RoleScope } from '@ssokit/core';
import { foldCase } from '@ssokit/core';
import type { CheckedRole, RoleSource, RoleStore, StoredRole } from '@ssokit/storage';
import {
  applyRolePatch,
  checkRole,
  checkRoleFile,
  nextUpdatedAt,
  planIsEmpty,
  planRoleFile,
  roleFileResult,
  sameInstant,
  storageErrors,
} from '@ssokit/storage';
import type { Insertable, Selectable } from 'kysely';
import { isRetryable, uniqueViolation } from './errors.ts';
import type { Db, StoreContext } from './internal/context.ts';
import { chunks, guarded, lockRows, ms } from './internal/context.ts';
import type { RolesTable } from './schema.ts';

type Row = Selectable<RolesTable>;

function fromRow(row: Row): StoredRole {
  return {
    name: row.name,
    scope: row.scope as RoleScope,
    ...(row.organization_id !== null ? { organizationId: row.organization_id } : {}),
    permissions: JSON.parse(row.permissions) as Record<string, string[]>,
    ...(row.description !== null ? { description: row.description } : {}),
    grantedBy: JSON.parse(row.granted_by) as string[],
    source: row.source as RoleSource,
    ...(row.origin !== null ? { origin: row.origin } : {}),
    createdAt: new Date(ms(row.created_at)),
    updatedAt: new Date(ms(row.updated_at)),
  };
}

/** The columns of a role's definition. */
function definitionColumns(role: CheckedRole) {
  return {
    name: role.name,
    name_folded: foldCase(role.name),
    scope: role.scope,
    organization_id: role.organizationId ?? null,
    permissions: JSON.stringify(role.permissions),
    granted_by: JSON.stringify(role.grantedBy),
    description: role.description ?? null,
  };
}

function toRow(
  role: CheckedRole,
  source: RoleSource,
  origin: string | null,
  at: number,
): Insertable<RolesTable> {
  return { ...definitionColumns(role), source, origin, created_at: at, updated_at: at };
}

/** A lookup name: any string (a name no role can have finds nothing). */
function folded(name: string): string {
  if (typeof name !== 'string')
    throw Object.assign(new TypeError('"name" must be a string.'), { code: 'ERR_INVALID_ARG_TYPE' });
  return foldCase(name);
}

/** The role store of `sqlStorage()`. */
export function sqlRoles(ctx: StoreContext): RoleStore {
  const { db, flavor } = ctx;
  const read = async (from: Db, name: string) => {
    const row = await from
      .selectFrom('roles')
      .selectAll()
      .where('name_folded', '=', folded(name))
      .executeTakeFirst();
    return row ? fromRow(row) : null;
  };
  /** A unique-key violation of a name: `roleNameTaken` naming the role that holds it. */
  const nameConflict = async (error: unknown, name: string) => {
    if (uniqueViolation(error) === undefined) return error;
    const holder = await read(db, name);
    return holder ? storageErrors.roleNameTaken(holder) : error;
  };

  return guarded<RoleStore>({
    async list() {
      return (await db.selectFrom('roles').selectAll().orderBy('seq').execute()).map(fromRow);
    },
    get: (name) => read(db, name),
    async create(input) {
      const role = checkRole(input);
      const holder = await read(db, role.name);
      if (holder) throw storageErrors.roleNameTaken(holder);
      const at = ctx.clock();
      try {
        await db
          .insertInto('roles')
          .values(toRow(role, 'api', null, at))
          .execute();
      } catch (error) {
        throw await nameConflict(error, role.name);
      }
      return { ...role, source: 'api', createdAt: new Date(at), updatedAt: new Date(at) };
    },
    async update(name, patch, { expectedUpdatedAt }) {
      const current = await read(db, name);
      if (!current) throw storageErrors.roleNotFound(name);
      if (!sameInstant(current.updatedAt, expectedUpdatedAt)) throw storageErrors.staleRole(current);
      const next = applyRolePatch(current, patch);
      const updatedAt = nextUpdatedAt(current.updatedAt, ctx.clock());
      const { numUpdatedRows } = await db
        .updateTable('roles')
        .set({ ...definitionColumns(next), updated_at: updatedAt.getTime() })
        .where('name_folded', '=', foldCase(current.name))
        .where('updated_at', '=', current.updatedAt.getTime())
        .executeTakeFirst();
      if (numUpdatedRows === 0n) {
        const now = await read(db, name);
        throw now ? storageErrors.staleRole(now) : storageErrors.roleNotFound(name);
      }
      const { source, origin, createdAt } = current;
      return { ...next, source, ...(origin !== undefined ? { origin } : {}), createdAt, updatedAt };
    },
    async delete(name, options = {}) {
      let query = db.deleteFrom('roles').where('name_folded', '=', folded(name));
      if (options.expectedUpdatedAt)
        query = query.where('updated_at', '=', options.expectedUpdatedAt.getTime());
      const { numDeletedRows } = await query.executeTakeFirst();
      if (numDeletedRows > 0n) return true;
      const current = options.expectedUpdatedAt ? await read(db, name) : null;
      if (current) throw storageErrors.staleRole(current);
      return false;
    },
    async applyFromFile(input, givenOrigin) {
      const { roles: file, origin } = checkRoleFile(input, givenOrigin);
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(async (trx) => {
            // Every role, locked: concurrent start-ups apply one after the other, each seeing the last.
            let query = trx.selectFrom('roles').selectAll().orderBy('seq');
            if (lockRows(flavor)) query = query.forUpdate();
            const plan = planRoleFile((await query.execute()).map(fromRow), file, origin);
            if (planIsEmpty(plan)) return roleFileResult(plan);
            const at = ctx.clock();
            for (const slice of chunks(
              plan.remove.map((r) => foldCase(r.name)),
              ctx.batchSize,
            ))
              await trx.deleteFrom('roles').where('name_folded', 'in', slice).execute();
            for (const { current, next } of plan.update)
              await trx
                .updateTable('roles')
                .set({
                  ...definitionColumns(next),
                  origin,
                  updated_at: nextUpdatedAt(current.updatedAt, at).getTime(),
                })
                .where('name_folded', '=', foldCase(current.name))
                .execute();
            // One row per statement, in the file's order, so `seq` follows it.
            for (const role of plan.create)
              await trx
                .insertInto('roles')
                .values(toRow(role, 'file', origin, at))
                .execute();
            return roleFileResult(plan);
          });
        } catch (error) {
          // Another instance inserted a name of the file first, or the database broke a deadlock:
          // the next attempt reads what it committed.
          if (attempt < 5 && (uniqueViolation(error) !== undefined || isRetryable(error))) continue;
          throw error;
        }
      }
    },
  });
}
