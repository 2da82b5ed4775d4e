/**
 * Roles never grant more than their definitions say now: a role narrowed to other connections, or
 * deleted and created again for them, stops granting open sessions at once; a role store that stops
 * answering takes no deleted role back for longer than its ceiling; a role file's role counts only
 * once applied; a stored role never breaks the host's matching options; a misspelled scope is refused
 * and never global; questions about nobody read nothing.
 */
import { ConfigError, now, type SsoWarningCode } from '@ssokit/core';
import { memoryStorage, type SsoStorage } from '@ssokit/storage';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can } from '../src/authorization.ts';
import { createSso, type SsoOptions } from '../src/index.ts';
import { oidcLogin, SECRET } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [`${BASE}/sso/oidc/callback`] });
});
afterAll(() => op.close());

function instance(storage: SsoStorage, options: Partial<SsoOptions> = {}) {
  const warnings: SsoWarningCode[] = [];
  const sso = createSso({
    baseUrl: BASE,
    storage,
    secret: SECRET,
    allowPrivateNetworks: true,
    authorizeAdmin: () => true,
    onWarning: (code) => void warnings.push(code),
    ...options,
  });
  return { sso, warnings };
}
const admin = (sso: ReturnType<typeof createSso>, method: string, path: string, body?: unknown) =>
  sso.handle(
    new Request(`${BASE}/sso/admin/roles${path}`, {
      method,
      headers: { origin: BASE, 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

describe('an open session', () => {
  it("loses a role its connection may no longer grant, and never gains a look-alike's", async () => {
    const storage = memoryStorage();
    const { sso } = instance(storage);
    const connection = await storage.connections.create(oidcConnection(op.issuer));
    // Ada's IdP groups are "admins" and "ml-engineers".
    const ops = { name: 'ml-engineers', permissions: { infra: ['read'] }, grantedBy: [connection.id] };
    expect((await admin(sso, 'POST', '', ops)).status).toBe(201);
    const { cookie } = await oidcLogin(sso, BASE, connection.id);
    const read = () => sso.getSession(new Request(`${BASE}/me`, { headers: { cookie } }));
    expect(sso.can(await read(), 'infra', 'read')).toBe(true);

    expect((await admin(sso, 'PATCH', '/ml-engineers', { grantedBy: [] })).status).toBe(200);
    expect(sso.can(await read(), 'infra', 'read')).toBe(false);
    // Deleted, and created again for another connection with more: the old session gets none of it.
    expect((await admin(sso, 'DELETE', '/ml-engineers')).status).toBe(204);
    const recreated = { ...ops, permissions: { custom_roles: ['write'] }, grantedBy: ['another'] };
    expect((await admin(sso, 'POST', '', recreated)).status).toBe(201);
    const session = await read();
    expect(session?.roles).toContain('ml-engineers');
    expect(sso.can(session, 'custom_roles', 'write')).toBe(false);
    // Role names alone (no connection) are answered from the definitions, as documented.
    expect(sso.can(['ml-engineers'], 'custom_roles', 'write')).toBe(true);
  });
});

describe('a role store that stops answering', () => {
  it('takes back no deleted role past max(10 × roleCacheMs, 60 s): code roles alone count', async () => {
    let clock = Date.now();
    const base = memoryStorage({ [now]: () => clock });
    let failing = false;
    const roles = base.roles as NonNullable<SsoStorage['roles']>;
    const storage: SsoStorage = {
      ...base,
      roles: {
        ...roles,
        list: () => (failing ? Promise.reject(new Error('database down')) : roles.list()),
      },
    };
    await roles.create({ name: 'ops', permissions: { infra: ['write'] }, grantedBy: ['*'] });
    const { sso, warnings } = instance(storage, {
      [now]: () => clock,
      roles: { roleDefinitions: [{ name: 'admins', permissions: { all: ['see'] }, grantedBy: ['*'] }] },
    });
    await sso.ready();
    expect(sso.can(['ops'], 'infra', 'write')).toBe(true);
    failing = true;
    clock += 59_000;
    sso.can(['ops'], 'x', 'y'); // a reload starts, and fails
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sso.can(['ops'], 'infra', 'write')).toBe(true); // within the ceiling: the last good roles
    clock += 2000;
    expect(sso.can(['ops'], 'infra', 'write')).toBe(false);
    expect(sso.roleMatcher('c').match(['ops']).roles).toEqual([]);
    expect(sso.can(['admins'], 'all', 'see')).toBe(true);
    expect(warnings).toContain('role-store-unavailable');
    failing = false;
    await sso.ready();
    expect(sso.can(['ops'], 'infra', 'write')).toBe(true);
  });

  it("counts a role file's roles only once applied", async () => {
    const storage = memoryStorage();
    await storage.roles?.create({ name: 'idp-admin' });
    const { sso } = instance(storage, {
      roleFiles: [
        { origin: 'oidc.yaml', roles: [{ name: 'idp-admin', permissions: { custom_roles: ['write'] } }] },
      ],
    });
    // Before any read, and after the file was refused: the API role's (empty) definition, not the file's.
    expect(sso.can(['idp-admin'], 'custom_roles', 'write')).toBe(false);
    await expect(sso.ready()).rejects.toMatchObject({ code: 'storage_conflict' });
    expect(sso.can(['idp-admin'], 'custom_roles', 'write')).toBe(false);
  });

  it('is not read for a question about nobody, even with roleCacheMs 0', async () => {
    const base = memoryStorage();
    let reads = 0;
    const roles = base.roles as NonNullable<SsoStorage['roles']>;
    const list = () => {
      reads += 1;
      return roles.list();
    };
    const storage = { ...base, roles: { ...roles, list } };
    const { sso } = instance(storage, { roleCacheMs: 0 });
    for (let i = 0; i < 50; i++) sso.can(null, 'models', 'read');
    sso.organizationsOf([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reads).toBe(0);
  });
});

describe("the host's matching options", () => {
  it('keep working with stored roles they do not define (defaultRole, rules)', async () => {
    const storage = memoryStorage();
    const { sso, warnings } = instance(storage, {
      roles: { defaultRole: 'member', rules: [{ match: 'exact', pattern: 'admins', role: 'owner' }] },
    });
    const connection = await storage.connections.create(oidcConnection(op.issuer));
    expect((await admin(sso, 'POST', '', { name: 'analyst', grantedBy: ['*'] })).status).toBe(201);
    expect((await admin(sso, 'GET', '')).status).toBe(200);
    const { cookie } = await oidcLogin(sso, BASE, connection.id);
    const session = await sso.getSession(new Request(`${BASE}/me`, { headers: { cookie } }));
    expect(session?.roles).toEqual(['owner']);
    expect(warnings).not.toContain('role-store-unavailable');
  });

  it('refuse a scope that is neither global nor organization, and never read one as global', () => {
    const attempt = () =>
      instance(memoryStorage(), {
        roles: {
          roleDefinitions: [
            { name: 'owner', scope: 'organisation' as never },
            { name: 'o', scope: 'organization' },
          ],
        },
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual([
        'roles.roleDefinitions[0].scope',
        'roles.roleDefinitions[1].organizationId',
      ]);
    }
    const typo = [{ name: 'owner', scope: 'organisation' as never, permissions: { models: ['read'] } }];
    expect(can(typo, ['owner'], 'models', 'read', { organization: 'org-2' })).toBe(false);
    expect(can(typo, ['owner'], 'models', 'read')).toBe(false);
  });
});
