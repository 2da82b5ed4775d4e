/**
 * Logout through sso.handle(): the app session always ends, and the IdP's logout follows when it
 * offers one: OIDC RP-initiated logout at oidc-provider, SAML Single Logout with a samlify IdP in both
 * directions.
 */
import { inflateRawSync } from 'node:zlib';
import * as samlify from 'samlify';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, sessionCookiesOf, sessionSetCookies } from 'ssokit-test-fixtures/http';
import { browserLogin, browserLogout, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { answerAuthnRequest, redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acsPost, testSso } from './helpers.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

const BASE = 'http://127.0.0.1:3000';
const CALLBACK = `${BASE}/sso/oidc/callback`;
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK], postLogoutRedirectUris: [`${BASE}/signed-out`] });
});
afterAll(() => op.close());

async function oidcLogin() {
  const { sso, storage } = testSso(BASE, { postLogoutPath: '/signed-out' });
  const connection = await storage.connections.create(
    oidcConnection(op.issuer, { provider: 'custom' }, { additionalScopes: undefined }),
  );
  const login = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
  const jar = new Map<string, string>();
  const callback = await browserLogin(new URL(login.headers.get('location') as string), jar, CALLBACK);
  const done = await sso.handle(
    new Request(`${CALLBACK}?${callback.params}`, { headers: { cookie: cookiesOf(login).join('; ') } }),
  );
  expect(done.status).toBe(303);
  return { sso, jar, cookie: sessionCookiesOf(done).join('; ') };
}

