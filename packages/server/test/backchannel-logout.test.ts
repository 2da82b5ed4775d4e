/**
 * OpenID Connect Back-Channel Logout against a real OP (oidc-provider 7, which implements it): when the
 * user's session at the OP ends, the OP posts a logout token to the app, and the app session of that
 * OP session ends on the server (a copy of its cookie is worth nothing), while the same user's other
 * session, from another browser, stays. A replayed token is refused and ends nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuditEvent, SsoError } from '@ssokit/core';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, jarFetch, sessionCookiesOf } from 'ssokit-test-fixtures/http';
import { browserLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sso } from '../src/index.ts';
import { toWebRequest, writeWebResponse } from '../src/node/index.ts';
import { testSso } from './helpers.ts';

let app: Server;
let base = '';
let op: TestOp;
let sso: Sso;
const audit: AuditEvent[] = [];
/** The logout tokens the OP posted, as form bodies, and the app's answers. */
const posted: string[] = [];
const answers: number[] = [];
let storage: ReturnType<typeof testSso>['storage'];

beforeAll(async () => {
  app = createServer(async (req, res) => {
    const request = await toWebRequest(req, base, req.url);
    if (request.url.includes('/backchannel-logout/')) posted.push(await request.clone().text());
    const response = await sso.handle(request);
    if (request.url.includes('/backchannel-logout/')) answers.push(response.status);
    await writeWebResponse(res, response);
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  op = await startProvider({
    release: 7,
    redirectUris: [`${base}/sso/oidc/callback`],
    postLogoutRedirectUris: [`${base}/signed-out`],
    backchannelLogoutUri: `${base}/sso/oidc/backchannel-logout/op`,
  });
  ({ sso, storage } = testSso(base, { audit: (event) => void audit.push(event) }));
  await storage.connections.create({
    ...(oidcConnection(op.issuer, { provider: 'custom' }, { additionalScopes: undefined }) as object),
    id: 'op',
  } as never);
});

/** Sets the connection's compatibility switch for IdPs whose logout tokens carry no `exp`. */
async function allowMissingExp(allow: boolean) {
  const c = await storage.connections.get('op');
  if (c?.protocol !== 'oidc') throw new Error('no connection');
  await storage.connections.update(
    'op',
    { oidc: { ...c.oidc, logoutTokenWithoutExp: allow } },
    { expectedUpdatedAt: c.updatedAt },
  );
}

afterAll(async () => {
  await op.close();
  await new Promise<void>((resolve) => app.close(() => resolve()));
});

/** A login in a fresh browser: its OP cookies in `jar`, and the app's session cookie. */
async function login(jar = new Map<string, string>()) {
  const start = await sso.handle(new Request(`${base}/sso/login/op`));
  const callback = await browserLogin(
    new URL(start.headers.get('location') as string),
    jar,
    `${base}/sso/oidc/callback`,
  );
  const done = await sso.handle(
    new Request(`${base}/sso/oidc/callback?${callback.params}`, {
      headers: { cookie: cookiesOf(start).join('; ') },
    }),
  );
  expect(done.status).toBe(303);
  return { jar, cookie: sessionCookiesOf(done).join('; ') };
}

const sessionOf = async (cookie: string) =>
  (await (await sso.handle(new Request(`${base}/sso/session`, { headers: { cookie } }))).json()).session;

/** Signs the browser out at the OP itself (not through the app): the OP then notifies the app. */
async function logoutAtOp(jar: Map<string, string>) {
  const discovery = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
  const end = new URL(discovery.end_session_endpoint);
  end.searchParams.set('client_id', 'public-pkce');
  const page = await jarFetch(jar, end);
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/i.exec(html)?.[1] as string;
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi))
    fields.set(m[1] as string, m[2] as string);
  fields.set('logout', 'yes');
  const confirmed = await jarFetch(jar, new URL(action, end), { method: 'POST', body: fields });
  expect(confirmed.status).toBeLessThan(400);
}

describe('OpenID Connect Back-Channel Logout, oidc-provider 7', () => {
  it('refuses the logout tokens of this OP (no "exp", as before errata 1) until the connection allows them', async () => {
    await allowMissingExp(false);
    const user = await login();
    await logoutAtOp(user.jar);
    expect(answers).toEqual([400]);
    expect(await sessionOf(user.cookie)).not.toBeNull();
    expect(audit.filter((e) => e.type === 'sessions.revoked')).toEqual([]);
    await allowMissingExp(true);
  });

  it("ends the app session of the OP session that ended, on the server, and leaves the user's other session", async () => {
    const first = await login();
    const second = await login();
    expect(await sessionOf(first.cookie)).not.toBeNull();
    expect(await sessionOf(second.cookie)).not.toBeNull();

    await logoutAtOp(first.jar);

    expect(answers.at(-1)).toBe(200);
    expect(await sessionOf(first.cookie)).toBeNull();
    expect(await sessionOf(second.cookie)).not.toBeNull();
    expect(audit.filter((e) => e.type === 'sessions.revoked')).toEqual([
      expect.objectContaining({
        reason: 'backchannel_logout',
        count: 1,
        filter: expect.objectContaining({ connectionId: 'op', idpSessionId: expect.any(String) }),
      }),
    ]);
  });

  it('refuses the same logout token twice (jti), ending nothing more', async () => {
    const again = await login();
    const replay = await fetch(`${base}/sso/oidc/backchannel-logout/op`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: posted.at(-1),
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({
      error: 'logout_token_invalid',
      message: expect.stringContaining('already used'),
      reason: 'replay',
    });
    expect(await sessionOf(again.cookie)).not.toBeNull();
  });

  it("accepts the IdP's retry of a logout that failed on a store outage (the jti is recorded only once it worked)", async () => {
    const user = await login();
    const sessions = storage.sessions as NonNullable<typeof storage.sessions>;
    const revoke = sessions.revoke.bind(sessions);
    sessions.revoke = async () => {
      sessions.revoke = revoke;
      throw new SsoError('storage_unavailable', 'The store is down.');
    };
    await logoutAtOp(user.jar);
    expect(answers.at(-1)).toBe(503);
    expect(await sessionOf(user.cookie)).not.toBeNull();
    const retry = await fetch(`${base}/sso/oidc/backchannel-logout/op`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: posted.at(-1),
    });
    expect(retry.status).toBe(200);
    expect(await sessionOf(user.cookie)).toBeNull();
  });
});
