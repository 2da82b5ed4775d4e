/**
 * Invariant family: login activity is bounded and holds nothing secret. Every login start is
 * anonymous, so a flood of refusals keeps at most the retention's entries per connection, creates
 * nothing for connections that do not exist, and records no refused flood (`rate_limited`); what is
 * kept names no person and holds no code, state, token, cookie or IdP address; test logins are
 * their own reports and leave nothing here.
 */
import { memoryRawReader } from '@ssokit/storage/testkit';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, rememberCookies } from 'ssokit-test-fixtures/http';
import { browserLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sso } from '../src/index.ts';
import { acsPost, testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const CALLBACK = `${BASE}/sso/oidc/callback`;
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK] });
});
afterAll(() => op.close());

async function setup(options: Parameters<typeof testSso>[1] = {}, extra: Record<string, unknown> = {}) {
  const { sso, storage } = testSso(BASE, {
    authorizeAdmin: () => true,
    roles: { roleDefinitions: [{ name: 'admins', grantedBy: ['local-op'] }] },
    ...options,
  });
  await storage.groups.create({ id: 'g-admins', name: 'admins' });
  const connection = await storage.connections.create(
    oidcConnection(op.issuer, {
      id: 'local-op',
      groupSync: { enabled: true, removeRevoked: true },
      ...extra,
    }),
  );
  const lists = () =>
    (storage as unknown as Record<symbol, { loginActivity: Map<string, unknown[]> }>)[
      Symbol.for('ssokit.memoryStorage.state')
    ]?.loginActivity as Map<string, unknown[]>;
  return { sso, storage, connection, raw: memoryRawReader(storage), lists };
}

const activityText = async (sso: Sso, id: string) =>
  (await sso.handle(new Request(`${BASE}/sso/admin/connections/${id}/activity`))).text();

describe('a flood of anonymous refusals', () => {
  it('keeps the newest 100 of a connection, and nothing for made-up connections, states or a visitor’s own mistakes', async () => {
    const { sso, raw, lists } = await setup();
    // What concerns only the visitor's request (a returnTo off this site) says nothing about the IdP.
    for (let i = 0; i < 50; i++) {
      const refused = await sso.handle(
        new Request(`${BASE}/sso/login/local-op?returnTo=https://evil.example/${i}`),
      );
      expect(refused.status).toBe(400);
    }
    expect(await raw.activityCount?.('local-op')).toBe(0);
    // Refusals of the IdP's answer (here forged through real starts), past the bound: the newest 100.
    for (let i = 0; i < 150; i++) {
      const start = await sso.handle(new Request(`${BASE}/sso/login/local-op`));
      const state = new URL(start.headers.get('location') as string).searchParams.get('state') as string;
      const refused = await sso.handle(
        new Request(`${CALLBACK}?${new URLSearchParams({ error: 'access_denied', state })}`, {
          headers: { cookie: cookiesOf(start).join('; ') },
        }),
      );
      expect(refused.status).toBe(403);
    }
    for (let i = 0; i < 50; i++) {
      expect((await sso.handle(new Request(`${BASE}/sso/login/made-up-${i}`))).status).toBe(404);
      const forged = `${CALLBACK}?state=forged-${i}&error=access_denied`;
      expect(
        (await sso.handle(new Request(forged, { headers: { cookie: `sso_tx=forged-${i}` } }))).status,
      ).toBe(400);
      const acs = acsPost(BASE, new URLSearchParams({ SAMLResponse: 'PHg+', RelayState: `forged-${i}` }));
      expect((await sso.handle(acs)).status).toBeGreaterThanOrEqual(400);
    }
    expect(await raw.activityCount?.('local-op')).toBe(100);
    expect(await raw.activityCount?.('made-up-1')).toBe(0);
    expect([...lists().keys()]).toEqual(['failed|local-op']);
    const { failures } = JSON.parse(await activityText(sso, 'local-op'));
    expect(failures).toHaveLength(100);
    expect(failures[0]).toMatchObject({ step: 'response', code: 'idp_error' });
  });

  it('an anonymous SAML answer with an element name of 380,000 characters is recorded cut, without a quadratic scan', async () => {
    const { sso, storage } = await setup();
    const saml = await storage.connections.create(
      samlConnection((await redirectBindingIdp()).getMetadata(), `${BASE}/sso/saml/metadata/s`, { id: 's' }),
    );
    const start = await sso.handle(new Request(`${BASE}/sso/login/${saml.id}`));
    const relay = new URL(start.headers.get('location') as string).searchParams.get('RelayState') as string;
    const name = 'a.'.repeat(190_000);
    const body = new URLSearchParams({
      SAMLResponse: Buffer.from(`<${name}/>`).toString('base64'),
      RelayState: relay,
    });
    // Before the fix, recording this refusal masked the whole name with a quadratic pattern (78 s
    // here): the test then outlived its timeout. The message is cut first now.
    const refused = await sso.handle(acsPost(BASE, body, { cookie: cookiesOf(start).join('; ') }));
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const { failures } = JSON.parse(await activityText(sso, saml.id));
    expect(failures[0].message.length).toBeLessThanOrEqual(500);
  });

  it('records no refused flood: starts past the per-client limit leave nothing', async () => {
    const { sso, storage, raw } = await setup({ clientKey: () => '203.0.113.9', loginStartsPerMinute: 3 });
    // An IdP that cannot be reached: each start that gets through is a refusal worth recording.
    await storage.connections.create(oidcConnection('http://127.0.0.1:9', { id: 'down', name: 'Down' }));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await sso.handle(new Request(`${BASE}/sso/login/down`))).status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    expect(await raw.activityCount?.('down')).toBe(3);
  });
});

