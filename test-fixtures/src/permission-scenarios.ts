/**
 * The adapter suite's authorization scenarios (./adapter-suite.ts runs them; its header documents the
 * routes an app provides): Arthur's roles over real HTTP. John Doe, the person of Arthur's example
 * token, owns org-1's models through the organization role `org-1-model-owner`, manages custom roles
 * through the global role `idp-admin`, and is in an IdP group named after a role no connection may
 * grant. His session and a bearer token with his groups get the same answers; a group removed at the
 * IdP takes his permission away at the next login, and at once when his sessions are revoked.
 */
import type { RoleDefinition } from '@ssokit/core';
import { expect, it } from 'vitest';
import type { AdapterApp, AdapterPeers } from './adapter-suite.ts';
import { jarFetch } from './http.ts';
import { httpOidcLogin, type TestUser, users } from './oidc-provider.ts';

/** The OIDC connection's id in every app of the suite: the connection the roles name in `grantedBy`. */
const CONNECTION = 'local-op';

/**
 * The roles of the app's `sso` (`createSso({ roles: { roleDefinitions: ADAPTER_ROLES } })`): `admins`,
 * and Arthur's roles. `installation-owner` names no connection in `grantedBy`, so no login grants it.
 */
export const ADAPTER_ROLES: readonly RoleDefinition[] = [
  { name: 'admins', grantedBy: [CONNECTION] },
  {
    name: 'idp-admin',
    permissions: { custom_roles: ['read', 'write', 'delete'], organization: ['read', 'delete'] },
    grantedBy: [CONNECTION],
  },
  ...['org-1', 'org-2'].map(
    (org): RoleDefinition => ({
      name: `${org}-model-owner`,
      scope: 'organization',
      organizationId: org,
      permissions: { models: ['read', 'write'] },
      grantedBy: [CONNECTION],
    }),
  ),
  { name: 'installation-owner', permissions: { installation: ['manage'] } },
];

/** The permission routes of the contract, with what John may do on each. */
const ROUTES = [
  { path: '/orgs/org-1/models', status: 200 },
  { path: '/orgs/org-2/models', status: 403 },
  { path: '/custom-roles', status: 200 },
  { path: '/installation', status: 403 },
] as const;

/** John Doe of Arthur's example token, in the OP for the time of `run`. */
async function asJohn<T>(peers: AdapterPeers, run: (john: TestUser) => Promise<T>): Promise<T> {
  const john: TestUser = {
    sub: 'john-uuid',
    email: 'john.doe@example.com',
    email_verified: true,
    name: 'John Doe',
    given_name: 'John',
    family_name: 'Doe',
    preferred_username: 'john.doe',
    groups: ['idp-admin', 'org-1-model-owner', 'installation-owner'],
  };
  users.john = john;
  const before = peers.op.nextUser;
  peers.op.nextUser = 'john';
  try {
    return await run(john);
  } finally {
    peers.op.nextUser = before;
    delete users.john;
  }
}

/** GET `path` as JSON, with the jar's cookies and `headers`; the status and the body. */
async function get(
  app: AdapterApp,
  path: string,
  jar: Map<string, string>,
  headers?: Record<string, string>,
) {
  const response = await jarFetch(jar, new URL(`${app.base}${path}`), {
    headers: { accept: 'application/json', ...headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A whole OIDC login of the OP's current user; the jar holding the session. */
async function login(app: AdapterApp): Promise<Map<string, string>> {
  const { jar, response } = await httpOidcLogin(app.base, app.oidcId);
  expect(response.status).toBe(303);
  return jar;
}

/** Registers the scenarios; `start` starts an app on the suite's contract. */
export function permissionScenarios(peers: AdapterPeers, start: () => Promise<AdapterApp>): void {
  it("requirePermission: an organization role in its organization only, a global role anywhere, a role no connection may grant never (Arthur's roles)", async () => {
    const app = await start();
    expect((await get(app, '/orgs/org-1/models', new Map())).status).toBe(401);
    await asJohn(peers, async () => {
      const jar = await login(app);
      const me = await get(app, '/me', jar);
      expect(me.body).toMatchObject({
        roles: ['idp-admin', 'org-1-model-owner'],
        organizations: ['org-1'],
        session: { organizations: ['org-1'] },
      });
      const own = await get(app, '/orgs/org-1/models', jar);
      expect(own).toEqual({
        status: 200,
        body: {
          kind: 'session',
          user: (me.body.user as { id: string }).id,
          roles: ['idp-admin', 'org-1-model-owner'],
          organizations: ['org-1'],
        },
      });
      const other = await get(app, '/orgs/org-2/models', jar);
      expect(other.status).toBe(403);
      expect(other.body).toMatchObject({ error: 'forbidden', reason: 'permission' });
      expect(other.body.message).toMatch(/read models in the organization "org-2"/);
      expect((await get(app, '/custom-roles', jar)).status).toBe(200);
      const installation = await get(app, '/installation', jar);
      expect(installation.status).toBe(403);
      expect(installation.body).toMatchObject({ error: 'forbidden', reason: 'permission' });
      expect(installation.body.message).toMatch(/manage installation/);
    });
  });

  it("a bearer token with John's groups gets the answers his session gets", async () => {
    const app = await start();
    await asJohn(peers, async (john) => {
      const jar = await login(app);
      const token = await peers.tokens.mint({ sub: john.sub, groups: john.groups });
      const bearer = { authorization: `Bearer ${token}` };
      for (const { path, status } of ROUTES) {
        const bySession = await get(app, path, jar);
        const byToken = await get(app, path, new Map(), bearer);
        expect([bySession.status, byToken.status], path).toEqual([status, status]);
        if (status === 200) {
          expect(byToken.body).toEqual({
            ...bySession.body,
            kind: 'bearer',
            user: john.sub, // the IdP's id: a token names no app user
          });
        } else expect(byToken.body).toEqual(bySession.body);
      }
    });
  });

  it('a group removed at the IdP: the permission goes at the next login, and at once when the sessions are revoked', async () => {
    const app = await start();
    await asJohn(peers, async (john) => {
      const jar = await login(app);
      const userId = ((await get(app, '/me', jar)).body.user as { id: string }).id;
      expect((await get(app, '/orgs/org-1/models', jar)).status).toBe(200);
      john.groups = john.groups.filter((group) => group !== 'org-1-model-owner');
      // A session keeps the roles of its login ...
      expect((await get(app, '/orgs/org-1/models', jar)).status).toBe(200);
      // ... until it is revoked (server-side sessions: on every instance, at once).
      expect(await app.revokeSessions({ userId })).toBe(1);
      expect((await get(app, '/orgs/org-1/models', jar)).status).toBe(401);
      const again = await login(app);
      const refused = await get(app, '/orgs/org-1/models', again);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: 'forbidden', reason: 'permission' });
      expect((await get(app, '/me', again)).body).toMatchObject({ roles: ['idp-admin'], organizations: [] });
      expect((await get(app, '/custom-roles', again)).status).toBe(200);
    });
  });
}
