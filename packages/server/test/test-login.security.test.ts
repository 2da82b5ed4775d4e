/**
 * Invariant family: a test login is an admin's, in the admin's browser, and never a login. Only an
 * admin starts one or reads its report, from this site; a start URL works once, in the browser and for
 * the admin that asked for it, for five minutes; a report is read in that browser, under its own
 * connection, for ten minutes. Whether a login is a test is decided server-side: a test cannot finish
 * as a login, a login cannot become a test, and no replay of the IdP's answer ever sets a session.
 * Every refusal is an SsoError with a stable code (and `reason`).
 */
import { type AuditEvent, now } from '@ssokit/core';
import type { SessionStore } from '@ssokit/storage';
import { memorySnapshot } from '@ssokit/storage/testkit';
import * as samlify from 'samlify';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, rememberCookies, setsSession } from 'ssokit-test-fixtures/http';
import { browserLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { answerAuthnRequest, redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sso, SsoOptions } from '../src/index.ts';
import { acsPost, testSso } from './helpers.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

const BASE = 'http://127.0.0.1:3000';
const CALLBACK = `${BASE}/sso/oidc/callback`;
let op: TestOp;
let idp: Awaited<ReturnType<typeof redirectBindingIdp>>;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK] });
  idp = await redirectBindingIdp();
});
afterAll(() => op.close());

/**
 * An app whose admin hook names the admin from the `x-admin` header (none: not an admin), with a clock
 * the test moves, an OIDC connection `local-op` (inactive: testing it is what admins do) and a second
 * one, `other-op`.
 */
async function setup(options: Partial<SsoOptions> = {}) {
  let clock = Date.now();
  const events: AuditEvent[] = [];
  const { sso, storage } = testSso(BASE, {
    authorizeAdmin: (request) => request.headers.get('x-admin') ?? false,
    audit: (event) => void events.push(event),
    [now]: () => clock,
    ...options,
  });
  await storage.connections.create(oidcConnection(op.issuer, { id: 'local-op', active: false }));
  await storage.connections.create(oidcConnection(op.issuer, { id: 'other-op', name: 'Other OP' }));
  const advance = (ms: number) => {
    clock += ms;
  };
  return { sso, storage, events, advance };
}

