/**
 * Invariant family: an IdP grants only the roles the host allowed for its connection. Two connections
 * to IdPs that both put the user in a group named "admins": only the one the role names in `grantedBy`
 * makes an admin, so a partner's (or any tenant's) IdP cannot reach the admin API through the
 * documented `authorizeAdmin` recipe. Security review 1, finding 7.
 */

import type { AuditEvent } from '@ssokit/core';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, sessionCookiesOf } from 'ssokit-test-fixtures/http';
import { browserLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sso } from '../src/index.ts';
import { testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const CALLBACK = `${BASE}/sso/oidc/callback`;
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK] });
});
afterAll(() => op.close());

/** A whole login of Ada (IdP group "admins") through the connection `id`; the session cookies. */
async function login(sso: Sso, id: string): Promise<string> {
  const start = await sso.handle(new Request(`${BASE}/sso/login/${id}`));
  const callback = await browserLogin(new URL(start.headers.get('location') as string), new Map(), CALLBACK);
  const done = await sso.handle(
    new Request(`${CALLBACK}?${callback.params}`, { headers: { cookie: cookiesOf(start).join('; ') } }),
  );
  expect(done.status).toBe(303);
  return sessionCookiesOf(done).join('; ');
}

async function setup(grantedBy?: string[], extra: Partial<Parameters<typeof testSso>[1]> = {}) {
  let sso: Sso;
  const app = testSso(BASE, {
    ...extra,
    roles: {
      roleDefinitions: [{ name: 'admins', ...(grantedBy ? { grantedBy } : {}) }, { name: 'viewers' }],
    },
    // docs/server.md's recipe
    authorizeAdmin: async (request) => {
      const session = await sso.getSession(request);
      return session?.roles.includes('admins') ? (session.user.email ?? session.user.id) : false;
    },
  });
  sso = app.sso;
  const employees = await app.storage.connections.create(
    oidcConnection(op.issuer, { id: 'c-employees', name: 'Employees' }),
  );
  const partner = await app.storage.connections.create(
    oidcConnection(op.issuer, { id: 'c-partner', name: 'Partner' }),
  );
  const roles = async (cookie: string) =>
    (await sso.getSession(new Request(BASE, { headers: { cookie } })))?.roles;
  const admin = async (cookie: string) =>
    (
      await sso.handle(
        new Request(`${BASE}/sso/admin/connections`, { headers: { cookie, accept: 'application/json' } }),
      )
    ).status;
  return { sso, employees, partner, roles, admin };
}

describe('roles are scoped to the connections allowed to grant them', () => {
  it('only the connection a role names grants it; the other IdP gets nothing from the same group', async () => {
    const { sso, employees, partner, roles, admin } = await setup(['c-employees']);
    const staff = await login(sso, employees.id);
    expect(await roles(staff)).toEqual(['admins']);
    expect(await admin(staff)).toBe(200);
    const outsider = await login(sso, partner.id);
    expect(await roles(outsider)).toEqual([]);
    expect(await admin(outsider)).toBe(403);
  });

  it("by connection id only, never by a name an admin can choose; '*' for every connection", async () => {
    const byId = await setup(['c-partner']);
    expect(await byId.roles(await login(byId.sso, byId.partner.id))).toEqual(['admins']);
    expect(await byId.roles(await login(byId.sso, byId.employees.id))).toEqual([]);
    // A connection whose name is the granted id (names are free text in the admin API) gets nothing.
    const byName = await setup(['Employees']);
    expect(await byName.roles(await login(byName.sso, byName.employees.id))).toEqual([]);
    const everyone = await setup(['*']);
    expect(await everyone.roles(await login(everyone.sso, everyone.partner.id))).toEqual(['admins']);
  });

  it('a role without grantedBy is granted by no IdP (the secure default)', async () => {
    const { sso, employees, partner, roles, admin } = await setup();
    for (const id of [employees.id, partner.id]) {
      const cookie = await login(sso, id);
      expect(await roles(cookie)).toEqual([]);
      expect(await admin(cookie)).toBe(403);
    }
  });

  it('a refused role is in the audit of each login, and onWarning hears it once per connection and role', async () => {
    const events: AuditEvent[] = [];
    const warnings: [string, Record<string, unknown> | undefined][] = [];
    const { sso, employees, partner } = await setup(['c-employees'], {
      audit: (event) => void events.push(event),
      onWarning: (code, _message, details) => void warnings.push([code, details]),
    });
    await login(sso, partner.id);
    await login(sso, partner.id);
    await login(sso, employees.id);
    const succeeded = events.filter((e) => e.type === 'login.succeeded');
    expect(succeeded.map((e) => [e.connectionId, e.roles, e.refusedRoles])).toEqual([
      ['c-partner', [], ['admins']],
      ['c-partner', [], ['admins']],
      ['c-employees', ['admins'], []],
    ]);
    expect(warnings).toEqual([['role-not-granted', { connectionId: 'c-partner', role: 'admins' }]]);
  });

  it('Test Provider tells the admin what a connection may not grant', async () => {
    const { sso, partner, employees } = await setup(['c-employees']);
    const sample = {
      claims: { sub: 'u1', email: 'u1@example.com', email_verified: true, groups: ['admins'] },
    };
    const outsider = await sso.testConnection(partner.id, sample);
    expect(outsider.preview).toMatchObject({
      roles: [],
      refusedRoles: [{ group: 'admins', role: 'admins' }],
    });
    expect(outsider.findings).toContainEqual(
      expect.objectContaining({
        check: 'mapping.roles',
        status: 'warning',
        fix: expect.stringContaining('add this connection\'s id ("c-partner") to each role\'s "grantedBy"'),
      }),
    );
    const staff = await sso.testConnection(employees.id, sample);
    expect(staff.preview?.roles).toEqual(['admins']);
    expect(staff.preview?.refusedRoles).toBeUndefined();
  });
});
