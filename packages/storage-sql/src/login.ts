/**
 * The login port: `commitLogin` writes the user, the identity link and the membership changes in one
 * database transaction, in a bounded number of statements (memberships go in multi-row statements of
 * `batchSize` groups), and turns every conflict into the `storage_conflict` the memory store throws.
 *
 * @module
 */
import type { LoginCommit, LoginStore, User } from '@ssokit/core';
import { storageErrors } from '@ssokit/storage';
import { sql } from 'kysely';
import { uniqueViolation } from './errors.ts';
import { findGroups, membershipsOf } from './groups.ts';
import type { StoreContext } from './internal/context.ts';
import { checkText, chunks, guarded, inTransaction, lockRows, orIgnore } from './internal/context.ts';
import { sqlStorageLimits as L } from './schema.ts';
import { identityHash, userByEmail, userByIdentity, userConflict, userFromRow, userRow } from './users.ts';

/** The login store of `sqlStorage()`. */
export function sqlLogin(ctx: StoreContext): LoginStore {
  const { db, flavor } = ctx;
  return guarded<LoginStore>({
    findUserByIdentity: (key) => userByIdentity(db, key),
    findUserByEmail: (email) => userByEmail(db, email),
    findGroups: (query) => findGroups(ctx, query),
    listMemberships: (userId) => membershipsOf(db, userId),
    async commitLogin(commit: LoginCommit) {
      const { source } = commit.memberships;
      checkText(source, L.source, 'commit.memberships.source');
      const at = commit.at.getTime();
      const add = [...new Set(commit.memberships.add)];
      const remove = [...new Set(commit.memberships.remove)];
      return inTransaction(ctx, async (trx) => {
        let existing: User | undefined;
        if (commit.user.kind === 'existing') {
          let query = trx.selectFrom('users').selectAll().where('id', '=', commit.user.id);
          if (lockRows(flavor)) query = query.forUpdate();
          const row = await query.executeTakeFirst();
          if (!row) throw storageErrors.missing('The user was deleted during the login.');
          existing = userFromRow(row);
        }
        const keyHash = identityHash(commit.identity.key);
        const link = await trx
          .selectFrom('identities')
          .select('user_id')
          .where('key_hash', '=', keyHash)
          .executeTakeFirst();
        if (commit.identity.link && link) throw storageErrors.identityChanged(true);
        if (!commit.identity.link && (!link || link.user_id !== existing?.id))
          throw storageErrors.identityChanged(false);

        const profile = structuredClone(commit.user.profile);
        const user: User = existing
          ? {
              ...existing,
              ...profile,
              status: existing.status === 'invited' ? 'active' : existing.status,
              updatedAt: commit.at,
            }
          : {
              ...profile,
              id: crypto.randomUUID(),
              status: 'active',
              createdAt: commit.at,
              updatedAt: commit.at,
            };

        // The identity first: of concurrent first logins of one identity, the losers conflict here.
        if (link) {
          await trx
            .updateTable('identities')
            .set({ last_login_at: at })
            .where('key_hash', '=', keyHash)
            .execute();
        } else {
          try {
            await trx
              .insertInto('identities')
              .values({
                key_hash: keyHash,
                issuer: commit.identity.key.issuer,
                subject: commit.identity.key.subject,
                user_id: user.id,
                connection_id: commit.identity.connectionId,
                created_at: at,
                last_login_at: at,
              })
              .execute();
          } catch (error) {
            throw uniqueViolation(error) === undefined ? error : storageErrors.identityChanged(true);
          }
        }
        try {
          const { id, ...values } = userRow(user);
          if (existing) await trx.updateTable('users').set(values).where('id', '=', id).execute();
          else
            await trx
              .insertInto('users')
              .values({ id, ...values })
              .execute();
        } catch (error) {
          throw userConflict(error, user.id);
        }

        for (const slice of chunks(remove, ctx.batchSize)) {
          await trx
            .deleteFrom('memberships')
            .where('user_id', '=', user.id)
            .where('source', '=', source)
            .where('group_id', 'in', slice)
            .execute();
        }
        // One INSERT ... SELECT per slice: groups deleted meanwhile are skipped, existing rows kept.
        for (const slice of chunks(add, ctx.batchSize)) {
          const rows = trx
            .selectFrom('groups')
            .select([
              sql<string>`${user.id}`.as('user_id'),
              'id as group_id',
              sql<string>`${source}`.as('source'),
              sql<number>`${sql.lit(at)}`.as('created_at'),
            ])
            .where('id', 'in', slice);
          await orIgnore(
            flavor,
            trx
              .insertInto('memberships')
              .columns(['user_id', 'group_id', 'source', 'created_at'])
              .expression(rows),
          ).execute();
        }
        return user;
      });
    },
  });
}