describe('a connection id used again', () => {
  it('does not inherit the activity of the deleted connection that had it', async () => {
    const { sso, storage } = await setup();
    const down = oidcConnection('http://127.0.0.1:9', { id: 'down', name: 'Down' });
    await storage.connections.create(down);
    await sso.handle(new Request(`${BASE}/sso/login/down`));
    expect(JSON.parse(await activityText(sso, 'down')).failures).toHaveLength(1);
    await storage.connections.delete('down');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await storage.connections.create(down);
    expect(JSON.parse(await activityText(sso, 'down')).failures).toEqual([]);
  });
});

describe('what is kept', () => {
  it('holds no code, state, cookie, token, subject or address, and masks them in an IdP’s words', async () => {
    const { sso } = await setup();
    const strict = await setup(
      {},
      {
        provisioning: { requireVerifiedEmail: true },
        claimMapping: { emailVerified: 'email_checked_by_hr' },
      },
    );
    const seen: string[] = [];
    const login = async (app: Sso) => {
      const start = await app.handle(new Request(`${BASE}/sso/login/local-op`));
      const { params } = await browserLogin(
        new URL(start.headers.get('location') as string),
        new Map(),
        CALLBACK,
      );
      const done = await app.handle(
        new Request(`${CALLBACK}?${params}`, { headers: { cookie: cookiesOf(start).join('; ') } }),
      );
      seen.push(
        params.get('code') as string,
        params.get('state') as string,
        ...cookiesOf(start),
        ...cookiesOf(done),
      );
      return done.status;
    };
    expect(await login(sso)).toBe(303);
    expect(await login(strict.sso)).toBe(403);
    // An IdP (or whoever holds a login's state) answering with a token and an address in its words.
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEtdXVpZCJ9.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZy1lbm91Z2g';
    const opaque = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6';
    const start = await sso.handle(new Request(`${BASE}/sso/login/local-op`));
    const state = new URL(start.headers.get('location') as string).searchParams.get('state') as string;
    const answer = new URLSearchParams({
      error: 'access_denied',
      error_description: `ada@example.com is not assigned; session ${jwt}; ref ${opaque}`,
      state,
    });
    await sso.handle(
      new Request(`${CALLBACK}?${answer}`, { headers: { cookie: cookiesOf(start).join('; ') } }),
    );

    const texts = [await activityText(sso, 'local-op'), await activityText(strict.sso, 'local-op')];
    // The IdP's words came through the browser: none of them is kept, masked or not.
    expect(texts[0]).toContain('Its text is not kept');
    expect(texts[0]).not.toContain('is not assigned; session');
    expect(texts[0]).toContain('ml-engineers');
    expect(texts[1]).toContain('email_not_verified');
    for (const text of texts)
      for (const secret of [...seen, state, jwt.slice(0, 20), opaque, 'ada-uuid', 'ada@', 'Ada Lovelace'])
        expect(text).not.toContain(secret);
  });

  it('keeps nothing of a test login: it is its own report', async () => {
    const { sso, raw } = await setup();
    const jar = new Map<string, string>();
    const send = async (url: string, init: RequestInit = {}) => {
      const response = await sso.handle(
        new Request(new URL(url, BASE), {
          ...init,
          headers: {
            'sec-fetch-site': 'same-origin',
            cookie: jar.get('127.0.0.1:3000') ?? '',
            ...(init.headers as object),
          },
        }),
      );
      rememberCookies(jar, new URL(url, BASE), response);
      return response;
    };
    const testLogin = async () => {
      const minted = await send('/sso/admin/connections/local-op/test-login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', origin: BASE },
        body: '{}',
      });
      const start = await send(((await minted.json()) as { url: string }).url);
      return new URL(start.headers.get('location') as string);
    };
    const { params } = await browserLogin(await testLogin(), new Map(), CALLBACK);
    expect((await send(`${CALLBACK}?${params}`)).status).toBe(303);
    const state = (await testLogin()).searchParams.get('state') as string;
    expect((await send(`${CALLBACK}?${new URLSearchParams({ error: 'access_denied', state })}`)).status).toBe(
      303,
    );
    expect(await raw.activityCount?.('local-op')).toBe(0);
  });
});
