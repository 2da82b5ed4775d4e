/**
 * Test Provider's live test: an admin starts a real login through the IdP from the admin API, and it
 * comes back to a report (profile, roles, group-sync diff, unmatched groups, findings) instead of a
 * session. OIDC against oidc-provider through sso.handle(); SAML against @ssokit/dev-idp over HTTP,
 * with Ada typing her password. Afterwards the store holds no user, membership or session, no session
 * cookie was set, and the audit hook saw only `connection.test_login`.
 */

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuditEvent } from '@ssokit/core';
import { type DevIdp, startDevIdp } from '@ssokit/dev-idp';
import type { SessionStore, SsoStorage } from '@ssokit/storage';
import { memoryRawReader, memorySnapshot } from '@ssokit/storage/testkit';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, jarFetch, rememberCookies, setsSession } from 'ssokit-test-fixtures/http';
import { browserLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sso } from '../src/index.ts';
import { toWebRequest, writeWebResponse } from '../src/node/index.ts';
import { testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const CALLBACK = `${BASE}/sso/oidc/callback`;
const ADMIN = 'admin@example.com';
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK] });
});
afterAll(() => op.close());

/**
 * An app whose roles are `admins` (granted by this connection) and whose only app group is `admins`:
 * Ada's IdP groups are admins and ml-engineers, so ml-engineers matches nothing.
 */
async function setup(extra: Record<string, unknown> = {}, oidc: Record<string, unknown> = {}) {
  const events: AuditEvent[] = [];
  const { sso, storage } = testSso(BASE, {
    authorizeAdmin: () => ADMIN,
    audit: (event) => void events.push(event),
    roles: { roleDefinitions: [{ name: 'admins', grantedBy: ['local-op'] }] },
  });
  await storage.groups.create({ id: 'g-admins', name: 'admins' });
  const connection = await storage.connections.create(
    oidcConnection(
      op.issuer,
      { id: 'local-op', groupSync: { enabled: true, removeRevoked: true }, ...extra },
      oidc,
    ),
  );
  return { sso, storage, connection, events };
}

/** The admin's browser: one cookie jar for the app, requests as a same-origin page sends them. */
function adminBrowser(sso: Sso) {
  const jar = new Map<string, string>();
  const host = new URL(BASE).host;
  const send = async (url: string, init: RequestInit = {}) => {
    const response = await sso.handle(
      new Request(new URL(url, BASE), {
        ...init,
        headers: {
          'sec-fetch-site': 'same-origin',
          cookie: jar.get(host) ?? '',
          ...(init.headers as object),
        },
      }),
    );
    rememberCookies(jar, new URL(url, BASE), response);
    return response;
  };
  return { jar, send, cookie: () => jar.get(host) ?? '' };
}