/** A browser with its own cookies; `admin` names who the host's session says is signed in. */
function browser(sso: Sso, admin?: string) {
  const jar = new Map<string, string>();
  const host = new URL(BASE).host;
  const send = async (url: string, init: RequestInit = {}) => {
    const response = await sso.handle(
      new Request(new URL(url, BASE), {
        ...init,
        headers: {
          accept: 'application/json',
          'sec-fetch-site': 'same-origin',
          cookie: jar.get(host) ?? '',
          ...(admin ? { 'x-admin': admin } : {}),
          ...(init.headers as object),
        },
      }),
    );
    rememberCookies(jar, new URL(url, BASE), response);
    return response;
  };
  const mint = (id = 'local-op', body: object = { returnTo: '/admin/sso' }) =>
    send(`/sso/admin/connections/${id}/test-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BASE },
      body: JSON.stringify(body),
    });
  const startUrl = async (id = 'local-op') => {
    const minted = await mint(id);
    expect(minted.status).toBe(200);
    return ((await minted.json()) as { url: string }).url;
  };
  /** Puts `name=value` pairs in the jar, as another site's script or a sibling subdomain could. */
  const plant = (pairs: string) => jar.set(host, pairs);
  return { send, mint, startUrl, plant, cookie: () => jar.get(host) ?? '' };
}

/** A refusal's status and JSON body. */
async function refusal(response: Response) {
  return { status: response.status, body: await response.json() };
}

/** A whole OIDC test login in `admin`'s browser: the callback's answer and the report's id. */
async function testLogin(b: ReturnType<typeof browser>) {
  const start = await b.send(await b.startUrl());
  expect(start.status).toBe(302);
  const callback = await browserLogin(new URL(start.headers.get('location') as string), new Map(), CALLBACK);
  const url = `${CALLBACK}?${callback.params}`;
  const cookie = b.cookie();
  const done = await b.send(url);
  expect(done.status).toBe(303);
  const resultId = new URL(done.headers.get('location') as string, BASE).searchParams.get(
    'testLogin',
  ) as string;
  return { done, resultId, replay: { url, cookie } };
}

describe('test logins: who may start and read them', () => {
  it('a non-admin can neither ask for a start URL, open one, nor read a report', async () => {
    const { sso, storage } = await setup();
    const admin = browser(sso, 'ada@example.com');
    const { resultId } = await testLogin(admin);
    const before = memorySnapshot(storage);
    const visitor = browser(sso);
    expect(await refusal(await visitor.mint())).toEqual({
      status: 403,
      body: { error: 'forbidden', message: expect.any(String), reason: 'admin' },
    });
    // The admin's own start URL, opened in the admin's browser by someone the hook does not admit.
    const url = await admin.startUrl();
    const asVisitor = await sso.handle(
      new Request(url, { headers: { accept: 'application/json', cookie: admin.cookie() } }),
    );
    expect(await refusal(asVisitor)).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'admin' },
    });
    const read = await sso.handle(
      new Request(`${BASE}/sso/admin/connections/local-op/test-login/${resultId}`, {
        headers: { accept: 'application/json', cookie: admin.cookie() },
      }),
    );
    expect(await refusal(read)).toMatchObject({ status: 403, body: { error: 'forbidden', reason: 'admin' } });
    expect(memorySnapshot(storage)).toBe(before);
  });

  it('cross-site: a POST from another origin and a start URL opened from another site are refused', async () => {
    const { sso } = await setup();
    const admin = browser(sso, 'ada@example.com');
    const forged = await admin.send('/sso/admin/connections/local-op/test-login', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
      body: '{}',
    });
    expect(await refusal(forged)).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'origin' },
    });
    const url = await admin.startUrl();
    const linked = await admin.send(url, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(await refusal(linked)).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'origin' },
    });
    expect(setsSession(linked)).toBe(false);
    expect(linked.headers.getSetCookie().some((c) => /^sso_tx=[^;]/.test(c))).toBe(false);
  });

  it('refuses a returnTo off this site and a route or method that does not exist', async () => {
    const { sso } = await setup();
    const admin = browser(sso, 'ada@example.com');
    for (const returnTo of ['https://evil.example/', '//evil.example', '/\\evil.example', 42])
      expect(await refusal(await admin.mint('local-op', { returnTo }))).toMatchObject({
        status: 400,
        body: { error: 'invalid_return_to' },
      });
    expect(await refusal(await admin.mint('no-such-connection'))).toMatchObject({
      status: 404,
      body: { error: 'connection_not_found' },
    });
    expect((await admin.send('/sso/admin/connections/local-op/test-login')).status).toBe(405);
    expect(
      (await admin.send('/sso/admin/connections/local-op/test-login/start', { method: 'POST' })).status,
    ).toBe(405);
  });
});

describe('test logins: the test cookie', () => {
  it('a value planted by another admin is replaced, never adopted: the planter cannot read the report', async () => {
    // No actor names: the hook answers `true`, so only the browser binds a test.
    const { sso } = await setup({ authorizeAdmin: () => true });
    const mallory = browser(sso);
    const malloryUrl = await mallory.startUrl();
    const planted = mallory.cookie();
    expect(planted).toMatch(/^sso_test=[A-Za-z0-9_-]{32}$/);
    const victim = browser(sso);
    victim.plant(planted);
    const minted = await victim.mint();
    expect(minted.status).toBe(200);
    const fresh = cookiesOf(minted, 'sso_test=');
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatch(/^sso_test=[A-Za-z0-9_-]{32}$/);
    expect(fresh[0]).not.toBe(planted);
    expect(victim.cookie()).toBe(fresh[0]);
    // Mallory's own start URL no longer counts in the victim's browser.
    expect(await refusal(await victim.send(malloryUrl))).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'test_login_browser' },
    });
    const { resultId } = await testLogin(victim);
    const path = `/sso/admin/connections/local-op/test-login/${resultId}`;
    expect(await refusal(await mallory.send(path))).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'test_login_browser' },
    });
    // Planted again after the test (first in the Cookie header, as a tossed cookie with a longer
    // path would be): still not the victim's binding.
    const both = browser(sso);
    both.plant(`${planted}; ${victim.cookie()}`);
    expect((await refusal(await both.send(path))).status).toBe(403);
    expect((await victim.send(path)).status).toBe(200);
  });

  it("a second test in the same browser replaces the first one's binding", async () => {
    const { sso } = await setup();
    const admin = browser(sso, 'ada@example.com');
    const first = await admin.startUrl();
    const before = admin.cookie();
    const second = await admin.startUrl();
    expect(admin.cookie()).not.toBe(before);
    expect(await refusal(await admin.send(first))).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'test_login_browser' },
    });
    expect((await admin.send(second)).status).toBe(302);
  });

  it('on https it is __Host-sso_test (Path=/, Secure, no Domain), and a plain sso_test is not read', async () => {
    const base = 'https://app.example.com';
    const { sso, storage } = testSso(base, { authorizeAdmin: () => 'ada@example.com' });
    await storage.connections.create(oidcConnection(op.issuer, { id: 'local-op', active: false }));
    const mint = async () => {
      const minted = await sso.handle(
        new Request(`${base}/sso/admin/connections/local-op/test-login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' },
          body: '{}',
        }),
      );
      expect(minted.status).toBe(200);
      const { url } = (await minted.json()) as { url: string };
      return { url, setCookies: minted.headers.getSetCookie() };
    };
    const open = (url: string, cookie: string) =>
      sso.handle(
        new Request(url, {
          headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin', cookie },
        }),
      );
    const { url, setCookies } = await mint();
    expect(setCookies).toHaveLength(1);
    const setCookie = setCookies[0] as string;
    expect(setCookie).toMatch(/^__Host-sso_test=[A-Za-z0-9_-]{32}; /);
    const attributes = setCookie.split('; ').slice(1);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'Secure', 'HttpOnly', 'SameSite=Lax']));
    expect(attributes.some((a) => /^domain=/i.test(a))).toBe(false);
    const pair = setCookie.split(';')[0] as string;
    // The unprefixed name (which a sibling subdomain could set) does not bind: refused, token spent.
    expect(await refusal(await open(url, pair.replace('__Host-', '')))).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'test_login_browser' },
    });
    const again = await mint();
    expect((await open(again.url, (again.setCookies[0] as string).split(';')[0] as string)).status).toBe(302);
  });
});

