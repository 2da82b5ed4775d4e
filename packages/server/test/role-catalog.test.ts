/**
 * Where roles come from (role-catalog.ts): code (`createSso({ roles })`), role files (`roleFiles`,
 * applied to the role store once per instance, idempotently) and the store (the admin API's), and
 * how a role written through one instance reaches another (`roleCacheMs`).
 */
import { ConfigError, isSsoError, now, type RoleDefinition, type SsoWarningCode } from '@ssokit/core';
import { memoryStorage, type SsoStorage } from '@ssokit/storage';
import { describe, expect, it } from 'vitest';
import { createSso, type SsoOptions } from '../src/index.ts';
import { SECRET } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const ADMIN: RoleDefinition = { name: 'idp-admin', permissions: { custom_roles: ['read', 'write'] } };

function instance(storage: SsoStorage, options: Partial<SsoOptions> = {}) {
  const warnings: [SsoWarningCode, string][] = [];
  const sso = createSso({
    baseUrl: BASE,
    storage,
    secret: SECRET,
    onWarning: (code, message) => void warnings.push([code, message]),
    ...options,
  });
  return { sso, warnings };
}

describe('role files', () => {
  it('are applied once, idempotently across restarts, and retire what the file stops defining', async () => {
    const storage = memoryStorage();
    const viewer: RoleDefinition = { name: 'viewer', permissions: { models: ['read'] } };
    await instance(storage, { roleFiles: [{ origin: 'oidc.yaml', roles: [ADMIN, viewer] }] }).sso.ready();
    const first = await storage.roles?.list();
    expect(first?.map((r) => [r.name, r.source, r.origin])).toEqual([
      ['idp-admin', 'file', 'oidc.yaml'],
      ['viewer', 'file', 'oidc.yaml'],
    ]);
    // A restart with the same file writes nothing.
    await instance(storage, { roleFiles: [{ origin: 'oidc.yaml', roles: [ADMIN, viewer] }] }).sso.ready();
    expect(await storage.roles?.list()).toEqual(first);
    // An API role is never touched; a role the file no longer defines goes.
    await storage.roles?.create({ name: 'org-1-owner', scope: 'organization', organizationId: 'org-1' });
    const { sso } = instance(storage, { roleFiles: [{ origin: 'oidc.yaml', roles: [ADMIN] }] });
    await sso.ready();
    expect((await storage.roles?.list())?.map((r) => r.name)).toEqual(['idp-admin', 'org-1-owner']);
    expect(sso.can(['viewer'], 'models', 'read')).toBe(false);
    expect(sso.can(['idp-admin'], 'custom_roles', 'write')).toBe(true);
  });

  it('whose role an API role has: ready() fails naming it, a session read warns, nothing is written', async () => {
    const storage = memoryStorage();
    await storage.roles?.create({ name: 'IdP-Admin' });
    const { sso } = instance(storage, { roleFiles: [{ origin: 'oidc.yaml', roles: [ADMIN] }] });
    const failure = await sso.ready().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isSsoError(failure, 'storage_conflict')).toBe(true);
    expect((failure as Error).message).toContain('IdP-Admin');
    expect((await storage.roles?.list())?.map((r) => [r.name, r.source])).toEqual([['IdP-Admin', 'api']]);
    // Without ready(), the first read applies the files, warns and goes on.
    const other = instance(storage, { roleFiles: [{ origin: 'oidc.yaml', roles: [ADMIN] }] });
    expect(other.sso.can(['IdP-Admin'], 'custom_roles', 'read')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(other.warnings.map(([code]) => code)).toContain('role-file-conflict');
    expect(other.warnings.find(([code]) => code === 'role-file-conflict')?.[1]).toMatch(
      /oidc\.yaml.*IdP-Admin/s,
    );
  });

  it('count as written without a role store', async () => {
    const { roles: _none, ...storage } = memoryStorage();
    const { sso } = instance(storage as SsoStorage, { roleFiles: [{ origin: 'oidc.yaml', roles: [ADMIN] }] });
    await sso.ready();
    expect(sso.can(['idp-admin'], 'custom_roles', 'read')).toBe(true);
    expect(sso.roleMatcher('any').roleDefinitions.map((r) => r.name)).toEqual(['idp-admin']);
  });

  it('are checked at createSso, every problem named', () => {
    const issues = (options: Partial<SsoOptions>) => {
      try {
        instance(memoryStorage(), options);
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(issues({ roleFiles: [{ origin: 'a.yaml', roles: [{ name: ' padded' }] }] })).toEqual([
      expect.stringMatching(/^roleFiles\[0\]: "roles\[0\]\.name" must not begin or end with white space/),
    ]);
    expect(
      issues({
        roles: { roleDefinitions: [{ name: 'Viewer' }] },
        roleFiles: [
          { origin: 'a.yaml', roles: [ADMIN] },
          { origin: 'b.yaml', roles: [{ name: 'IDP-ADMIN' }, { name: 'viewer' }] },
        ],
      }),
    ).toEqual([
      'roleFiles[1]: defines the role "IDP-ADMIN", which roleFiles[0] (a.yaml) defines too: keep one.',
      'roleFiles[1]: defines the role "viewer", which roles.roleDefinitions defines too: keep one.',
    ]);
    expect(
      issues({
        roles: { match: () => ({}) as never, roleDefinitions: [] },
        roleFiles: [{ origin: 'a.yaml', roles: [ADMIN] }],
      }),
    ).toEqual([expect.stringMatching(/^roleFiles: cannot be used with your own role matcher/)]);
    expect(issues({ roleFiles: 'oidc.yaml' as never })).toEqual([
      expect.stringMatching(/^roleFiles: must be a list/),
    ]);
    expect(issues({ roleCacheMs: -1 })).toEqual([
      expect.stringMatching(/^roleCacheMs: must be a whole number/),
    ]);
  });
});

describe('stored roles', () => {
  it('reach another instance within roleCacheMs, and at once the instance that wrote them', async () => {
    let clock = Date.now();
    const storage = memoryStorage({ [now]: () => clock });
    const a = instance(storage, { [now]: () => clock, authorizeAdmin: () => true }).sso;
    const b = instance(storage, { [now]: () => clock }).sso;
    await Promise.all([a.ready(), b.ready()]);
    const created = await a.handle(
      new Request(`${BASE}/sso/admin/roles`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: BASE },
        body: JSON.stringify({ name: 'analyst', permissions: { reports: ['read'] } }),
      }),
    );
    expect(created.status).toBe(201);
    expect(a.can(['analyst'], 'reports', 'read')).toBe(true);
    expect(b.can(['analyst'], 'reports', 'read')).toBe(false);
    clock += 5000;
    b.can(['analyst'], 'x', 'y'); // a synchronous question about someone starts the reload
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(b.can(['analyst'], 'reports', 'read')).toBe(true);
  });

  it('never override a role defined in code: the code wins, and it is said once', async () => {
    const storage = memoryStorage();
    await storage.roles?.create({ name: 'ADMIN', permissions: { everything: ['do'] } });
    const { sso, warnings } = instance(storage, {
      roles: { roleDefinitions: [{ name: 'admin', permissions: { models: ['read'] } }] },
    });
    await sso.ready();
    await sso.ready();
    expect(sso.can(['ADMIN'], 'everything', 'do')).toBe(false);
    expect(sso.can(['admin'], 'models', 'read')).toBe(true);
    expect(warnings.filter(([code]) => code === 'role-shadowed')).toHaveLength(1);
  });
});