describe('logout, OIDC', () => {
  it('ends the app session and sends the browser through the OP end-session endpoint back to postLogoutPath', async () => {
    const { sso, jar, cookie } = await oidcLogin();
    const response = await sso.handle(new Request(`${BASE}/sso/logout`, { headers: { cookie } }));
    expect(response.status).toBe(303);
    expect(sessionSetCookies(response).every((c) => /Max-Age=0/.test(c))).toBe(true);
    const target = new URL(response.headers.get('location') as string);
    expect(target.origin).toBe(op.issuer);
    expect(target.searchParams.get('post_logout_redirect_uri')).toBe(`${BASE}/signed-out`);
    expect(target.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(target.searchParams.get('client_id')).toBe('public-pkce');
    // The OP accepts the hint and the redirect URI, logs the user out, and returns the browser.
    const landed = await browserLogout(target, jar, `${BASE}/signed-out`);
    expect(landed.pathname).toBe('/signed-out');
  });

  it('logs out locally with ?local=1, after which a copy of the cookie is worth nothing', async () => {
    const { sso, cookie } = await oidcLogin();
    const local = await sso.handle(new Request(`${BASE}/sso/logout?local=1`, { headers: { cookie } }));
    expect(local.headers.get('location')).toBe('/signed-out');
    // The session ended server-side: its cookie, sent again, signs nobody in and starts no IdP logout.
    const again = await sso.handle(
      new Request(`${BASE}/sso/logout`, { method: 'POST', headers: { cookie, accept: 'application/json' } }),
    );
    expect(await again.json()).toEqual({ loggedOut: true, idpLogoutUrl: null });
    const session = await sso.handle(new Request(`${BASE}/sso/session`, { headers: { cookie } }));
    expect((await session.json()).session).toBeNull();
  });

  it('answers JSON clients with the IdP logout URL, refuses another site, and works without a session', async () => {
    const { sso, cookie } = await oidcLogin();
    const json = await sso.handle(
      new Request(`${BASE}/sso/logout`, { method: 'POST', headers: { cookie, accept: 'application/json' } }),
    );
    const body = await json.json();
    expect(body.loggedOut).toBe(true);
    expect(body.idpLogoutUrl).toMatch(new RegExp(`^${op.issuer}/`));
    const foreign = await sso.handle(
      new Request(`${BASE}/sso/logout`, {
        method: 'POST',
        headers: { cookie, origin: 'https://evil.example', accept: 'application/json' },
      }),
    );
    expect(foreign.status).toBe(403);
    expect(sessionSetCookies(foreign)).toEqual([]);
    const anonymous = await sso.handle(new Request(`${BASE}/sso/logout`));
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/signed-out');
  });
});

describe('logout, SAML Single Logout (samlify)', () => {
  const SLO = 'https://idp.example.com/slo';

  async function samlLogin() {
    const idp = await redirectBindingIdp({
      sloUrl: SLO,
      nameIdFormats: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
    });
    const { sso, storage } = testSso(BASE);
    const connection = await storage.connections.create(
      samlConnection(idp.getMetadata(), `${BASE}/sso/saml/metadata/duo`, { name: 'Duo', provider: 'duo' }),
    );
    const metadata = await (
      await sso.handle(new Request(`${BASE}/sso/saml/metadata/${connection.id}`))
    ).text();
    expect(metadata).toContain(`${BASE}/sso/saml/slo/${connection.id}`);
    // Our SP asks for signed logout messages (ssokit refuses unsigned ones by default).
    const sp = samlify.ServiceProvider({
      metadata,
      wantLogoutRequestSigned: true,
      wantLogoutResponseSigned: true,
    } as never);
    const login = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
    const location = new URL(login.headers.get('location') as string);
    const form = await answerAuthnRequest(idp, sp, location, { email: 'grace@example.com' });
    const acs = await sso.handle(acsPost(BASE, form, { cookie: cookiesOf(login).join('; ') }));
    expect(acs.status).toBe(303);
    return { sso, idp, sp, connection, cookie: sessionCookiesOf(acs).join('; ') };
  }

  it('SP-initiated: a LogoutRequest for the session NameID to the IdP, whose signed answer lands on postLogoutPath', async () => {
    const { sso, idp, sp, connection, cookie } = await samlLogin();
    const logout = await sso.handle(new Request(`${BASE}/sso/logout`, { headers: { cookie } }));
    expect(logout.status).toBe(303);
    const target = new URL(logout.headers.get('location') as string);
    expect(`${target.origin}${target.pathname}`).toBe(SLO);
    const request = (await idp.parseLogoutRequest(sp, 'redirect', {
      query: Object.fromEntries(target.searchParams),
      octetString: target.search.slice(1),
    } as never)) as unknown as { extract: { nameID: string; request: { id: string } } };
    expect(request.extract.nameID).toBe('grace@example.com');
    // The NameID goes back with the Format the IdP gave it in the assertion.
    const logoutXml = inflateRawSync(
      Buffer.from(target.searchParams.get('SAMLRequest') as string, 'base64'),
    ).toString();
    expect(logoutXml).toMatch(
      /<saml:NameID Format="urn:oasis:names:tc:SAML:1\.1:nameid-format:emailAddress">grace@example\.com</,
    );
    const relayState = target.searchParams.get('RelayState') as string;
    const reply = (await idp.createLogoutResponse(
      sp,
      request as never,
      'redirect',
      relayState,
    )) as unknown as {
      context: string;
    };
    const back = new URL(reply.context);
    expect(back.searchParams.get('Signature')).toBeTruthy();
    const txCookie = cookiesOf(logout, 'sso_tx=');
    const done = await sso.handle(
      new Request(`${BASE}/sso/saml/slo/${connection.id}${back.search}`, {
        headers: { cookie: txCookie.join('; ') },
      }),
    );
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/');
    // Replayed, or from a browser that did not start it: refused.
    const replay = await sso.handle(
      new Request(`${BASE}/sso/saml/slo/${connection.id}${back.search}`, {
        headers: { cookie: txCookie.join('; '), accept: 'application/json' },
      }),
    );
    expect(replay.status).toBe(400);
  });

  it('IdP-initiated: a signed LogoutRequest ends the session in this browser and is answered', async () => {
    const { sso, idp, sp, connection, cookie } = await samlLogin();
    const incoming = (await idp.createLogoutRequest(sp, 'redirect', {
      logoutNameID: 'grace@example.com',
    } as never)) as unknown as {
      context: string;
    };
    const url = new URL(incoming.context);
    const response = await sso.handle(
      new Request(`${BASE}/sso/saml/slo/${connection.id}${url.search}`, { headers: { cookie } }),
    );
    expect(response.status).toBe(303);
    expect(sessionSetCookies(response).every((c) => /Max-Age=0/.test(c))).toBe(true);
    const answer = new URL(response.headers.get('location') as string);
    expect(`${answer.origin}${answer.pathname}`).toBe(SLO);
    expect(answer.searchParams.get('SAMLResponse')).toBeTruthy();

    // An unsigned (forged) LogoutRequest is refused and clears nothing.
    const forged = new URL(incoming.context);
    forged.searchParams.delete('Signature');
    forged.searchParams.delete('SigAlg');
    const refused = await sso.handle(
      new Request(`${BASE}/sso/saml/slo/${connection.id}${forged.search}`, {
        headers: { cookie, accept: 'application/json' },
      }),
    );
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'saml_signature_invalid' });
    expect(sessionSetCookies(refused)).toEqual([]);
  });

  it("IdP-initiated: the NameID's sessions end on the server, even when the request reaches a browser (or instance) without them", async () => {
    const { sso, idp, sp, connection, cookie } = await samlLogin();
    const session = async () =>
      (await (await sso.handle(new Request(`${BASE}/sso/session`, { headers: { cookie } }))).json()).session;
    expect(await session()).not.toBeNull();
    const other = (await idp.createLogoutRequest(sp, 'redirect', {
      logoutNameID: 'someone-else@example.com',
    } as never)) as unknown as { context: string };
    await sso.handle(new Request(`${BASE}/sso/saml/slo/${connection.id}${new URL(other.context).search}`));
    expect(await session()).not.toBeNull();
    const incoming = (await idp.createLogoutRequest(sp, 'redirect', {
      logoutNameID: 'grace@example.com',
    } as never)) as unknown as { context: string };
    const response = await sso.handle(
      new Request(`${BASE}/sso/saml/slo/${connection.id}${new URL(incoming.context).search}`),
    );
    expect(response.status).toBe(303);
    expect(await session()).toBeNull();
  });

  it('IdP-initiated: a LogoutRequest URL used once is refused after, and ends no session started since', async () => {
    const { sso, idp, sp, connection, cookie } = await samlLogin();
    const incoming = (await idp.createLogoutRequest(sp, 'redirect', {
      logoutNameID: 'grace@example.com',
    } as never)) as unknown as { context: string };
    const captured = `${BASE}/sso/saml/slo/${connection.id}${new URL(incoming.context).search}`;
    expect((await sso.handle(new Request(captured, { headers: { cookie } }))).status).toBe(303);
    // The user signs in again; someone replays the logout URL from a log or a browser history.
    const login = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
    const form = await answerAuthnRequest(idp, sp, new URL(login.headers.get('location') as string), {
      email: 'grace@example.com',
    });
    const acs = await sso.handle(acsPost(BASE, form, { cookie: cookiesOf(login).join('; ') }));
    const again = sessionCookiesOf(acs).join('; ');
    const replay = await sso.handle(new Request(captured, { headers: { accept: 'application/json' } }));
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: 'saml_replay' });
    const session = await sso.handle(new Request(`${BASE}/sso/session`, { headers: { cookie: again } }));
    expect((await session.json()).session).not.toBeNull();
  });
});
