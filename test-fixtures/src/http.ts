/**
 * What a browser does with cookies, for tests that drive ssokit over HTTP or through `sso.handle()`:
 * read a response's Set-Cookie headers, keep them in a jar (one Cookie header per host), and fetch
 * without following redirects, sending and keeping the jar's cookies.
 */
import { connect } from 'node:net';

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

/**
 * A session cookie's name in either mode: `sso_session` (server-side sessions) or its chunks
 * `sso_session.N` (cookie sessions), `__Host-` prefixed on https.
 */
const SESSION_COOKIE = /^(?:__Host-)?sso_session(?:\.\d+)?=/;

/** The session cookies a response sets with a value, as `name=value` pairs. */
export function sessionCookiesOf(response: Response): string[] {
  return cookiesOf(response).filter((c) => SESSION_COOKIE.test(c));
}

/** The raw Set-Cookie headers of a response for its session cookies, cleared ones included. */
export function sessionSetCookies(response: Response): string[] {
  return response.headers.getSetCookie().filter((c) => SESSION_COOKIE.test(c));
}

/** Whether a response sets a session cookie with a value (a login), as opposed to none or only clearing. */
export function setsSession(response: Response): boolean {
  return response.headers.getSetCookie().some((c) => SESSION_COOKIE.test(c) && !/^[^=]+=;/.test(c));
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

/**
 * Sends `head` (the request line and headers, CRLF-separated, without the blank line) and `body` over a
 * plain socket, as no fetch would (a malformed target, an absolute-form URL), and returns the status and
 * the body of the answer. With `abortAfterBody`, the socket is destroyed once `body` is written: a client
 * that goes away in the middle of its upload; the result is then `undefined`.
 */
export async function rawHttp(
  base: string,
  head: string,
  body = '',
  options: { abortAfterBody?: boolean } = {},
): Promise<{ status: number; body: string } | undefined> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(`${head}\r\nConnection: close\r\n\r\n${body}`);
  if (options.abortAfterBody) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const statusLine = text.slice(0, text.indexOf('\r\n'));
  const bodyStart = text.indexOf('\r\n\r\n');
  return { status: Number(statusLine.split(' ')[1]), body: bodyStart < 0 ? '' : text.slice(bodyStart + 4) };
}
