import type { RoleDefinition } from '@ssokit/core';
import { isSsoError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { roleLimits as L } from '../role-checks.ts';
import type { RoleStore } from '../roles.ts';
import type { SsoStorage } from '../types.ts';
import type { RawReader } from './raw.ts';

type Ctx = () => { storage: SsoStorage; raw: Partial<RawReader> };

/** The store's roles and the raw reader; a store without roles fails every test of the family. */
export function rolesOf(ctx: Ctx): { roles: RoleStore; raw: Partial<RawReader> } {
  const { storage, raw } = ctx();
  if (!storage.roles) throw new Error('the store has no roles (set capabilities.roles to false)');
  return { roles: storage.roles, raw };
}

/** The error a promise rejects with (or `'resolved'`). */
export const outcome = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );

/** Expects an `SsoError` with this code and, when given, `details.reason`. */
export async function expectConflict(promise: Promise<unknown>, code: string, reason?: string) {
  const error = await outcome(promise);
  expect(isSsoError(error), `expected an SsoError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  if (reason) expect((error as { details?: { reason?: string } }).details?.reason).toBe(reason);
  return error as { message: string; details: Record<string, unknown> };
}

const owner: RoleDefinition = {
  name: 'org-1-model-owner',
  scope: 'organization',
  organizationId: 'org-1',
  permissions: { model: ['read', 'write', 'delete', 'read'] },
  description: 'Owns the models of org 1.\nGranted by Okta.',
  grantedBy: ['okta-prod', '*', 'okta-prod'],
};

/** Role definitions: CRUD, order, names unique case-insensitively, optimistic concurrency, shapes. */
export function roleSuite(ctx: Ctx, n: number): void {
  describe('roles', () => {
    it('creates a role from the API with its defaults written out, and reads it back in any case', async () => {
      const { roles, raw } = rolesOf(ctx);
      const created = await roles.create({ name: 'IdP-Admin', permissions: { custom_roles: ['read'] } });
      expect(created).toEqual({
        name: 'IdP-Admin',
        scope: 'global',
        permissions: { custom_roles: ['read'] },
        grantedBy: [],
        source: 'api',
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      });
      expect(created.updatedAt.getTime()).toBe(created.createdAt.getTime());
      expect(await roles.get('idp-admin')).toEqual(created);
      expect(await roles.get('IDP-ADMIN')).toEqual(created);
      expect(await roles.get('idp-admins')).toBeNull();
      if (raw.role) {
        expect(await raw.role('IdP-Admin')).toMatchObject({ name: 'IdP-Admin', source: 'api', origin: null });
        expect((await raw.role('IdP-Admin'))?.updatedAt.getTime()).toBe(created.updatedAt.getTime());
      }
    });

    it('keeps an organization role whole, repeats once, and takes no source or unknown field from the caller', async () => {
      const { roles } = rolesOf(ctx);
      const created = await roles.create({ ...owner, source: 'file', origin: 'x.yaml', extra: 1 } as never);
      const expected = {
        name: 'org-1-model-owner',
        scope: 'organization',
        organizationId: 'org-1',
        permissions: { model: ['read', 'write', 'delete'] },
        description: 'Owns the models of org 1.\nGranted by Okta.',
        grantedBy: ['okta-prod', '*'],
        source: 'api',
      };
      expect(created).toEqual({ ...expected, createdAt: created.createdAt, updatedAt: created.updatedAt });
      expect(await roles.get('ORG-1-model-owner')).toEqual(created);
      expect(await roles.list()).toEqual([created]);
    });

    it('lists roles oldest first; an update keeps its place, a re-created role goes last', async () => {
      const { roles } = rolesOf(ctx);
      for (const name of ['viewer', 'admin', 'editor']) await roles.create({ name });
      const names = async () => (await roles.list()).map((r) => r.name);
      expect(await names()).toEqual(['viewer', 'admin', 'editor']);
      const viewer = (await roles.get('viewer')) as { updatedAt: Date };
      await roles.update('viewer', { description: 'Reads' }, { expectedUpdatedAt: viewer.updatedAt });
      expect(await names()).toEqual(['viewer', 'admin', 'editor']);
      await roles.delete('admin');
      await roles.create({ name: 'Admin' });
      expect(await names()).toEqual(['viewer', 'editor', 'Admin']);
    });

    it('refuses a second role with the same name in another case and writes nothing', async () => {
      const { roles, raw } = rolesOf(ctx);
      await roles.create({ name: 'idp-admin' });
      const error = await expectConflict(
        roles.create({ name: 'IDP-Admin' }),
        'storage_conflict',
        'role_name',
      );
      expect(error.details).toMatchObject({ name: 'idp-admin', source: 'api' });
      expect(error.message).toContain('"idp-admin"');
      if (raw.roleCount) expect(await raw.roleCount()).toBe(1);
      // ASCII letters only fold: the Kelvin sign is not a "k" (core's foldCase).
      await roles.create({ name: 'k8s-admin' });
      await roles.create({ name: '\u212A8s-admin' });
      expect((await roles.list()).map((r) => r.name)).toEqual(['idp-admin', 'k8s-admin', '\u212A8s-admin']);
    });

    it(`lets exactly one of ${n} concurrent creates of one name succeed`, async () => {
      const { roles, raw } = rolesOf(ctx);
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) => roles.create({ name: i % 2 ? 'Race' : 'race' })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason?.details?.reason).toBe('role_name');
      expect(await roles.list()).toHaveLength(1);
      if (raw.roleCount) expect(await raw.roleCount()).toBe(1);
    });

    it('updates with the current updatedAt, sets a strictly later one, and refuses a stale one', async () => {
      const { roles, raw } = rolesOf(ctx);
      const created = await roles.create(owner);
      const updated = await roles.update(
        'ORG-1-MODEL-OWNER',
        { permissions: { model: ['read'] }, grantedBy: undefined },
        { expectedUpdatedAt: created.updatedAt },
      );
      expect(updated).toMatchObject({
        permissions: { model: ['read'] },
        grantedBy: [],
        organizationId: 'org-1',
      });
      expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      expect(updated.createdAt.getTime()).toBe(created.createdAt.getTime());
      expect(await roles.get(owner.name)).toEqual(updated);
      const error = await expectConflict(
        roles.update(owner.name, { description: 'late' }, { expectedUpdatedAt: created.updatedAt }),
        'concurrent_update',
      );
      expect(error.details).toMatchObject({ name: owner.name });
      expect((await roles.get(owner.name))?.description).toBe(owner.description);
      if (raw.role)
        expect((await raw.role(owner.name))?.updatedAt.getTime()).toBe(updated.updatedAt.getTime());
    });

    it(`lets exactly one of ${n} concurrent updates with one updatedAt win`, async () => {
      const { roles } = rolesOf(ctx);
      const created = await roles.create({ name: 'editor' });
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) =>
          roles.update('editor', { description: `v${i}` }, { expectedUpdatedAt: created.updatedAt }),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason?.code).toBe('concurrent_update');
      expect((await roles.get('editor'))?.description).toBe(
        (won[0] as PromiseFulfilledResult<{ description: string }>).value.description,
      );
    });

    it('changes only the case of a name, drops the organization of a role made global, and reports an unknown role', async () => {
      const { roles } = rolesOf(ctx);
      const created = await roles.create(owner);
      await expect(
        roles.update(owner.name, { name: 'org-2-model-owner' }, { expectedUpdatedAt: created.updatedAt }),
      ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', path: 'patch.name' });
      const recased = await roles.update(
        owner.name,
        { name: 'ORG-1-Model-Owner', scope: 'global', source: 'file', createdAt: new Date(0) } as never,
        { expectedUpdatedAt: created.updatedAt },
      );
      expect(recased).toMatchObject({ name: 'ORG-1-Model-Owner', scope: 'global', source: 'api' });
      expect(recased).not.toHaveProperty('organizationId');
      expect(recased.createdAt.getTime()).toBe(created.createdAt.getTime());
      expect((await roles.list()).map((r) => r.name)).toEqual(['ORG-1-Model-Owner']);
      await expectConflict(
        roles.update('nobody', {}, { expectedUpdatedAt: new Date() }),
        'storage_conflict',
        'missing',
      );
    });

    it('deletes by name in any case, with optimistic concurrency when asked', async () => {
      const { roles, raw } = rolesOf(ctx);
      const created = await roles.create({ name: 'Auditor' });
      const updated = await roles.update(
        'auditor',
        { description: 'Reads logs' },
        { expectedUpdatedAt: created.updatedAt },
      );
      await expectConflict(
        roles.delete('auditor', { expectedUpdatedAt: created.updatedAt }),
        'concurrent_update',
      );
      expect(await roles.get('auditor')).not.toBeNull();
      expect(await roles.delete('AUDITOR', { expectedUpdatedAt: updated.updatedAt })).toBe(true);
      expect(await roles.get('auditor')).toBeNull();
      if (raw.role) expect(await raw.role('Auditor')).toBeNull();
      expect(await roles.delete('auditor')).toBe(false);
    });

    it('returns copies: mutating a returned role changes nothing stored', async () => {
      const { roles } = rolesOf(ctx);
      const created = await roles.create(owner);
      created.permissions.model?.push('admin');
      created.grantedBy.push('evil');
      const [listed] = await roles.list();
      (listed as { name: string }).name = 'mutated';
      const read = await roles.get(owner.name);
      expect(read?.permissions).toEqual({ model: ['read', 'write', 'delete'] });
      expect(read?.grantedBy).toEqual(['okta-prod', '*']);
      expect(read?.name).toBe(owner.name);
    });

    it('refuses malformed roles and patches with a coded TypeError naming the field, and writes nothing', async () => {
      const { roles } = rolesOf(ctx);
      const long = 'x'.repeat(L.name + 1);
      const bad: [unknown, string][] = [
        [null, 'role'],
        [{ name: '' }, 'role.name'],
        [{ name: long }, 'role.name'],
        [{ name: 42 }, 'role.name'],
        [{ name: 'admin\u0000' }, 'role.name'],
        [{ name: 'admin\u200b' }, 'role.name'],
        [{ name: ' admin' }, 'role.name'],
        [{ name: 'a', scope: 'team' }, 'role.scope'],
        [{ name: 'a', scope: 'organization' }, 'role.organizationId'],
        [{ name: 'a', scope: 'organization', organizationId: long }, 'role.organizationId'],
        [{ name: 'a', organizationId: 'org-1' }, 'role.organizationId'],
        [{ name: 'a', permissions: ['model'] }, 'role.permissions'],
        [{ name: 'a', permissions: { model: 'read' } }, 'role.permissions["model"]'],
        [{ name: 'a', permissions: { model: [1] } }, 'role.permissions["model"][0]'],
        [{ name: 'a', permissions: { model: [long] } }, 'role.permissions["model"][0]'],
        [{ name: 'a', permissions: { [long]: ['read'] } }, 'role.permissions (resource #1)'],
        [
          { name: 'a', permissions: { model: Array.from({ length: L.actions + 1 }, (_, i) => `a${i}`) } },
          'role.permissions["model"]',
        ],
        [
          {
            name: 'a',
            permissions: Object.fromEntries(Array.from({ length: L.resources + 1 }, (_, i) => [`r${i}`, []])),
          },
          'role.permissions',
        ],
        [{ name: 'a', grantedBy: 'okta' }, 'role.grantedBy'],
        [{ name: 'a', grantedBy: [''] }, 'role.grantedBy[0]'],
        [
          { name: 'a', grantedBy: Array.from({ length: L.grantedBy + 1 }, (_, i) => `c${i}`) },
          'role.grantedBy',
        ],
        [{ name: 'a', description: 'd'.repeat(L.description + 1) }, 'role.description'],
        [{ name: 'a', description: 'bell\u0007' }, 'role.description'],
      ];
      for (const [role, path] of bad)
        await expect(roles.create(role as RoleDefinition), path).rejects.toMatchObject({
          code: expect.stringMatching(/^ERR_INVALID_ARG_(VALUE|TYPE)$/),
          path,
        });
      expect(await roles.list()).toEqual([]);
      const created = await roles.create({ name: 'editor' });
      for (const patch of [{ scope: 'organization' }, { permissions: { model: 'all' } }, null])
        await expect(
          roles.update('editor', patch as never, { expectedUpdatedAt: created.updatedAt }),
        ).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_INVALID_ARG_/) });
      expect(await roles.get('editor')).toEqual(created);
    });

    it('stores a role at every bound whole', async () => {
      const { roles } = rolesOf(ctx);
      const big = (c: string, i: number) => `${i}`.padEnd(L.permission, c);
      const role: RoleDefinition = {
        name: 'n'.repeat(L.name),
        scope: 'organization',
        organizationId: 'o'.repeat(L.organizationId),
        permissions: Object.fromEntries(
          Array.from({ length: L.resources }, (_, r) => [
            r === 0 ? big('r', r) : `resource-${r}`,
            Array.from({ length: L.actions }, (_, a) => (a === 0 ? big('a', a) : `action-${a}`)),
          ]),
        ),
        description: 'd'.repeat(L.description),
        grantedBy: Array.from({ length: L.grantedBy }, (_, i) => big('c', i)),
      };
      const created = await roles.create(role);
      expect(await roles.get(role.name)).toEqual(created);
      expect(created).toMatchObject({ ...role, source: 'api' });
    });
  });
}