/** The admin asks for a test login of `id` and opens the start URL: the redirect to the IdP. */
async function startTestLogin(browser: ReturnType<typeof adminBrowser>, id: string, body: object = {}) {
  const minted = await browser.send(`/sso/admin/connections/${id}/test-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', origin: BASE },
    body: JSON.stringify(body),
  });
  expect(minted.status).toBe(200);
  const { url } = (await minted.json()) as { url: string };
  const start = await browser.send(url);
  expect(start.status, await start.clone().text()).toBe(302);
  return { url, start, location: new URL(start.headers.get('location') as string) };
}

/** A whole OIDC test login: start, the OP, the callback. */
async function oidcTestLogin(sso: Sso, id: string, body: object = { returnTo: '/admin/sso' }) {
  const browser = adminBrowser(sso);
  const { location } = await startTestLogin(browser, id, body);
  const callback = await browserLogin(location, new Map(), CALLBACK);
  const done = await browser.send(`${CALLBACK}?${callback.params}`);
  return { browser, done };
}

/** Nothing of a login was written for Ada: no user, no identity, no membership, no session. */
async function expectNothingWritten(storage: SsoStorage, issuer: string) {
  expect(await memoryRawReader(storage).userCount()).toBe(0);
  expect(await storage.users.findByIdentity({ issuer, subject: 'ada-uuid' })).toBeNull();
  expect(await storage.users.findByEmail('ada@example.com')).toBeNull();
  expect(await storage.memberships.listForGroup('g-admins')).toEqual([]);
  expect(await (storage.sessions as SessionStore).list({ connectionId: 'local-op' })).toEqual([]);
}

describe('a live test login (OIDC, oidc-provider)', () => {
  it('comes back to a preview: profile, roles, group-sync diff, unmatched groups; writes nothing but the test event', async () => {
    const { sso, storage, connection, events } = await setup();
    const before = memorySnapshot(storage);
    const { browser, done } = await oidcTestLogin(sso, connection.id);
    expect(done.status).toBe(303);
    const landing = new URL(done.headers.get('location') as string, BASE);
    expect(landing.pathname).toBe('/admin/sso');
    const resultId = landing.searchParams.get('testLogin') as string;
    expect(resultId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(setsSession(done)).toBe(false);
    expect(done.headers.getSetCookie().some((c) => c.startsWith('sso_tx=;'))).toBe(true);

    const read = await browser.send(`/sso/admin/connections/${connection.id}/test-login/${resultId}`);
    expect(read.status).toBe(200);
    const report = await read.json();
    expect(report).toMatchObject({
      id: resultId,
      connectionId: 'local-op',
      name: 'Local OP',
      protocol: 'oidc',
      outcome: 'would-succeed',
      actor: ADMIN,
      identity: { issuer: op.issuer, subject: 'ada-uuid' },
      claims: { email: 'ada@example.com', groups: ['admins', 'ml-engineers'] },
      preview: {
        outcome: 'would-succeed',
        profile: { email: 'ada@example.com', emailVerified: true, name: 'Ada Lovelace' },
        roles: ['admins'],
        user: { id: null, resolution: 'created' },
        groupSync: {
          add: [{ id: 'g-admins', name: 'admins' }],
          remove: [],
          kept: [],
          unmatched: ['ml-engineers'],
        },
        unmatchedGroups: ['ml-engineers'],
      },
    });
    expect(report.findings).toContainEqual(expect.objectContaining({ check: 'login', status: 'ok' }));
    expect(report.findings).toContainEqual(expect.objectContaining({ check: 'mapping', status: 'ok' }));
    // No token in the report: neither the ID token nor what is only about the token.
    expect(report.claims).not.toHaveProperty('nonce');
    expect(JSON.stringify(report)).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);

    // A reload reads it again.
    expect(
      (await browser.send(`/sso/admin/connections/${connection.id}/test-login/${resultId}`)).status,
    ).toBe(200);
    expect(memorySnapshot(storage)).toBe(before);
    await expectNothingWritten(storage, op.issuer);
    expect(events).toEqual([
      {
        type: 'connection.test_login',
        at: expect.any(Date),
        connectionId: 'local-op',
        outcome: 'succeeded',
        actor: ADMIN,
        identity: { issuer: op.issuer, subject: 'ada-uuid' },
      },
    ]);
  });

  it('a report read while the store is full is still answered; a later reload finds it gone', async () => {
    const { sso, storage, connection } = await setup();
    const { browser, done } = await oidcTestLogin(sso, connection.id);
    const id = new URL(done.headers.get('location') as string, BASE).searchParams.get('testLogin');
    const path = `/sso/admin/connections/${connection.id}/test-login/${id}`;
    const transactions = storage.transactions;
    const put = transactions.put;
    transactions.put = async () => {
      throw new Error('The store is full.');
    };
    try {
      const read = await browser.send(path, { headers: { accept: 'application/json' } });
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ id, outcome: 'would-succeed' });
    } finally {
      transactions.put = put;
    }
    const reload = await browser.send(path, { headers: { accept: 'application/json' } });
    expect(reload.status).toBe(400);
    expect(await reload.json()).toMatchObject({ error: 'transaction_expired', reason: 'test_login_result' });
  });

  it('without returnTo the browser lands on the JSON report; a returnTo with a query and fragment keeps them', async () => {
    const { sso, connection } = await setup();
    const plain = await oidcTestLogin(sso, connection.id, {});
    const location = plain.done.headers.get('location') as string;
    expect(location).toMatch(
      new RegExp(`^${BASE}/sso/admin/connections/local-op/test-login/[A-Za-z0-9_-]{32}$`),
    );
    const report = await (await plain.browser.send(location)).json();
    expect(report.outcome).toBe('would-succeed');

    const kept = await oidcTestLogin(sso, connection.id, { returnTo: '/admin/sso?tab=okta#results' });
    expect(kept.done.headers.get('location')).toMatch(
      /^\/admin\/sso\?tab=okta&testLogin=[A-Za-z0-9_-]{32}#results$/,
    );
  });

  it('works on an inactive connection, while a normal login there stays refused', async () => {
    const { sso, storage, connection, events } = await setup({ active: false });
    const normal = await sso.handle(
      new Request(`${BASE}/sso/login/${connection.id}`, { headers: { accept: 'application/json' } }),
    );
    expect(normal.status).toBe(403);
    expect(await normal.json()).toMatchObject({ error: 'connection_inactive' });

    const { browser, done } = await oidcTestLogin(sso, connection.id);
    expect(done.status).toBe(303);
    expect(setsSession(done)).toBe(false);
    const id = new URL(done.headers.get('location') as string, BASE).searchParams.get('testLogin');
    const report = await (
      await browser.send(`/sso/admin/connections/${connection.id}/test-login/${id}`)
    ).json();
    expect(report).toMatchObject({ outcome: 'would-succeed', status: 'warning' });
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        check: 'active',
        status: 'warning',
        fix: 'Activate it when the test passes.',
      }),
    );
    await expectNothingWritten(storage, op.issuer);
    expect(events.map((e) => e.type)).toEqual(['connection.test_login']);
  });

  it('a login the policy would refuse (no verified email where one is required) is a report with the code and fix', async () => {
    const { sso, storage, connection, events } = await setup(
      { provisioning: { requireVerifiedEmail: true, createUsers: true } },
      // Without the email scope the OP sends neither email nor email_verified.
      { scopes: ['openid', 'profile'] },
    );
    const { browser, done } = await oidcTestLogin(sso, connection.id);
    expect(done.status).toBe(303);
    expect(setsSession(done)).toBe(false);
    const id = new URL(done.headers.get('location') as string, BASE).searchParams.get('testLogin');
    const report = await (
      await browser.send(`/sso/admin/connections/${connection.id}/test-login/${id}`)
    ).json();
    expect(report).toMatchObject({
      outcome: 'would-fail',
      status: 'error',
      identity: { subject: 'ada-uuid' },
      error: { code: 'email_not_verified', stage: 'mapping', fix: expect.stringContaining('email_verified') },
      preview: { outcome: 'would-fail', error: { code: 'email_not_verified' } },
    });
    expect(report.claims).not.toHaveProperty('email_verified');
    await expectNothingWritten(storage, op.issuer);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'connection.test_login',
        outcome: 'failed',
        code: 'email_not_verified',
      }),
    ]);
  });

  it("the IdP's refusal (access_denied at the callback) is a report with idp_error, not an error page", async () => {
    const { sso, storage, connection, events } = await setup();
    const browser = adminBrowser(sso);
    const { location } = await startTestLogin(browser, connection.id, { returnTo: '/admin/sso' });
    const state = location.searchParams.get('state') as string;
    const done = await browser.send(
      `${CALLBACK}?error=access_denied&error_description=The+user+is+not+assigned+to+this+app&state=${state}`,
    );
    expect(done.status).toBe(303);
    const id = new URL(done.headers.get('location') as string, BASE).searchParams.get('testLogin');
    const report = await (
      await browser.send(`/sso/admin/connections/${connection.id}/test-login/${id}`)
    ).json();
    expect(report).toMatchObject({
      outcome: 'would-fail',
      status: 'error',
      error: { code: 'idp_error', stage: 'response', fix: expect.any(String) },
    });
    expect(report.error.message).toContain('not assigned');
    expect(report).not.toHaveProperty('identity');
    await expectNothingWritten(storage, op.issuer);
    expect(events).toEqual([
      expect.objectContaining({ type: 'connection.test_login', outcome: 'failed', code: 'idp_error' }),
    ]);
  });

  it('a start whose IdP cannot be reached is a report (idp_unreachable, stage start), not an error page', async () => {
    const { sso, storage, events } = await setup();
    await storage.connections.create(
      oidcConnection('http://127.0.0.1:9', { id: 'down', name: 'Down', active: false }),
    );
    const before = memorySnapshot(storage);
    const browser = adminBrowser(sso);
    const minted = await browser.send('/sso/admin/connections/down/test-login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', origin: BASE },
      body: JSON.stringify({ returnTo: '/admin/sso?tab=down' }),
    });
    expect(minted.status).toBe(200);
    const { url } = (await minted.json()) as { url: string };
    // The browser navigates there, as it does to any link.
    const start = await browser.send(url, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(start.status, await start.clone().text()).toBe(303);
    const landing = new URL(start.headers.get('location') as string, BASE);
    expect(landing.pathname).toBe('/admin/sso');
    expect(landing.searchParams.get('tab')).toBe('down');
    const id = landing.searchParams.get('testLogin') as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(setsSession(start)).toBe(false);

    const read = await browser.send(`/sso/admin/connections/down/test-login/${id}`);
    expect(read.status).toBe(200);
    const report = await read.json();
    expect(report).toMatchObject({
      id,
      connectionId: 'down',
      name: 'Down',
      protocol: 'oidc',
      outcome: 'would-fail',
      status: 'error',
      actor: ADMIN,
      error: { code: 'idp_unreachable', stage: 'start', fix: expect.any(String) },
    });
    expect(report.findings).toContainEqual(
      expect.objectContaining({ check: 'login', status: 'error', fix: report.error.fix }),
    );
    expect(report).not.toHaveProperty('identity');
    expect(memorySnapshot(storage)).toBe(before);
    await expectNothingWritten(storage, 'http://127.0.0.1:9');
    expect(events).toEqual([
      {
        type: 'connection.test_login',
        at: expect.any(Date),
        connectionId: 'down',
        outcome: 'failed',
        code: 'idp_unreachable',
        actor: ADMIN,
      },
    ]);
  });

  it('a connection deleted before the start is a report (connection_not_found, stage start) on the JSON route', async () => {
    const { sso, storage, connection, events } = await setup();
    const browser = adminBrowser(sso);
    const minted = await browser.send(`/sso/admin/connections/${connection.id}/test-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', origin: BASE },
      body: '{}',
    });
    const { url } = (await minted.json()) as { url: string };
    await storage.connections.delete(connection.id);
    const start = await browser.send(url, { headers: { accept: 'text/html' } });
    expect(start.status).toBe(303);
    const location = start.headers.get('location') as string;
    expect(location).toMatch(
      new RegExp(`^${BASE}/sso/admin/connections/local-op/test-login/[A-Za-z0-9_-]{32}$`),
    );
    const report = await (await browser.send(location)).json();
    expect(report).toMatchObject({
      connectionId: 'local-op',
      protocol: 'oidc',
      outcome: 'would-fail',
      error: { code: 'connection_not_found', stage: 'start', fix: expect.any(String) },
    });
    expect(report).not.toHaveProperty('name');
    expect(events).toEqual([
      expect.objectContaining({
        type: 'connection.test_login',
        outcome: 'failed',
        code: 'connection_not_found',
      }),
    ]);
  });

  it('a normal login afterwards is unaffected: it logs in and writes as always', async () => {
    const { sso, storage, connection, events } = await setup();
    await oidcTestLogin(sso, connection.id);
    const start = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}?returnTo=/projects`));
    const callback = await browserLogin(
      new URL(start.headers.get('location') as string),
      new Map(),
      CALLBACK,
    );
    const done = await sso.handle(
      new Request(`${CALLBACK}?${callback.params}`, { headers: { cookie: cookiesOf(start).join('; ') } }),
    );
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/projects');
    expect(setsSession(done)).toBe(true);
    expect(await memoryRawReader(storage).userCount()).toBe(1);
    expect(events.map((e) => e.type)).toContain('login.succeeded');
  });
});

describe('a live test login (SAML, dev-idp over HTTP)', () => {
  const REALM = readFileSync(
    new URL('../../../examples/keycloak/realm-export.json', import.meta.url),
    'utf8',
  );
  let idp: DevIdp;
  let app: Server;
  let base = '';
  let sso: Sso;
  let storage: SsoStorage;
  const events: AuditEvent[] = [];

  beforeAll(async () => {
    app = createServer();
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    idp = await startDevIdp({ realm: REALM.replaceAll('${SSOKIT_APP_URL:http://127.0.0.1:3000}', base) });
    ({ sso, storage } = testSso(base, {
      authorizeAdmin: () => ADMIN,
      audit: (event) => void events.push(event),
      roles: { roleDefinitions: [{ name: 'admins', grantedBy: ['*'] }] },
    }));
    app.on('request', async (req, res) =>
      writeWebResponse(res, await sso.handle(await toWebRequest(req, base, req.url))),
    );
    await storage.groups.create({ id: 'g-admins', name: 'admins' });
    await storage.connections.create(
      samlConnection({ url: idp.samlMetadataUrl }, `${base}/sso/saml/metadata/keycloak-saml`, {
        id: 'keycloak-saml',
        name: 'Keycloak (SAML)',
        provider: 'keycloak',
        active: false,
        groupSync: { enabled: true, removeRevoked: true },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    app.close();
    await idp?.close();
  });

  /**
   * The admin's browser over HTTP: asks for a test login, opens the start URL, types Ada's password
   * at the IdP, posts the SAMLResponse (through `tamper` first) to the ACS; stops at the ACS's answer.
   */
  async function samlTestLogin(tamper: (samlResponse: string) => string = (r) => r) {
    const jar = new Map<string, string>();
    const minted = await jarFetch(jar, new URL(`${base}/sso/admin/connections/keycloak-saml/test-login`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ returnTo: '/admin/sso' }),
    });
    expect(minted.status).toBe(200);
    let url = new URL(((await minted.json()) as { url: string }).url);
    let init: RequestInit = {};
    for (let hop = 0; hop < 25; hop++) {
      const response = await jarFetch(jar, url, init);
      if (url.href.startsWith(`${base}/sso/saml/acs`)) return { response, jar };
      const location = response.headers.get('location');
      if (location) {
        url = new URL(location, url);
        init = {};
        continue;
      }
      const html = await response.text();
      const action = /<form[^>]*action="([^"]*)"/i.exec(html)?.[1];
      const form = new URLSearchParams();
      for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi))
        form.set(m[1] as string, (m[2] as string).replace(/&#x2F;|&#47;/g, '/').replace(/&amp;/g, '&'));
      if (/name="password"/.test(html)) {
        form.set('username', 'ada');
        form.set('password', 'ada-demo-password');
      } else if (!action) throw new Error(`Stuck at ${url.href} (${response.status}): ${html.slice(0, 200)}`);
      const samlResponse = form.get('SAMLResponse');
      if (samlResponse) form.set('SAMLResponse', tamper(samlResponse));
      url = new URL((action ?? url.href).replace(/&amp;/g, '&'), url);
      init = { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    }
    throw new Error('Too many hops.');
  }

  const reportOf = async (response: Response, jar: Map<string, string>) => {
    const id = new URL(response.headers.get('location') as string, base).searchParams.get('testLogin');
    const read = await jarFetch(jar, new URL(`${base}/sso/admin/connections/keycloak-saml/test-login/${id}`));
    expect(read.status).toBe(200);
    return read.json();
  };

  it('an inactive SAML connection: the signed answer comes back as a preview with groups; nothing written', async () => {
    events.length = 0;
    const before = memorySnapshot(storage);
    const { response, jar } = await samlTestLogin();
    expect(response.status, await response.clone().text()).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/admin\/sso\?testLogin=/);
    expect(setsSession(response)).toBe(false);
    const report = await reportOf(response, jar);
    expect(report).toMatchObject({
      protocol: 'saml',
      outcome: 'would-succeed',
      identity: { issuer: idp.issuer },
      preview: {
        profile: { email: 'ada@example.com' },
        roles: ['admins'],
        groupSync: { add: [{ id: 'g-admins', name: 'admins' }], unmatched: ['ml-engineers'] },
        unmatchedGroups: ['ml-engineers'],
        user: { id: null, resolution: 'created' },
      },
    });
    expect(report.findings).toContainEqual(expect.objectContaining({ check: 'active', status: 'warning' }));
    expect(JSON.stringify(report)).not.toContain('SAMLResponse');
    expect(memorySnapshot(storage)).toBe(before);
    expect(await memoryRawReader(storage).userCount()).toBe(0);
    expect(await storage.memberships.listForGroup('g-admins')).toEqual([]);
    expect(await (storage.sessions as SessionStore).list({ connectionId: 'keycloak-saml' })).toEqual([]);
    expect(events.map((e) => [e.type, (e as { outcome?: string }).outcome])).toEqual([
      ['connection.test_login', 'succeeded'],
    ]);
  });

  it('an answer whose signature does not verify is a report with the code, and writes nothing', async () => {
    events.length = 0;
    const before = memorySnapshot(storage);
    const { response, jar } = await samlTestLogin((r) =>
      Buffer.from(
        Buffer.from(r, 'base64').toString('utf8').replace('ada@example.com', 'eve@example.com'),
      ).toString('base64'),
    );
    expect(response.status).toBe(303);
    expect(setsSession(response)).toBe(false);
    const report = await reportOf(response, jar);
    expect(report).toMatchObject({
      outcome: 'would-fail',
      error: { code: 'saml_signature_invalid', reason: 'digest', stage: 'response' },
    });
    expect(memorySnapshot(storage)).toBe(before);
    expect(events).toEqual([
      expect.objectContaining({ type: 'connection.test_login', outcome: 'failed', code: report.error.code }),
    ]);
  });
});
