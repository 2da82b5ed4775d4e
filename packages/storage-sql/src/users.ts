/**
 * Users and their linked identities. Email ownership (core's `ownsEmail`) is a nullable column
 * holding the folded address only while the user owns it, under a unique index: NULLs never collide,
 * so unverified holders neither own nor block an address. Identities are keyed by the SHA-256 of
 * `(issuer, subject)`, which may be of any length.
 *
 * @module
 */
import type { IdentityKey, LinkedIdentity, User } from '@ssokit/core';
import { foldCase, ownsEmail } from '@ssokit/core';
import type { NewUser, UserStore } from '@ssokit/storage';
import { storageErrors } from '@ssokit/storage';
import type { Insertable, Selectable } from 'kysely';
import { uniqueViolation } from './errors.ts';
import type { Db, StoreContext } from './internal/context.ts';
import {
  checkOptionalText,
  checkText,
  guarded,
  inTransaction,
  lockRows,
  ms,
  sha256,
} from './internal/context.ts';
import type { IdentitiesTable, UsersTable } from './schema.ts';
import { sqlStorageLimits as L } from './schema.ts';

/** The primary key of an identity. */
export const identityHash = (key: IdentityKey): string =>
  sha256(`${key.issuer.length}:${key.issuer}|${key.subject}`);

/** A user from its row. */
export function userFromRow(row: Selectable<UsersTable>): User {
  const user = {
    ...(JSON.parse(row.data) as object),
    id: row.id,
    status: row.status,
    createdAt: new Date(ms(row.created_at)),
    updatedAt: new Date(ms(row.updated_at)),
  } as User;
  if (row.email !== null) user.email = row.email;
  if (row.email_verified !== null) user.emailVerified = Number(row.email_verified) === 1;
  return user;
}

/** The row of a user. */
export function userRow(user: User): Insertable<UsersTable> {
  const { id, status, email, emailVerified, createdAt, updatedAt, ...profile } = user;
  checkText(id, L.id, 'user.id');
  checkOptionalText(email, L.email, 'user.email');
  return {
    id,
    status,
    email: email ?? null,
    email_verified: emailVerified === undefined ? null : emailVerified ? 1 : 0,
    email_owner: email !== undefined && ownsEmail(user) ? foldCase(email) : null,
    data: JSON.stringify(profile),
    created_at: createdAt.getTime(),
    updated_at: updatedAt.getTime(),
  };
}

/** A linked identity from its row. */
export function identityFromRow(row: Selectable<IdentitiesTable>): LinkedIdentity {
  return {
    issuer: row.issuer,
    subject: row.subject,
    userId: row.user_id,
    connectionId: row.connection_id,
    createdAt: new Date(ms(row.created_at)),
    lastLoginAt: new Date(ms(row.last_login_at)),
  };
}

/** `emailTaken` for a violation of the email-owner key, `idTaken` for the id; other errors as they are. */
export function userConflict(error: unknown, id: string): unknown {
  const key = uniqueViolation(error);
  if (key === undefined) return error;
  return key.includes('email_owner') ? storageErrors.emailTaken() : storageErrors.idTaken('user', id);
}

/** The user linked to an identity, or null. */
export async function userByIdentity(db: Db, key: IdentityKey): Promise<User | null> {
  const link = await db
    .selectFrom('identities')
    .select('user_id')
    .where('key_hash', '=', identityHash(key))
    .executeTakeFirst();
  if (!link) return null;
  const row = await db.selectFrom('users').selectAll().where('id', '=', link.user_id).executeTakeFirst();
  return row ? userFromRow(row) : null;
}

/** The owner of an address, or null. */
export async function userByEmail(db: Db, email: string): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email_owner', '=', foldCase(email))
    .executeTakeFirst();
  return row ? userFromRow(row) : null;
}

/** The user store of `sqlStorage()`. */
export function sqlUsers(ctx: StoreContext): UserStore {
  const { db } = ctx;
  return guarded<UserStore>({
    async get(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? userFromRow(row) : null;
    },
    findByEmail: (email) => userByEmail(db, email),
    findByIdentity: (key) => userByIdentity(db, key),
    async create(input: NewUser) {
      const at = new Date(ctx.clock());
      const user = {
        ...structuredClone(input),
        id: input.id ?? crypto.randomUUID(),
        createdAt: at,
        updatedAt: at,
      } as User;
      try {
        await db.insertInto('users').values(userRow(user)).execute();
      } catch (error) {
        throw userConflict(error, user.id);
      }
      return user;
    },
    async update(id, patch) {
      return inTransaction(ctx, async (trx) => {
        let query = trx.selectFrom('users').selectAll().where('id', '=', id);
        if (lockRows(ctx.flavor)) query = query.forUpdate();
        const row = await query.executeTakeFirst();
        if (!row) throw storageErrors.missing(`No user has id "${id}".`);
        const { id: _i, createdAt: _c, updatedAt: _u, ...fields } = patch as Record<string, unknown>;
        const user = {
          ...userFromRow(row),
          ...structuredClone(fields),
          updatedAt: new Date(ctx.clock()),
        } as User;
        const { id: _id, ...values } = userRow(user);
        try {
          await trx.updateTable('users').set(values).where('id', '=', id).execute();
        } catch (error) {
          throw userConflict(error, id);
        }
        return user;
      });
    },
    async listIdentities(userId) {
      const rows = await db
        .selectFrom('identities')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute();
      return rows.map(identityFromRow);
    },
    async unlinkIdentity(key) {
      const { numDeletedRows } = await db
        .deleteFrom('identities')
        .where('key_hash', '=', identityHash(key))
        .executeTakeFirst();
      return numDeletedRows > 0n;
    },
  });
}
