/**
 * Arthur's roles end to end over real HTTP (a Hono app on @hono/node-server, oidc-provider as the IdP):
 * the global `idp-admin` role comes from Arthur's YAML (`globalRoleDefs`, applied to the role store at
 * start-up as the file's), its holder manages organization roles through `/admin/roles` (guarded by
 * `sso.can(session, 'custom_roles', ...)`), and those roles decide the next logins and, since sessions
 * carry role names only, the permissions of sessions already open.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ARTHUR_CONNECTION_ID, loadArthurConfig } from '@ssokit/config';
import { Hono } from 'hono';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { jarFetch } from 'ssokit-test-fixtures/http';
import { httpOidcLogin, startProvider, type TestOp, users } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

/** Arthur's IdP file, its administrators' group named as in Arthur's guide. */
const YAML = `
version: v2
kind: OIDC
config:
  discoveryBaseURL: https://example.com/oauth2/default
  flowType: PKCE
  clientID: "client id string"
  authorizeScopes: [openid]
  globalRoleDefs:
    - name: idp-admin
      permissions:
        custom_roles: [read, write, delete]
        organization: [read, delete]
  accessTokenValidation:
    type: JWT
    claimMapping: { roles: Groups, userID: EmployeeID, username: Login, email: Login }
    audience: [api://default]
`;

const person = (name: string, groups: string[]) => ({
  sub: `${name}-uuid`,
  email: `${name}@example.com`,
  email_verified: true,
  name,
  given_name: name,
  family_name: 'Doe',
  preferred_username: name,
  groups,
});

let op: TestOp;
let close = () => {};
beforeAll(async () => {
  op = await startProvider({ loopbackRedirects: true });
  users.john = person('john', ['idp-admin', 'org-1-model-owner']);
  users.mary = person('mary', ['org-1-model-owner', 'installation-owner']);
});
afterAll(async () => {
  close();
  delete users.john;
  delete users.mary;
  await op.close();
});