describe('test logins: how many', () => {
  it('an admin starts at most 20 a minute (the 21st is rate_limited); another admin is unaffected', async () => {
    const { sso, advance } = await setup();
    const ada = browser(sso, 'ada@example.com');
    for (let i = 0; i < 20; i++) expect((await ada.mint()).status).toBe(200);
    const refused = await ada.mint();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toMatchObject({ error: 'rate_limited', reason: 'test_login_starts' });
    // Ada in another browser is still Ada.
    expect((await browser(sso, 'ada@example.com').mint()).status).toBe(429);
    expect((await browser(sso, 'grace@example.com').mint()).status).toBe(200);
    advance(60_000);
    expect((await ada.mint()).status).toBe(200);
  });
});

describe('test logins: start URLs', () => {
  it('work once, in the browser that asked for them: another browser spends the URL and is refused', async () => {
    const { sso } = await setup();
    const admin = browser(sso, 'ada@example.com');
    const url = await admin.startUrl();
    // Same admin, another browser (no test cookie, or another one).
    const elsewhere = browser(sso, 'ada@example.com');
    await elsewhere.mint();
    expect(await refusal(await elsewhere.send(url))).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'test_login_browser' },
    });
    expect(await refusal(await admin.send(url))).toMatchObject({
      status: 400,
      body: { error: 'transaction_expired', reason: 'test_login_start' },
    });
    const again = await admin.startUrl();
    expect((await admin.send(again)).status).toBe(302);
    expect(await refusal(await admin.send(again))).toMatchObject({
      status: 400,
      body: { error: 'transaction_expired', reason: 'test_login_start' },
    });
  });

  it('work for the admin who asked, for the connection asked, for five minutes', async () => {
    const { sso, advance } = await setup();
    const ada = browser(sso, 'ada@example.com');
    const url = await ada.startUrl();
    const grace = await sso.handle(
      new Request(url, {
        headers: { accept: 'application/json', cookie: ada.cookie(), 'x-admin': 'grace@example.com' },
      }),
    );
    expect(await refusal(grace)).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'test_login_actor' },
    });
    const forOther = (await ada.startUrl()).replace('/local-op/', '/other-op/');
    expect(await refusal(await ada.send(forOther))).toMatchObject({
      status: 400,
      body: { error: 'transaction_expired', reason: 'test_login_start' },
    });
    const late = await ada.startUrl();
    advance(5 * 60_000 + 1000);
    expect(await refusal(await ada.send(late))).toMatchObject({
      status: 400,
      body: { error: 'transaction_expired', reason: 'test_login_start' },
    });
    for (const bad of ['', 'short', 'x'.repeat(32).replace('x', ':')])
      expect(
        (await refusal(await ada.send(`/sso/admin/connections/local-op/test-login/start?token=${bad}`))).body
          .error,
      ).toBe('transaction_expired');
  });
});

