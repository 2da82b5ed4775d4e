/**
 * Routes moved out of basePath (`createSso({ routes })`): the redirect URI sent to the IdP, the ACS in
 * the SP metadata and in the response checks, Test Provider's "register at the IdP" values, and the
 * transaction cookie that must reach a callback outside basePath. The adapters serve them too (the
 * adapter suite's "routes moved out of /sso" scenario).
 */
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, sessionCookiesOf, setCookiePairs } from 'ssokit-test-fixtures/http';
import { browserLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
// Arthur registers /login/callback at its IdP.
const ARTHUR_CALLBACK = `${BASE}/login/callback`;
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [ARTHUR_CALLBACK] });
});
afterAll(() => op.close());

describe('routes moved out of basePath', () => {
  it("Arthur's /login/callback: sent as redirect_uri, the cookie reaches it, the login completes there", async () => {
    const { sso, storage } = testSso(BASE, { routes: { oidcCallback: '/login/callback' } });
    const c = await storage.connections.create(oidcConnection(op.issuer, { id: 'okta' }));
    const start = await sso.handle(new Request(`${BASE}/sso/login/${c.id}`));
    const authorize = new URL(start.headers.get('location') as string);
    expect(authorize.searchParams.get('redirect_uri')).toBe(ARTHUR_CALLBACK);
    // The transaction cookie is scoped to / so the browser sends it to /login/callback.
    expect(start.headers.get('set-cookie')).toMatch(/sso_tx=[^;]+;.*Path=\/(;|$)/);
    const callback = await browserLogin(authorize, new Map(), ARTHUR_CALLBACK);
    const done = await sso.handle(
      new Request(`${ARTHUR_CALLBACK}?${callback.params}`, {
        headers: { cookie: cookiesOf(start).join('; ') },
      }),
    );
    expect(done.status).toBe(303);
    expect(sessionCookiesOf(done)).not.toHaveLength(0);
    expect(sso.serves('/login/callback')).toBe(true);
    expect(sso.serves('/login')).toBe(false);
    expect(sso.routes).toEqual({ oidcCallback: '/login/callback' });
  });

  it('the old place under basePath answers 404, and a route left alone keeps its place', async () => {
    const { sso } = testSso(BASE, { routes: { oidcCallback: '/oidc/callback' } });
    expect((await sso.handle(new Request(`${BASE}/sso/oidc/callback?state=x&code=y`))).status).toBe(404);
    // Not ssokit's any more: adapters pass it on to the host.
    expect(sso.serves('/sso/oidc/callback')).toBe(false);
    expect(sso.serves('/oidc/callback')).toBe(true);
    expect(sso.serves('/sso/logout')).toBe(true);
    const logout = await sso.handle(
      new Request(`${BASE}/sso/logout`, {
        method: 'POST',
        headers: { origin: BASE, accept: 'application/json' },
      }),
    );
    expect(logout.status).toBe(200);
    // Without a moved callback the transaction cookie stays under basePath.
    const { sso: plain, storage } = testSso(BASE);
    const c = await storage.connections.create(oidcConnection(op.issuer, { id: 'okta' }));
    const start = await plain.handle(new Request(`${BASE}/sso/login/${c.id}`));
    expect(setCookiePairs(start).length).toBeGreaterThan(0);
    expect(start.headers.get('set-cookie')).toMatch(/Path=\/sso(;|$)/);
  });

  it('Test Provider and the SP metadata give the moved URLs to register at the IdP', async () => {
    const idp = await redirectBindingIdp();
    const { sso, storage } = testSso(BASE, {
      routes: { oidcCallback: '/oidc/callback', samlAcs: '/saml/consume', logout: '/logout' },
    });
    const oidc = await storage.connections.create(oidcConnection(op.issuer, { id: 'okta' }));
    const saml = await storage.connections.create(
      samlConnection(idp.getMetadata(), `${BASE}/sso/saml/metadata/duo`, { id: 'duo' }),
    );
    const oidcReport = await sso.testConnection(oidc.id);
    expect(oidcReport.register.redirectUri).toBe(`${BASE}/oidc/callback`);
    const samlReport = await sso.testConnection(saml.id);
    expect(samlReport.register.acsUrl).toBe(`${BASE}/saml/consume`);
    const metadata = await (await sso.handle(new Request(`${BASE}/sso/saml/metadata/${saml.id}`))).text();
    expect(metadata).toMatch(
      /AssertionConsumerService[^>]*Location="http:\/\/127\.0\.0\.1:3000\/saml\/consume"/,
    );
    // The AuthnRequest names the moved ACS too.
    const start = await sso.handle(new Request(`${BASE}/sso/login/${saml.id}`));
    const request = new URL(start.headers.get('location') as string).searchParams.get(
      'SAMLRequest',
    ) as string;
    const { inflateRawSync } = await import('node:zlib');
    expect(inflateRawSync(Buffer.from(request, 'base64')).toString()).toContain(
      'AssertionConsumerServiceURL="http://127.0.0.1:3000/saml/consume"',
    );
  });

  it('a cross-site sign-out link to the moved logout asks first, and its form posts to the moved path', async () => {
    const { sso } = testSso(BASE, { routes: { logout: '/logout' } });
    const page = await sso.handle(
      new Request(`${BASE}/logout`, { headers: { 'sec-fetch-site': 'cross-site', accept: 'text/html' } }),
    );
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('action="/logout"');
  });
});