it("Arthur's model: a file's idp-admin manages organization roles that decide permissions", async () => {
  const app = new Hono();
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  close = () => server.close();
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { roleDefinitions } = loadArthurConfig(YAML);
  const audit: { type: string; role?: string; actor?: string }[] = [];
  const { sso, storage } = testSso(base, {
    roleFiles: [{ origin: 'oidc.yaml', roles: roleDefinitions }],
    // Arthur's rule: reading custom roles needs `read`, changing them `write`.
    authorizeAdmin: async (request) => {
      const session = await sso.getSession(request);
      const action = request.method === 'GET' ? 'read' : 'write';
      return session && sso.can(session, 'custom_roles', action) ? session.user.id : false;
    },
    audit: (event) => void audit.push(event as never),
  });
  app.all('/sso/*', (c) => sso.handle(c.req.raw));
  app.get('/orgs/:org/models', async (c) => {
    const session = await sso.getSession(c.req.raw);
    const allowed = sso.can(session, 'models', 'read', { organization: c.req.param('org') });
    return c.json({ allowed }, allowed ? 200 : 403);
  });
  await sso.ready();
  await storage.connections.create({
    ...(oidcConnection(op.issuer) as object),
    id: ARTHUR_CONNECTION_ID,
  } as never);

  const login = async (user: string) => {
    op.nextUser = user;
    const { jar, response } = await httpOidcLogin(base, ARTHUR_CONNECTION_ID);
    expect(response.status).toBe(303);
    return jar;
  };
  const call = (jar: Map<string, string>, path: string, method = 'GET', body?: unknown, headers = {}) =>
    jarFetch(jar, new URL(`${base}${path}`), {
      method,
      headers: { accept: 'application/json', origin: base, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  // John holds the file's idp-admin; his org-1 group maps to no role yet.
  const john = await login('john');
  const before = await (await call(john, '/sso/admin/roles')).json();
  expect(before.roles).toEqual([
    expect.objectContaining({
      name: 'idp-admin',
      source: 'file',
      origin: 'oidc.yaml',
      editable: false,
      grantedBy: [ARTHUR_CONNECTION_ID],
      recentGroups: [expect.objectContaining({ group: 'idp-admin', connectionIds: [ARTHUR_CONNECTION_ID] })],
    }),
  ]);
  expect(before.unmatchedGroups.map((g: { group: string }) => g.group)).toEqual(['org-1-model-owner']);

  // He creates the organization roles, before anyone in them signs in.
  for (const org of ['org-1', 'org-2']) {
    const created = await call(john, '/sso/admin/roles', 'POST', {
      name: `${org}-model-owner`,
      scope: 'organization',
      organizationId: org,
      permissions: { models: ['read', 'write'] },
      grantedBy: [ARTHUR_CONNECTION_ID],
    });
    expect(created.status).toBe(201);
  }
  // A role no connection may grant.
  expect((await call(john, '/sso/admin/roles', 'POST', { name: 'installation-owner' })).status).toBe(201);
  const after = await (await call(john, '/sso/admin/roles')).json();
  const owner = after.roles.find((r: { name: string }) => r.name === 'org-1-model-owner');
  expect(owner).toMatchObject({ source: 'api', editable: true, organizationId: 'org-1' });
  expect(owner.recentGroups.map((g: { group: string }) => g.group)).toEqual(['org-1-model-owner']);
  expect(after.unmatchedGroups).toEqual([]);
  // The file's role changes in the file.
  const edit = await call(john, '/sso/admin/roles/idp-admin', 'PATCH', { permissions: {} });
  expect(edit.status).toBe(400);
  expect(await edit.json()).toMatchObject({
    error: 'config_invalid',
    issues: [{ path: 'name', message: expect.stringContaining('role file "oidc.yaml"') }],
  });

  // Mary signs in: org-1's owner, not org-2's; installation-owner is never granted.
  const mary = await login('mary');
  const session = await (await call(mary, '/sso/session')).json();
  expect(session.session).toMatchObject({ roles: ['org-1-model-owner'], organizations: ['org-1'] });
  expect((await call(mary, '/orgs/org-1/models')).status).toBe(200);
  expect((await call(mary, '/orgs/org-2/models')).status).toBe(403);
  expect((await call(mary, '/sso/admin/roles')).status).toBe(403);
  const refused = (await (await call(john, '/sso/admin/roles')).json()).unmatchedGroups;
  expect(refused).toEqual([
    expect.objectContaining({ group: 'installation-owner', refusedRoles: ['installation-owner'] }),
  ]);

  // Moving the role to org-2 moves Mary's session with it, at once.
  const current = await (await call(john, '/sso/admin/roles/org-1-model-owner')).json();
  const moved = await call(
    john,
    '/sso/admin/roles/ORG-1-model-owner',
    'PATCH',
    { organizationId: 'org-2' },
    {
      'if-match': current.updatedAt,
    },
  );
  expect(moved.status).toBe(200);
  expect((await call(mary, '/orgs/org-1/models')).status).toBe(403);
  expect((await call(mary, '/orgs/org-2/models')).status).toBe(200);
  // Deleting it takes the permission away from her open session.
  expect((await call(john, '/sso/admin/roles/org-1-model-owner', 'DELETE')).status).toBe(204);
  expect((await call(mary, '/orgs/org-2/models')).status).toBe(403);
  const johnId = (await (await call(john, '/sso/session')).json()).session.user.id;
  expect(audit.filter((e) => e.type.startsWith('role.')).map((e) => [e.type, e.role, e.actor])).toEqual([
    ['role.created', 'org-1-model-owner', johnId],
    ['role.created', 'org-2-model-owner', johnId],
    ['role.created', 'installation-owner', johnId],
    ['role.updated', 'org-1-model-owner', johnId],
    ['role.deleted', 'org-1-model-owner', johnId],
  ]);
});