describe('test logins: a refused start in the browser', () => {
  const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  /** Records what the store is given while `run` runs: no report may be among it. */
  async function putsDuring(storage: Awaited<ReturnType<typeof setup>>['storage'], run: () => Promise<void>) {
    const keys: string[] = [];
    const transactions = storage.transactions;
    const put = transactions.put;
    transactions.put = (key, ...rest) => {
      keys.push(key);
      return put.call(transactions, key, ...rest);
    };
    try {
      await run();
    } finally {
      transactions.put = put;
    }
    return keys;
  }

  /** A refusal as a page: status, HTML, no redirect, no link but `/`, the code shown. */
  async function page(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('location')).toBeNull();
    expect(setsSession(response)).toBe(false);
    expect(response.headers.getSetCookie().some((c) => /^sso_tx=[^;]/.test(c))).toBe(false);
    const html = await response.text();
    expect(html).toContain('Start the test again from the admin page.');
    expect(html).toContain(code);
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual(['/']);
    return html;
  }

  it('a spent token, another browser, another admin, another site: a page, never a report or a redirect', async () => {
    const { sso, storage, events } = await setup();
    const ada = browser(sso, 'ada@example.com');
    const spent = await ada.startUrl();
    expect((await ada.send(spent)).status).toBe(302);
    const elsewhere = browser(sso, 'ada@example.com');
    await elsewhere.mint('local-op', { returnTo: '/admin/elsewhere' });
    const mine = await ada.startUrl();
    const linked = await ada.startUrl();
    // Minted last: the one bound to Ada's browser now, opened there by another admin.
    const forGrace = await ada.startUrl();
    const before = memorySnapshot(storage);
    const keys = await putsDuring(storage, async () => {
      const html = await page(
        await ada.send(spent, { headers: { accept: HTML } }),
        400,
        'transaction_expired (test_login_start)',
      );
      expect(html).toContain('expired or was already used');
      // Planted or leaked: opened in another browser of the same admin (the start URL is spent).
      await page(await elsewhere.send(mine, { headers: { accept: HTML } }), 403, 'test_login_browser');
      await page(
        await sso.handle(
          new Request(forGrace, {
            headers: { accept: HTML, cookie: ada.cookie(), 'x-admin': 'grace@example.com' },
          }),
        ),
        403,
        'test_login_actor',
      );
      await page(
        await ada.send(linked, { headers: { accept: HTML, 'sec-fetch-site': 'cross-site' } }),
        403,
        'forbidden (origin)',
      );
    });
    expect(keys.filter((k) => k.startsWith('test-login-result:'))).toEqual([]);
    expect(memorySnapshot(storage)).toBe(before);
    expect(events).toEqual([]);
    // Asked for JSON, the same refusals stay JSON.
    expect(await refusal(await ada.send(spent))).toMatchObject({
      status: 400,
      body: { error: 'transaction_expired', reason: 'test_login_start' },
    });
  });

  it("a start that fails once the token counted reports to that browser only, under that admin's returnTo", async () => {
    const { sso, storage } = await setup();
    await storage.connections.create(oidcConnection('http://127.0.0.1:9', { id: 'down', name: 'Down' }));
    const ada = browser(sso, 'ada@example.com');
    const start = await ada.send(await ada.startUrl('down'), { headers: { accept: HTML } });
    expect(start.status).toBe(303);
    const landing = new URL(start.headers.get('location') as string, BASE);
    expect(landing.pathname).toBe('/admin/sso');
    const path = `/sso/admin/connections/down/test-login/${landing.searchParams.get('testLogin')}`;
    expect(await refusal(await browser(sso, 'ada@example.com').send(path))).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'test_login_browser' },
    });
    expect((await (await ada.send(path)).json()).error).toMatchObject({
      code: 'idp_unreachable',
      stage: 'start',
    });
  });
});

