/**
 * Invariant family: the admin API is reachable only through the host's guard, from this site, as JSON;
 * what it saves is validated, secrets are write-only (never returned), and concurrent edits cannot
 * overwrite each other. Every refusal leaves the store unchanged.
 */
import type { AuditEvent } from '@ssokit/core';
import { memoryRawReader } from '@ssokit/storage/testkit';
import { describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'https://app.example.com';
const okta = {
  name: 'Okta',
  protocol: 'oidc',
  provider: 'okta',
  oidc: {
    issuer: 'https://acme.okta.com/oauth2/default',
    clientId: '0oa1',
    clientSecret: 'top-secret-value',
  },
};

function setup(...args: [answer?: unknown]) {
  // An explicit undefined is an answer too (a default parameter would replace it).
  const authorize = args.length > 0 ? args[0] : 'admin@example.com';
  const events: AuditEvent[] = [];
  const { sso, storage } = testSso(BASE, {
    authorizeAdmin: () => authorize as boolean | string,
    audit: (e) => void events.push(e),
  });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    sso.handle(
      new Request(`${BASE}/sso${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
  return { storage, sso, call, events, raw: memoryRawReader(storage) };
}

describe('the admin API', () => {
  it('creates, lists, reads, updates and deletes connections, never returning secrets, with audit events', async () => {
    const { call, events, storage } = setup();
    const created = await call('POST', '/admin/connections', okta);
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({
      name: 'Okta',
      secretsSet: ['oidc.clientSecret'],
      oidc: { clientId: '0oa1', flow: 'code' },
    });
    expect(JSON.stringify(body)).not.toContain('top-secret-value');
    expect(JSON.stringify(await (await call('GET', '/admin/connections')).json())).not.toContain(
      'top-secret-value',
    );
    const patched = await call('PATCH', `/admin/connections/${body.id}`, {
      active: false,
      oidc: { ...okta.oidc, clientSecret: undefined, clientId: '0oa2' },
      updatedAt: body.updatedAt,
    });
    expect(patched.status).toBe(200);
    const stored = await storage.connections.get(body.id);
    expect(stored).toMatchObject({
      active: false,
      oidc: { clientId: '0oa2', clientSecret: 'top-secret-value' },
    });
    const removed = await call('DELETE', `/admin/connections/${body.id}`, undefined, {
      'if-match': `"${stored?.updatedAt.toISOString()}"`,
    });
    expect(removed.status).toBe(204);
    expect(events.map((e) => e.type)).toEqual([
      'connection.created',
      'connection.updated',
      'connection.deleted',
    ]);
    expect(events[1]).toMatchObject({ actor: 'admin@example.com', changedFields: ['active', 'oidc'] });
  });

  it('a stored client secret never follows the connection to another IdP: a new issuer or endpoint needs it again', async () => {
    const { call, storage, events } = setup();
    const created = await (await call('POST', '/admin/connections', okta)).json();
    const before = JSON.stringify(await storage.connections.get(created.id));
    // Security review 1, finding 2: an admin who may not read the secret points the connection at a
    // server of theirs; the next login would send it the secret.
    const moves = [
      { ...okta.oidc, clientSecret: undefined, issuer: 'https://attacker.example.com' },
      { ...okta.oidc, clientSecret: undefined, endpoints: { token: 'https://attacker.example.com/token' } },
    ];
    for (const oidc of moves) {
      const refused = await call('PATCH', `/admin/connections/${created.id}`, { oidc });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        error: 'config_invalid',
        issues: [
          { path: 'oidc.clientSecret', message: expect.stringMatching(/^send the client secret again/) },
        ],
      });
      expect(JSON.stringify(await storage.connections.get(created.id))).toBe(before);
    }
    expect(events.map((e) => e.type)).toEqual(['connection.created']);
    // Sent again with the move, the new secret is stored; the old one is gone.
    const moved = await call('PATCH', `/admin/connections/${created.id}`, {
      oidc: { ...okta.oidc, issuer: 'https://acme.okta.com/oauth2/other', clientSecret: 'new-secret' },
    });
    expect(moved.status).toBe(200);
    expect(await storage.connections.get(created.id)).toMatchObject({
      oidc: { issuer: 'https://acme.okta.com/oauth2/other', clientSecret: 'new-secret' },
    });
  });

  it('does not exist without an authorizeAdmin hook', async () => {
    const { sso } = testSso(BASE);
    expect((await sso.handle(new Request(`${BASE}/sso/admin/connections`))).status).toBe(404);
  });

  it('refuses when the hook says no, and cross-origin writes, writing nothing', async () => {
    const refused = setup(false);
    const denied = await refused.call('POST', '/admin/connections', okta);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: 'forbidden' });
    expect(await refused.raw.connectionCount()).toBe(0);
    const { call, raw } = setup();
    const csrf = await call('POST', '/admin/connections', okta, { origin: 'https://evil.example.com' });
    expect(csrf.status).toBe(403);
    expect(await raw.connectionCount()).toBe(0);
    expect((await call('POST', '/admin/connections', okta, { origin: BASE })).status).toBe(201);
  });

  it('fails closed: a hook answering undefined, null, 0 or an empty string refuses, writing nothing', async () => {
    for (const answer of [undefined, null, 0, '']) {
      const { call, raw } = setup(answer);
      const response = await call('POST', '/admin/connections', okta, { origin: BASE });
      expect(response.status, String(answer)).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'forbidden' });
      expect(await raw.connectionCount()).toBe(0);
    }
  });

  it('answers malformed requests with 400, not a crash: a bad percent-escape, a null settings section', async () => {
    const { call } = setup();
    const created = await (await call('POST', '/admin/connections', okta)).json();
    expect((await call('GET', '/admin/connections/%E0%A4%A')).status).toBe(400);
    const nulled = await call('PATCH', `/admin/connections/${created.id}`, {
      oidc: null,
      updatedAt: created.updatedAt,
    });
    expect(nulled.status).toBe(400);
    expect(await nulled.json()).toMatchObject({ error: 'config_invalid' });
  });

  it("validates on save: field errors with paths, JSON only, and no references to the server's environment", async () => {
    const { call, raw } = setup();
    const invalid = await call('POST', '/admin/connections', {
      ...okta,
      oidc: { issuer: 'http://acme.okta.com', clientID: 'x' },
    });
    expect(invalid.status).toBe(400);
    const body = await invalid.json();
    expect(body.error).toBe('config_invalid');
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'oidc',
      'oidc.clientID',
      'oidc.issuer',
    ]);
    const form = await call('POST', '/admin/connections', undefined, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(400);
    process.env.SSOKIT_TEST_LEAK = 'database-password';
    const leak = await call('POST', '/admin/connections', {
      ...okta,
      oidc: { ...okta.oidc, clientId: '${env:SSOKIT_TEST_LEAK}' },
    });
    expect(leak.status).toBe(400);
    expect(await leak.text()).not.toContain('database-password');
    expect(await raw.connectionCount()).toBe(0);
  });

  it('refuses stale edits (409 concurrent_update), taken names (409) and changes to id or protocol', async () => {
    const { call, raw } = setup();
    const first = await (await call('POST', '/admin/connections', okta)).json();
    await call('POST', '/admin/connections', { ...okta, name: 'Entra' });
    const ok = await call('PATCH', `/admin/connections/${first.id}`, {
      name: 'Okta EU',
      updatedAt: first.updatedAt,
    });
    expect(ok.status).toBe(200);
    const stale = await call('PATCH', `/admin/connections/${first.id}`, {
      name: 'Okta US',
      updatedAt: first.updatedAt,
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ error: 'concurrent_update' });
    const taken = await call('PATCH', `/admin/connections/${first.id}`, { name: 'entra' });
    expect(taken.status).toBe(409);
    expect((await call('PATCH', `/admin/connections/${first.id}`, { protocol: 'saml' })).status).toBe(400);
    expect((await raw.connection(first.id))?.name).toBe('Okta EU');
  });
});
