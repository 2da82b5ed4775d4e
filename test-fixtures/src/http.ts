/**
 * What a browser does with cookies, for tests that drive ssokit over HTTP or through `sso.handle()`:
 * read a response's Set-Cookie headers, keep them in a jar (one Cookie header per host), and fetch
 * without following redirects, sending and keeping the jar's cookies.
 */

/** Every `name=value` pair a response sets, in order, cleared ones (`name=`) included. */
export function setCookiePairs(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(';')[0] as string);
}

/**
 * The cookies a browser keeps from a response, as `name=value` pairs for a Cookie header: those with a
 * value (a cleared cookie, `name=`, is left out), and of those only the ones whose name starts with
 * `prefix` when one is given.
 */
export function cookiesOf(response: Response, prefix = ''): string[] {
  return setCookiePairs(response).filter((c) => !c.endsWith('=') && c.startsWith(prefix));
}

/** The session cookies (`sso_session.N`) a response sets with a value, as `name=value` pairs. */
export function sessionCookiesOf(response: Response): string[] {
  return cookiesOf(response, 'sso_session.');
}

/** The raw Set-Cookie headers of a response for its session cookies, cleared ones included. */
export function sessionSetCookies(response: Response): string[] {
  return response.headers.getSetCookie().filter((c) => c.startsWith('sso_session.'));
}

/** Whether a response sets a session cookie with a value (a login), as opposed to none or only clearing. */
export function setsSession(response: Response): boolean {
  return response.headers.getSetCookie().some((c) => /^sso_session\.\d+=[^;]/.test(c));
}

/**
 * Keeps a response's cookies in a jar (one Cookie header per host), as a browser would: a cookie set
 * with an empty value or `Max-Age=0` is removed.
 */
export function rememberCookies(jar: Map<string, string>, url: URL, response: Response): void {
  const set = response.headers.getSetCookie();
  if (set.length === 0) return;
  const existing = new Map(
    (jar.get(url.host) ?? '')
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.slice(0, c.indexOf('=')), c] as const),
  );
  for (const header of set) {
    const pair = header.split(';')[0] as string;
    const name = pair.slice(0, pair.indexOf('='));
    if (pair.endsWith('=') || /;\s*max-age=0/i.test(header)) existing.delete(name);
    else existing.set(name, pair);
  }
  jar.set(url.host, [...existing.values()].join('; '));
}

/**
 * One request as a browser sends it: redirects are not followed, the jar's cookies for the URL's host
 * go along (an empty Cookie header when it has none), and the cookies of the answer are kept in the jar.
 */
export async function jarFetch(
  jar: Map<string, string>,
  url: URL,
  init: RequestInit = {},
): Promise<Response> {
  const response = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as object), cookie: jar.get(url.host) ?? '' },
  });
  rememberCookies(jar, url, response);
  return response;
}