describe('test logins: reports', () => {
  it('are read in the browser that ran the test, by its admin, under its connection, for ten minutes (and again on reload)', async () => {
    const { sso, advance } = await setup();
    const admin = browser(sso, 'ada@example.com');
    const { resultId } = await testLogin(admin);
    const path = `/sso/admin/connections/local-op/test-login/${resultId}`;
    const elsewhere = browser(sso, 'ada@example.com');
    await elsewhere.mint();
    expect(await refusal(await elsewhere.send(path))).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'test_login_browser' },
    });
    expect(await refusal(await browser(sso, 'ada@example.com').send(path))).toMatchObject({
      status: 403,
      body: { error: 'forbidden', reason: 'test_login_browser' },
    });
    const grace = await sso.handle(
      new Request(`${BASE}${path}`, {
        headers: { accept: 'application/json', cookie: admin.cookie(), 'x-admin': 'grace@example.com' },
      }),
    );
    expect(await refusal(grace)).toMatchObject({ status: 403, body: { reason: 'test_login_actor' } });
    // Under another connection's route the report does not exist.
    expect(
      await refusal(await admin.send(`/sso/admin/connections/other-op/test-login/${resultId}`)),
    ).toMatchObject({ status: 400, body: { error: 'transaction_expired', reason: 'test_login_result' } });
    // None of that spent it: the admin reads it, twice.
    expect((await admin.send(path)).status).toBe(200);
    advance(9 * 60_000);
    expect((await admin.send(path)).status).toBe(200);
    advance(60_000 + 1000);
    expect(await refusal(await admin.send(path))).toMatchObject({
      status: 400,
      body: { error: 'transaction_expired', reason: 'test_login_result' },
    });
    expect(
      (await refusal(await admin.send('/sso/admin/connections/local-op/test-login/not-a-result-id'))).body,
    ).toMatchObject({ error: 'transaction_expired' });
  });
});

