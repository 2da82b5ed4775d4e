/**
 * `/admin/roles`: the roles at a glance (each with the IdP groups that grant it, by name, rule and
 * recent logins, and the connections that may), and the role store's roles created, changed and
 * deleted; every refused write names what is wrong and writes nothing. Arthur's whole model over HTTP
 * is in arthur-roles.test.ts.
 */
import type { AuditEvent } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
type TestSso = ReturnType<typeof testSso>['sso'];
const get = (sso: TestSso, method = 'GET') =>
  sso.handle(
    new Request(`${BASE}/sso/admin/roles`, { method, headers: { accept: 'application/json', origin: BASE } }),
  );
/** A JSON request to `/admin/roles[/name]`, same-origin unless `headers` says otherwise. */
const send = (sso: TestSso, method: string, name: string | undefined, body?: unknown, headers = {}) =>
  sso.handle(
    new Request(`${BASE}/sso/admin/roles${name === undefined ? '' : `/${encodeURIComponent(name)}`}`, {
      method,
      headers: { accept: 'application/json', origin: BASE, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

describe('the roles at a glance', () => {
  it('lists each role with what grants it, and the app groups', async () => {
    const { sso, storage } = testSso(BASE, {
      authorizeAdmin: () => true,
      roles: {
        roleDefinitions: [
          { name: 'admins', grantedBy: ['okta'], permissions: { models: ['read', 'write'] } },
          { name: 'viewers', grantedBy: ['*'] },
        ],
        rules: [{ match: 'glob', pattern: 'ml-*', role: 'viewers' }],
        defaultRole: 'viewers',
      },
    });
    await storage.groups.create({ name: 'ml-engineers', externalId: '8f3e' });
    const body = await (await get(sso)).json();
    expect(body).toMatchObject({
      custom: false,
      matchGroupNames: true,
      defaultRole: 'viewers',
      roles: [
        {
          name: 'admins',
          scope: 'global',
          grantedBy: ['okta'],
          groups: [{ match: 'name', pattern: 'admins' }],
        },
        {
          name: 'viewers',
          grantedBy: ['*'],
          groups: [
            { match: 'name', pattern: 'viewers' },
            { match: 'glob', pattern: 'ml-*' },
          ],
        },
      ],
      groups: [{ name: 'ml-engineers', externalId: '8f3e' }],
    });
    expect((await get(sso, 'PUT')).status).toBe(405);
  });

  it("says when the host's own matcher has no definitions to show; refuses a non-admin", async () => {
    const custom = testSso(BASE, {
      authorizeAdmin: () => true,
      roles: { match: () => ({ roles: [], matches: [], refused: [] }) } as never,
    });
    expect(await (await get(custom.sso)).json()).toMatchObject({ custom: true, roles: [] });
    const refused = testSso(BASE, { authorizeAdmin: () => false });
    expect((await get(refused.sso)).status).toBe(403);
  });
});

describe('roles through the admin API', () => {
  const setUp = () => {
    const events: AuditEvent[] = [];
    const { sso, storage } = testSso(BASE, {
      authorizeAdmin: () => 'root',
      audit: (event) => void events.push(event),
      roles: { roleDefinitions: [{ name: 'admins', grantedBy: ['*'] }] },
      roleFiles: [{ origin: 'oidc.yaml', roles: [{ name: 'idp-admin' }] }],
    });
    return { sso, storage, events };
  };
  const owner = {
    name: 'org-1-owner',
    scope: 'organization',
    organizationId: 'org-1',
    permissions: { models: ['read'] },
  };

  it('creates, reads (any case), changes with If-Match, and deletes a role, each write audited', async () => {
    const { sso, events } = setUp();
    const created = await send(sso, 'POST', undefined, owner);
    expect(created.status).toBe(201);
    const role = await created.json();
    expect(role).toMatchObject({ ...owner, grantedBy: [], source: 'api', editable: true });
    const read = await (await send(sso, 'GET', 'ORG-1-OWNER')).json();
    expect(read).toMatchObject({ name: 'org-1-owner', updatedAt: role.updatedAt, recentGroups: [] });
    // What GET answered may come back whole, with a change.
    const changed = await send(sso, 'PATCH', 'org-1-owner', {
      ...read,
      permissions: { models: ['read', 'write'] },
    });
    expect(changed.status).toBe(200);
    expect(sso.can(['org-1-owner'], 'models', 'write', { organization: 'org-1' })).toBe(true);
    // The version read before the change is stale now.
    const stale = await send(
      sso,
      'PATCH',
      'org-1-owner',
      { description: 'x' },
      { 'if-match': role.updatedAt },
    );
    expect(stale.status).toBe(409);
    expect((await stale.json()).error).toBe('concurrent_update');
    expect((await send(sso, 'DELETE', 'org-1-owner')).status).toBe(204);
    expect((await send(sso, 'GET', 'org-1-owner')).status).toBe(404);
    expect(sso.can(['org-1-owner'], 'models', 'read', { organization: 'org-1' })).toBe(false);
    expect(events.map((e) => [e.type, 'role' in e ? e.role : '', 'actor' in e ? e.actor : ''])).toEqual([
      ['role.created', 'org-1-owner', 'root'],
      ['role.updated', 'org-1-owner', 'root'],
      ['role.deleted', 'org-1-owner', 'root'],
    ]);
    expect(events[1]).toMatchObject({ changedFields: ['permissions'] });
  });

  it('refuses what it cannot do, naming why, and writes nothing', async () => {
    const { sso, storage, events } = setUp();
    await sso.ready();
    const before = await storage.roles?.list();
    const refusals: [Response, number, Record<string, unknown>][] = [
      [
        await send(sso, 'POST', undefined, { ...owner, permisions: {} }),
        400,
        { issues: [{ path: 'permisions' }] },
      ],
      [
        await send(sso, 'POST', undefined, { ...owner, permissions: { models: 'read' } }),
        400,
        { issues: [{ path: 'permissions["models"]', message: 'must be an array of strings.' }] },
      ],
      [
        await send(sso, 'POST', undefined, { ...owner, organizationId: undefined }),
        400,
        { error: 'config_invalid' },
      ],
      [
        await send(sso, 'POST', undefined, { name: 'ADMINS' }),
        409,
        { error: 'storage_conflict', reason: 'role_name' },
      ],
      [await send(sso, 'POST', undefined, { name: 'IdP-admin' }), 409, { error: 'storage_conflict' }],
      [await send(sso, 'PATCH', 'admins', { description: 'x' }), 400, { issues: [{ path: 'name' }] }],
      [await send(sso, 'DELETE', 'idp-admin'), 400, { issues: [{ path: 'name' }] }],
      [await send(sso, 'PATCH', 'nobody', {}), 404, { error: 'role_not_found' }],
      [
        await send(sso, 'POST', undefined, owner, { origin: 'https://evil.example' }),
        403,
        { reason: 'origin' },
      ],
      [await send(sso, 'PUT', 'admins', {}), 405, { error: 'method_not_allowed' }],
    ];
    for (const [response, status, body] of refusals) {
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject(body);
    }
    expect(await storage.roles?.list()).toEqual(before);
    expect(events).toEqual([]);
    const message = (await (await send(sso, 'PATCH', 'admins', {})).json()).issues[0].message;
    expect(message).toBe('the role "admins" is defined in code (createSso({ roles })); change it there.');
  });

  it("refuses writes beside the host's own matcher or without a role store", async () => {
    const custom = testSso(BASE, {
      authorizeAdmin: () => true,
      roles: { match: () => ({ roles: [], matches: [], refused: [] }), roleDefinitions: [] } as never,
    });
    expect(await (await send(custom.sso, 'POST', undefined, owner)).json()).toMatchObject({
      issues: [{ path: 'roles', message: expect.stringContaining('your own role matcher') }],
    });
  });
});
