/**
 * The adapter suite's scenarios for pages and failures (./adapter-suite.ts runs them; its header
 * documents the routes an app provides): `requireAuth({ redirectTo })` sends a signed-out browser to
 * sign in and back to the page while API clients keep the 401 JSON, `optionalAuth()` reads who is
 * there without refusing anyone, and a session store that throws reaches the host's `onError` and the
 * framework's own error handling, while the store's typed refusals are answered as before.
 */
import { request } from 'node:http';
import { SsoError } from '@ssokit/core';
import { expect, it } from 'vitest';
import type { AdapterApp, AdapterPeers } from './adapter-suite.ts';
import { jarFetch } from './http.ts';
import { httpOidcLogin } from './oidc-provider.ts';

/** How `failSessionReads` makes session reads fail; `undefined`: they work again. */
export type SessionReadFailure = 'crash' | 'unavailable' | undefined;

/** The message of the error a crashing session read throws. */
export const SESSION_STORE_DOWN = 'session store down (a test failure)';

/**
 * Makes `storage.sessions.get` fail on demand, in place: `'crash'` throws a plain Error (a database
 * driver's failure, as a host's own store would throw), `'unavailable'` the `SsoError`
 * `storage_unavailable` a store adapter throws when it knows the store cannot answer.
 */
export function failSessionReads(storage: {
  sessions?: { get(id: string): Promise<unknown> } | undefined;
}): (failure: SessionReadFailure) => void {
  const sessions = storage.sessions;
  if (!sessions) throw new TypeError('failSessionReads(storage): the storage has no session store.');
  const read = sessions.get.bind(sessions);
  let failure: SessionReadFailure;
  sessions.get = async (id) => {
    if (failure === 'crash') throw new Error(SESSION_STORE_DOWN);
    if (failure === 'unavailable')
      throw new SsoError('storage_unavailable', 'The session store did not answer in time.');
    return read(id);
  };
  return (next) => {
    failure = next;
  };
}

/** What a browser sends when the user opens a page. */
const PAGE = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/** `path` on `app`, as a browser with `jar` (or any client, by `init.headers`) would ask. */
function visit(app: AdapterApp, path: string, jar = new Map<string, string>(), init: RequestInit = {}) {
  return jarFetch(jar, new URL(`${app.base}${path}`), { headers: PAGE, ...init });
}

/**
 * A browser's GET of `target` as the request line holds it (an absolute-form URL, characters fetch
 * would encode): the status and Location of the answer.
 */
function pageRedirect(
  app: AdapterApp,
  target: string,
): Promise<{ status: number; location: string | undefined }> {
  const { hostname, port } = new URL(app.base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: target, headers: PAGE }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.on('error', reject).end();
  });
}

