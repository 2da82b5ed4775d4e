import { compileRoleMatcher } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import {
  checkRole,
  checkRoleFile,
  composeStorage,
  memoryStorage,
  planRoleFile,
  type RoleStore,
  roleLimits,
  type StoredRole,
  sameRoleDefinition,
} from './index.ts';

const stored = (role: Parameters<typeof checkRole>[0], extra: Partial<StoredRole> = {}): StoredRole => ({
  ...checkRole(role),
  source: 'api',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...extra,
});

describe('checkRole', () => {
  it('writes the defaults out, keeps repeats once, drops unknown fields and empty descriptions', () => {
    expect(
      checkRole({
        name: 'idp-admin',
        permissions: { model: ['read', 'read', 'write'] },
        grantedBy: ['okta', 'okta'],
        description: '',
        source: 'file',
      } as never),
    ).toEqual({
      name: 'idp-admin',
      scope: 'global',
      permissions: { model: ['read', 'write'] },
      grantedBy: ['okta'],
    });
  });

  it('keeps a "__proto__" resource from JSON as a resource, never as a prototype', () => {
    const role = checkRole(JSON.parse('{"name": "r", "permissions": {"__proto__": ["read"]}}'));
    expect(Object.getPrototypeOf(role.permissions)).toBe(Object.prototype);
    expect(Object.keys(role.permissions)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(role.permissions, '__proto__')?.value).toEqual(['read']);
  });

  it('allows names in any script, and refuses invisible characters in them', () => {
    expect(checkRole({ name: 'Ingénieurs ML' }).name).toBe('Ingénieurs ML');
    for (const name of ['a\u202eb', 'a\u2028b', 'a\ud800b', 'admin\n'])
      expect(() => checkRole({ name }), JSON.stringify(name)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', path: 'role.name' }),
      );
  });

  it('is what the matcher takes: stored roles are role definitions', () => {
    const matcher = compileRoleMatcher({
      roleDefinitions: [stored({ name: 'idp-admin', grantedBy: ['*'] })],
    });
    expect(matcher.match(['idp-admin'], { connection: { id: 'okta' } }).roles).toEqual(['idp-admin']);
  });
});

describe('sameRoleDefinition and planRoleFile', () => {
  it('compares definitions without regard to order, but with the case of the name', () => {
    const a = checkRole({ name: 'r', permissions: { a: ['x', 'y'], b: [] }, grantedBy: ['1', '2'] });
    const b = checkRole({ name: 'r', permissions: { b: [], a: ['y', 'x'] }, grantedBy: ['2', '1'] });
    expect(sameRoleDefinition(a, b)).toBe(true);
    expect(sameRoleDefinition(a, { ...b, name: 'R' })).toBe(false);
    expect(sameRoleDefinition(a, { ...b, permissions: { a: ['x', 'y'], c: [] } })).toBe(false);
    expect(sameRoleDefinition(a, { ...b, description: 'd' })).toBe(false);
  });

  it('owns only the roles of its origin, and names every role it would overwrite', () => {
    const current = [
      stored({ name: 'viewer' }),
      stored({ name: 'auditor' }, { source: 'file', origin: 'audit.yaml' }),
      stored({ name: 'idp-admin' }, { source: 'file', origin: 'arthur.yaml' }),
      stored({ name: 'old' }, { source: 'file', origin: 'arthur.yaml' }),
    ];
    const file = checkRoleFile([{ name: 'IDP-ADMIN' }, { name: 'new' }], 'arthur.yaml');
    const plan = planRoleFile(current, file.roles, file.origin);
    expect(plan.create.map((r) => r.name)).toEqual(['new']);
    expect(plan.update.map((u) => u.next.name)).toEqual(['IDP-ADMIN']);
    expect(plan.remove.map((r) => r.name)).toEqual(['old']);
    const clash = checkRoleFile([{ name: 'Viewer' }, { name: 'AUDITOR' }], 'arthur.yaml');
    expect(() => planRoleFile(current, clash.roles, clash.origin)).toThrow(
      expect.objectContaining({
        code: 'storage_conflict',
        details: expect.objectContaining({
          reason: 'role_name',
          name: 'viewer',
          names: ['viewer', 'auditor'],
        }),
      }),
    );
  });

  it(`refuses a file of more than ${roleLimits.fileRoles} roles`, () => {
    const roles = Array.from({ length: roleLimits.fileRoles + 1 }, (_, i) => ({ name: `r${i}` }));
    expect(() => checkRoleFile(roles, 'big.yaml')).toThrow(expect.objectContaining({ path: 'roles' }));
  });
});

describe('roles in composed and bounded stores', () => {
  it('composeStorage takes roles from the base store only', () => {
    const base = memoryStorage();
    const expiring = { ...memoryStorage(), roles: {} as RoleStore };
    const composed = composeStorage(base, expiring as never);
    expect(composed.roles).toBe(base.roles);
    const { roles: _none, ...withoutRoles } = base;
    expect(composeStorage(withoutRoles, expiring as never)).not.toHaveProperty('roles');
  });

  it('memoryStorage keeps at most maxEntries roles, and refuses a file past it whole', async () => {
    const roles = memoryStorage({ maxEntries: 2 }).roles as RoleStore;
    await roles.create({ name: 'a' });
    await roles.applyFromFile([{ name: 'b' }], 'f.yaml');
    await expect(roles.create({ name: 'c' })).rejects.toMatchObject({
      code: 'storage_conflict',
      details: { reason: 'full', maxEntries: 2 },
    });
    await expect(roles.applyFromFile([{ name: 'b' }, { name: 'c' }], 'f.yaml')).rejects.toMatchObject({
      details: { reason: 'full' },
    });
    expect((await roles.list()).map((r) => r.name)).toEqual(['a', 'b']);
    // Replacing a file role by another stays within the bound.
    expect(await roles.applyFromFile([{ name: 'c' }], 'f.yaml')).toMatchObject({
      created: ['c'],
      removed: ['b'],
    });
  });
});
