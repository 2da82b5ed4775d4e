import type { RoleDefinition } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import type { SsoStorage } from '../types.ts';
import type { RawReader } from './raw.ts';
import { expectConflict, rolesOf } from './roles.ts';

type Ctx = () => { storage: SsoStorage; raw: Partial<RawReader> };

/** Arthur's `globalRoleDefs` (its seed, section 3), and a second role. */
const arthur: RoleDefinition[] = [
  {
    name: 'idp-admin',
    scope: 'global',
    permissions: {
      custom_roles: ['read', 'write', 'delete'],
      organization_global: ['read', 'write'],
      organization: ['read', 'delete'],
      model: ['read', 'write', 'delete'],
    },
    grantedBy: ['*'],
  },
  { name: 'iam-admin', permissions: { custom_roles: ['read'] }, description: 'Reads roles' },
];

const names = (roles: { name: string }[]) => roles.map((r) => r.name);

/** `applyFromFile`: idempotent, never over an API role or another file's, file roles gone are removed. */
export function roleFileSuite(ctx: Ctx, n: number): void {
  describe('roles from a file', () => {
    it("stores a file's roles as file roles with their origin, in the file's order", async () => {
      const { roles, raw } = rolesOf(ctx);
      await roles.create({ name: 'viewer' });
      const result = await roles.applyFromFile(arthur, 'arthur.yaml');
      expect(result).toEqual({
        created: ['idp-admin', 'iam-admin'],
        updated: [],
        removed: [],
        unchanged: [],
      });
      expect(names(await roles.list())).toEqual(['viewer', 'idp-admin', 'iam-admin']);
      const stored = await roles.get('IDP-ADMIN');
      expect(stored).toMatchObject({ ...arthur[0], source: 'file', origin: 'arthur.yaml' });
      expect(stored?.createdAt.getTime()).toBe(stored?.updatedAt.getTime());
      expect(await roles.get('iam-admin')).toMatchObject({ grantedBy: [], scope: 'global', source: 'file' });
      if (raw.role)
        expect(await raw.role('idp-admin')).toMatchObject({ source: 'file', origin: 'arthur.yaml' });
    });

    it('changes nothing when the file is applied again: no write, updatedAt kept', async () => {
      const { roles, raw } = rolesOf(ctx);
      await roles.applyFromFile(arthur, 'arthur.yaml');
      const before = await roles.list();
      await new Promise((resolve) => setTimeout(resolve, 5));
      // The same file, its resources, actions and connections in another order: the same roles.
      const reordered = arthur.map((role) => ({
        ...role,
        permissions: Object.fromEntries(
          Object.entries(role.permissions ?? {})
            .reverse()
            .map(([resource, actions]) => [resource, [...actions].reverse()]),
        ),
      }));
      for (const file of [arthur, reordered]) {
        const result = await roles.applyFromFile(file, 'arthur.yaml');
        expect(result).toEqual({
          created: [],
          updated: [],
          removed: [],
          unchanged: ['idp-admin', 'iam-admin'],
        });
      }
      expect(await roles.list()).toEqual(before);
      if (raw.role)
        for (const role of before)
          expect((await raw.role(role.name))?.updatedAt.getTime()).toBe(role.updatedAt.getTime());
    });

    it("brings a changed file role back to the file's definition, with a later updatedAt, in its place", async () => {
      const { roles } = rolesOf(ctx);
      await roles.applyFromFile(arthur, 'arthur.yaml');
      const [first] = await roles.list();
      const edited = await roles.update(
        'idp-admin',
        { permissions: { everything: ['*'] } },
        { expectedUpdatedAt: (first as { updatedAt: Date }).updatedAt },
      );
      expect(edited.source).toBe('file');
      const changed = [
        { ...arthur[0], name: 'IdP-Admin' },
        { ...arthur[1], description: 'Reads and writes roles' },
      ];
      const result = await roles.applyFromFile(changed as RoleDefinition[], 'arthur.yaml');
      expect(result).toEqual({
        created: [],
        updated: ['IdP-Admin', 'iam-admin'],
        removed: [],
        unchanged: [],
      });
      const after = await roles.list();
      expect(names(after)).toEqual(['IdP-Admin', 'iam-admin']);
      expect(after[0]).toMatchObject({ ...changed[0], source: 'file', origin: 'arthur.yaml' });
      expect(after[0]?.updatedAt.getTime()).toBeGreaterThan(edited.updatedAt.getTime());
      expect(after[0]?.createdAt.getTime()).toBe(first?.createdAt.getTime());
      expect(after[1]?.description).toBe('Reads and writes roles');
    });

    it("removes a file role that is gone from the file, and never touches API roles or another file's", async () => {
      const { roles, raw } = rolesOf(ctx);
      await roles.create({ name: 'viewer' });
      await roles.applyFromFile([{ name: 'auditor' }], 'audit.yaml');
      await roles.applyFromFile(arthur, 'arthur.yaml');
      const result = await roles.applyFromFile([arthur[1] as RoleDefinition], 'arthur.yaml');
      expect(result).toEqual({ created: [], updated: [], removed: ['idp-admin'], unchanged: ['iam-admin'] });
      expect(names(await roles.list())).toEqual(['viewer', 'auditor', 'iam-admin']);
      if (raw.role) expect(await raw.role('idp-admin')).toBeNull();
      expect((await roles.applyFromFile([], 'arthur.yaml')).removed).toEqual(['iam-admin']);
      expect(names(await roles.list())).toEqual(['viewer', 'auditor']);
    });

    it('refuses to overwrite a role created through the API, whatever its case, and writes nothing', async () => {
      const { roles, raw } = rolesOf(ctx);
      const api = await roles.create({ name: 'IAM-Admin', permissions: { model: ['read'] } });
      const error = await expectConflict(
        roles.applyFromFile(arthur, 'arthur.yaml'),
        'storage_conflict',
        'role_name',
      );
      expect(error.details).toMatchObject({ name: 'IAM-Admin', source: 'api', names: ['IAM-Admin'] });
      expect(error.message).toContain('"IAM-Admin"');
      expect(error.message).toContain('arthur.yaml');
      expect(await roles.list()).toEqual([api]);
      if (raw.roleCount) expect(await raw.roleCount()).toBe(1);
      // Nor a role another file defines.
      await roles.applyFromFile([{ name: 'auditor' }], 'audit.yaml');
      const other = await expectConflict(
        roles.applyFromFile([{ name: 'Auditor' }], 'arthur.yaml'),
        'storage_conflict',
        'role_name',
      );
      expect(other.details).toMatchObject({ name: 'auditor', source: 'file', origin: 'audit.yaml' });
      expect(names(await roles.list())).toEqual(['IAM-Admin', 'auditor']);
    });

    it('refuses a malformed file (a name twice in any case, a bad role, a bad origin) and writes nothing', async () => {
      const { roles } = rolesOf(ctx);
      const bad: [unknown, unknown, string][] = [
        [[{ name: 'idp-admin' }, { name: 'IDP-admin' }], 'arthur.yaml', 'roles[1].name'],
        [
          [{ name: 'ok' }, { name: 'bad', permissions: { model: 'read' } }],
          'arthur.yaml',
          'roles[1].permissions["model"]',
        ],
        [{ name: 'not-a-list' }, 'arthur.yaml', 'roles'],
        [arthur, '', 'origin'],
        [arthur, 'o'.repeat(256), 'origin'],
      ];
      for (const [file, origin, path] of bad)
        await expect(
          roles.applyFromFile(file as RoleDefinition[], origin as string),
          path,
        ).rejects.toMatchObject({
          code: expect.stringMatching(/^ERR_INVALID_ARG_/),
          path,
        });
      expect(await roles.list()).toEqual([]);
    });

    it(`stores each role once when ${n} instances apply one file at once`, async () => {
      const { roles, raw } = rolesOf(ctx);
      const results = await Promise.allSettled(
        Array.from({ length: n }, () => roles.applyFromFile(arthur, 'arthur.yaml')),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const created = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.created : []));
      expect(created.sort()).toEqual(['iam-admin', 'idp-admin']);
      expect(names(await roles.list())).toEqual(['idp-admin', 'iam-admin']);
      if (raw.roleCount) expect(await raw.roleCount()).toBe(2);
    });
  });
}
