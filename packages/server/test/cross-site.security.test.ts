/**
 * Invariant family: nothing that changes state is done for another site. A logout, an admin write or
 * a restore sign-in from another site (a form, a link, an image: CSRF) is refused, whatever header
 * the browser says it with (Sec-Fetch-Site, Origin, Referer); a logout link followed from another site
 * gets a confirmation page instead of ending the session. Security review 1, finding 8.
 */
import { startRestoreMode } from '@ssokit/config';
import { now } from '@ssokit/core';
import { memorySnapshot } from '@ssokit/storage/testkit';
import { sessionSetCookies } from 'ssokit-test-fixtures/http';
import { describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'https://app.example.com';

/** An app in restore mode and a restore session's cookie (a session without any IdP). */
async function signedIn() {
  const clock = () => Date.parse('2026-12-04T10:00:00Z');
  const restore = startRestoreMode({ restoreTtlMs: 30 * 60_000, [now]: clock });
  const { password } = restore;
  const { sso, storage } = testSso(BASE, { restore, authorizeAdmin: () => true, [now]: clock });
  const login = await sso.handle(
    new Request(`${BASE}/sso/restore`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ password }),
    }),
  );
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const session = async () =>
    (await (await sso.handle(new Request(`${BASE}/sso/session`, { headers: { cookie } }))).json()).session;
  expect(await session()).not.toBeNull();
  return { sso, storage, cookie, session, password };
}

const fromElsewhere: [string, Record<string, string>][] = [
  ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
  ['an Origin of another site', { origin: 'https://evil.example' }],
  ['a Referer from another site (no Sec-Fetch-Site)', { referer: 'https://evil.example/page' }],
];

describe('requests from another site', () => {
  for (const [how, headers] of fromElsewhere) {
    it(`GET /logout with ${how}: a confirmation page, the session kept, no IdP logout`, async () => {
      const { sso, cookie, session } = await signedIn();
      const response = await sso.handle(
        new Request(`${BASE}/sso/logout?local=1`, { headers: { cookie, ...headers } }),
      );
      expect(response.status).toBe(200);
      expect(sessionSetCookies(response)).toEqual([]);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      const page = await response.text();
      expect(page).toContain('<form method="post" action="/sso/logout?local=1">');
      expect(await session()).not.toBeNull();
    });

    it(`the confirmation page (${how}) carries the query escaped into its form`, async () => {
      const { sso, cookie } = await signedIn();
      const response = await sso.handle(
        new Request(`${BASE}/sso/logout?local=1&next='x'`, { headers: { cookie, ...headers } }),
      );
      const page = await response.text();
      expect(page).toContain('action="/sso/logout?local=1&amp;next=%27x%27"');
      // every & of the query is written as an entity (a bare one would start a character reference)
      expect(page).not.toMatch(/&(?!amp;|#39;|quot;|lt;|gt;)/);
    });

    it(`POST /logout, admin writes and restore sign-ins with ${how} are refused, writing nothing`, async () => {
      const { sso, storage, cookie, session, password } = await signedIn();
      const before = await memorySnapshot(storage);
      const post = (path: string, body: string, type = 'application/json') =>
        sso.handle(
          new Request(`${BASE}/sso${path}`, {
            method: 'POST',
            headers: { cookie, accept: 'application/json', 'content-type': type, ...headers },
            body,
          }),
        );
      for (const response of [
        await post('/logout', ''),
        await post('/admin/connections', JSON.stringify({ name: 'x', protocol: 'oidc' })),
        await post('/restore', JSON.stringify({ password })),
      ]) {
        expect(response.status).toBe(403);
        expect(await response.json()).toMatchObject({ error: 'forbidden' });
        expect(sessionSetCookies(response)).toEqual([]);
      }
      expect(await session()).not.toBeNull();
      expect(await memorySnapshot(storage)).toEqual(before);
    });
  }

  it('a JSON client asking to log out from another site is refused, not shown a page', async () => {
    const { sso, cookie } = await signedIn();
    const response = await sso.handle(
      new Request(`${BASE}/sso/logout`, {
        headers: { cookie, accept: 'application/json', 'sec-fetch-site': 'cross-site' },
      }),
    );
    expect(response.status).toBe(403);
  });

  it('the confirmation, posted from the page, signs out; so do a same-origin link and a typed URL', async () => {
    const navigations: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
      {},
    ];
    for (const headers of navigations) {
      const { sso, cookie, session } = await signedIn();
      const response = await sso.handle(
        new Request(`${BASE}/sso/logout`, { headers: { cookie, ...headers } }),
      );
      expect(response.status).toBe(303);
      expect(sessionSetCookies(response).length).toBeGreaterThan(0);
      expect(sessionSetCookies(response).every((c) => /Max-Age=0/.test(c))).toBe(true);
      // The session ended server-side: even a copy of the cookie taken before is refused.
      expect(await session()).toBeNull();
    }
    const { sso, cookie } = await signedIn();
    const confirmed = await sso.handle(
      new Request(`${BASE}/sso/logout`, {
        method: 'POST',
        headers: { cookie, origin: BASE, 'sec-fetch-site': 'same-origin' },
      }),
    );
    expect(confirmed.status).toBe(303);
    expect(sessionSetCookies(confirmed).every((c) => /Max-Age=0/.test(c))).toBe(true);
  });
});

describe("another route's failure leaves a login in progress alone", () => {
  it('a refused cross-site sign-out or admin call does not clear the transaction cookie; a failed callback does', async () => {
    const { sso } = testSso(BASE, { authorizeAdmin: () => false });
    const txCleared = (response: Response) =>
      response.headers.getSetCookie().some((c) => c.startsWith('sso_tx=;'));
    // A page elsewhere posts to the sign-out: refused, and the login the user has open at the IdP survives.
    const logout = await sso.handle(
      new Request(`${BASE}/sso/logout`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } }),
    );
    expect(logout.status).toBe(403);
    expect(txCleared(logout)).toBe(false);
    const adminCall = await sso.handle(new Request(`${BASE}/sso/admin/connections`));
    expect(adminCall.status).toBe(403);
    expect(txCleared(adminCall)).toBe(false);
    // The login's own callback, failing, ends the transaction it names.
    const callback = await sso.handle(
      new Request(`${BASE}/sso/oidc/callback?state=x&code=y`, { headers: { cookie: 'sso_tx=x' } }),
    );
    expect(callback.status).toBe(400);
    expect(txCleared(callback)).toBe(true);
  });
});