describe('test logins and real logins stay apart', () => {
  it('a normal login cannot become a test: query parameters are ignored, its state is no start token', async () => {
    const { sso, storage, events } = await setup();
    const admin = browser(sso, 'ada@example.com');
    await admin.mint('other-op');
    const start = await admin.send('/sso/login/other-op?returnTo=/projects&test=1&testLogin=x');
    const state = new URL(start.headers.get('location') as string).searchParams.get('state') as string;
    // Its state offered as a start token (the refusal's response is not kept: it clears sso_tx).
    const asToken = await sso.handle(
      new Request(`${BASE}/sso/admin/connections/other-op/test-login/start?token=${state}`, {
        headers: { accept: 'application/json', cookie: admin.cookie(), 'x-admin': 'ada@example.com' },
      }),
    );
    expect(await refusal(asToken)).toMatchObject({ status: 400, body: { error: 'transaction_expired' } });
    const callback = await browserLogin(
      new URL(start.headers.get('location') as string),
      new Map(),
      CALLBACK,
    );
    const done = await admin.send(`${CALLBACK}?${callback.params}`);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/projects');
    expect(setsSession(done)).toBe(true);
    expect(events.map((e) => e.type)).toContain('login.succeeded');
    expect(events.map((e) => e.type)).not.toContain('connection.test_login');
    expect(await (storage.sessions as SessionStore).list({ connectionId: 'other-op' })).toHaveLength(1);
  });

  it('a test login cannot finish as a login: its records cannot be taken as a transaction, its answer elsewhere is refused', async () => {
    const { sso, storage } = await setup();
    const admin = browser(sso, 'ada@example.com');
    const url = await admin.startUrl();
    const token = new URL(url).searchParams.get('token') as string;
    // The start record's key offered as a callback's state and transaction cookie.
    const key = `test-login-start:${token}`;
    const forged = await sso.handle(
      new Request(`${CALLBACK}?code=x&state=${encodeURIComponent(key)}`, {
        headers: { accept: 'application/json', cookie: `sso_tx=${key}` },
      }),
    );
    expect(await refusal(forged)).toMatchObject({ status: 400, body: { error: 'invalid_state' } });
    // Not taken by that: the start URL still works.
    const start = await admin.send(url);
    expect(start.status).toBe(302);
    const callback = await browserLogin(
      new URL(start.headers.get('location') as string),
      new Map(),
      CALLBACK,
    );
    // The test's answer delivered in a browser that started a normal login: not its transaction.
    const victim = browser(sso);
    await victim.send('/sso/login/other-op');
    const crossed = await victim.send(`${CALLBACK}?${callback.params}`);
    expect(await refusal(crossed)).toMatchObject({ status: 400, body: { error: 'invalid_state' } });
    expect(setsSession(crossed)).toBe(false);
    expect(await (storage.sessions as SessionStore).list({ connectionId: 'local-op' })).toEqual([]);
  });

  it('a replayed answer of a test login never sets a session cookie', async () => {
    const { sso, storage, events } = await setup();
    const admin = browser(sso, 'ada@example.com');
    const { done, replay } = await testLogin(admin);
    expect(setsSession(done)).toBe(false);
    const again = await sso.handle(
      new Request(replay.url, { headers: { accept: 'application/json', cookie: replay.cookie } }),
    );
    expect(await refusal(again)).toMatchObject({ status: 400, body: { error: 'transaction_expired' } });
    expect(setsSession(again)).toBe(false);
    expect(await (storage.sessions as SessionStore).list({ connectionId: 'local-op' })).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['connection.test_login']);
  });

  it('SAML: a test answer replayed, into a normal login or as an IdP-initiated one, never logs in', async () => {
    const { sso, storage, events } = await setup();
    const sp = `${BASE}/sso/saml/metadata/saml-test`;
    await storage.connections.create(
      samlConnection(idp.getMetadata(), sp, { id: 'saml-test', name: 'Duo' }, { allowIdpInitiated: true }),
    );
    const metadata = await (await sso.handle(new Request(`${BASE}/sso/saml/metadata/saml-test`))).text();
    const spOfIdp = samlify.ServiceProvider({ metadata });
    const admin = browser(sso, 'ada@example.com');
    const start = await admin.send(await admin.startUrl('saml-test'));
    expect(start.status).toBe(302);
    const form = await answerAuthnRequest(idp, spOfIdp, new URL(start.headers.get('location') as string), {
      email: 'grace@example.com',
    });
    const before = memorySnapshot(storage);
    const done = await sso.handle(acsPost(BASE, form, { cookie: admin.cookie() }));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toMatch(/^\/admin\/sso\?testLogin=/);
    expect(setsSession(done)).toBe(false);
    // Replayed with the same cookie: the transaction is spent.
    const replayed = await sso.handle(
      acsPost(BASE, form, { accept: 'application/json', cookie: admin.cookie() }),
    );
    expect(setsSession(replayed)).toBe(false);
    expect((await replayed.json()).error).toBe('transaction_expired');
    // Posted into a normal login of another browser, with that login's RelayState and cookie.
    const normal = await sso.handle(new Request(`${BASE}/sso/login/saml-test`));
    const relay = new URL(normal.headers.get('location') as string).searchParams.get('RelayState') as string;
    const into = await sso.handle(
      acsPost(
        BASE,
        new URLSearchParams({ SAMLResponse: form.get('SAMLResponse') as string, RelayState: relay }),
        { accept: 'application/json', cookie: cookiesOf(normal).join('; ') },
      ),
    );
    expect(setsSession(into)).toBe(false);
    expect(['saml_invalid', 'saml_replay']).toContain((await into.json()).error);
    // Posted without any transaction, as if unsolicited: it answers a request, so it is not one.
    const unsolicited = await sso.handle(
      acsPost(
        BASE,
        new URLSearchParams({ SAMLResponse: form.get('SAMLResponse') as string, RelayState: '/' }),
        { accept: 'application/json' },
      ),
    );
    expect(setsSession(unsolicited)).toBe(false);
    expect((await unsolicited.json()).error).toBe('invalid_state');
    expect(memorySnapshot(storage)).toBe(before);
    expect(await (storage.sessions as SessionStore).list({ connectionId: 'saml-test' })).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['connection.test_login']);
  });
});