/** Registers the scenarios; `start` starts an app on the suite's contract. */
export function pageScenarios(peers: AdapterPeers, start: () => Promise<AdapterApp>): void {
  it('requireAuth({ redirectTo }): a signed-out browser is sent to sign in and back to its page; API clients keep the 401', async () => {
    const app = await start();
    const signedOut = await visit(app, '/page?tab=models');
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('cache-control')).toBe('no-store');
    const location = signedOut.headers.get('location') as string;
    expect(location).toBe('/sso/login/local-op?returnTo=%2Fpage%3Ftab%3Dmodels');
    // The target is a function of the framework's request: here it reads the query.
    expect((await visit(app, '/page?idp=other')).headers.get('location')).toBe(
      '/sso/login/other?returnTo=%2Fpage%3Fidp%3Dother',
    );
    expect((await visit(app, '/page', undefined, { method: 'HEAD' })).status).toBe(303);
    // Not a page: fetch()'s default Accept, a JSON client, another method.
    for (const init of [
      { headers: {} as Record<string, string> },
      { headers: { accept: 'application/json' } },
      { headers: { ...PAGE, 'content-type': 'application/x-www-form-urlencoded' }, method: 'POST' },
    ] satisfies RequestInit[]) {
      const api = await visit(app, '/page', undefined, init);
      expect(api.status, JSON.stringify(init)).toBe(401);
      expect(await api.json()).toMatchObject({ error: 'unauthenticated' });
    }
    // The browser follows: the login comes back to the page it asked for, signed in.
    const returnTo = new URL(location, app.base).searchParams.get('returnTo') as string;
    const { jar, response } = await httpOidcLogin(app.base, app.oidcId, new Map(), returnTo);
    expect(response.headers.get('location')).toBe('/page?tab=models');
    const page = await visit(app, '/page?tab=models', jar);
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ kind: 'session', user: { email: 'ada@example.com' } });
    // A signed-in user is never sent to sign in; a visitor with no credential is no failure to report.
    expect(app.errors).toEqual([]);
  });

  it('requireAuth({ redirectTo }): returnTo is a path on this site only, whatever the request line held', async () => {
    const app = await start();
    // An absolute-form target names another host: the page is read on this site.
    expect(await pageRedirect(app, 'http://evil.example/page?tab=1')).toEqual({
      status: 303,
      location: '/sso/login/local-op?returnTo=%2Fpage%3Ftab%3D1',
    });
    // A backslash is no part of a site path (a browser may read it as a slash): no returnTo at all.
    expect(await pageRedirect(app, '/page?next=\\\\evil.example')).toEqual({
      status: 303,
      location: '/sso/login/local-op',
    });
  });

  it('optionalAuth(): null when nobody is signed in or a token is refused, the session or token otherwise', async () => {
    const app = await start();
    const anonymous = await visit(app, '/maybe');
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ auth: null });
    const token = await peers.tokens.mint({ sub: 'svc-1', groups: ['admins'] });
    const forged = await visit(app, '/maybe', undefined, {
      headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` },
    });
    expect(await forged.json()).toEqual({ auth: null });
    // Refused, and still heard of: the host's onError gets the forged token.
    expect(app.errors).toEqual([
      { code: 'access_token_invalid', status: 401, method: 'GET', path: '/maybe' },
    ]);
    const bearer = await visit(app, '/maybe', undefined, { headers: { authorization: `Bearer ${token}` } });
    expect(await bearer.json()).toMatchObject({ auth: { kind: 'bearer', user: { id: 'svc-1' } } });
    const { jar } = await httpOidcLogin(app.base, app.oidcId);
    expect(await (await visit(app, '/maybe', jar)).json()).toMatchObject({
      auth: { kind: 'session', user: { email: 'ada@example.com' } },
    });
  });

  it("a session store that throws: onError and the framework's error handling get it; its typed refusal is answered as before", async () => {
    const app = await start();
    const { jar } = await httpOidcLogin(app.base, app.oidcId);
    app.failSessionReads('crash');
    for (const path of ['/me', '/maybe', '/page']) {
      const answer = await visit(app, path, jar);
      expect(answer.status, path).toBe(500);
      // never a redirect to sign in, never "signed out", and nothing of the failure shown
      expect(answer.headers.get('location'), path).toBeNull();
      expect(await answer.text(), path).not.toContain(SESSION_STORE_DOWN);
    }
    expect(app.failures.map((error) => (error as Error).message)).toEqual([
      SESSION_STORE_DOWN,
      SESSION_STORE_DOWN,
      SESSION_STORE_DOWN,
    ]);
    expect(app.errors).toEqual(
      ['/me', '/maybe', '/page'].map((path) => ({ code: undefined, status: 500, method: 'GET', path })),
    );
    app.failSessionReads('unavailable');
    const busy = await visit(app, '/me', jar, { headers: { accept: 'application/json' } });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(await busy.json()).toMatchObject({ error: 'storage_unavailable' });
    expect(app.failures).toHaveLength(3);
    app.failSessionReads(undefined);
    expect((await visit(app, '/me', jar)).status).toBe(200);
  });
}
