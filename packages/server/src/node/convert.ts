/**
 * Conversion between Node's HTTP objects and the Web `Request`/`Response` of `sso.handle()`: the raw
 * body read with a limit, the request target read on this site whatever it holds, every `Set-Cookie`
 * written back.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { readBodyWithLimit, SsoError } from '@ssokit/core';
import { recordClientAddress } from '../client.ts';

/**
 * The default cap on a request body read for ssokit's routes: 1 MiB (a SAML POST is well under).
 *
 * @example
 * ```ts
 * import { DEFAULT_BODY_LIMIT } from '@ssokit/server/node';
 *
 * const bodyLimit = 4 * DEFAULT_BODY_LIMIT; // for an IdP that posts very large SAML responses
 * ```
 */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * A Web `Request` for a Node request. The body is read raw (up to `bodyLimit` bytes; past it, a
 * `invalid_request` SsoError) so a SAML POST reaches ssokit byte for byte. When a body parser has
 * already consumed the stream, the parser's saved raw bytes (`req.rawBody`, a Buffer) are used; if
 * there are none, ssokit refuses rather than re-encode a parsed body.
 *
 * @example
 * ```ts
 * const request = await toWebRequest(req, 'https://app.example.com', req.originalUrl);
 * ```
 */
export async function toWebRequest(
  req: IncomingMessage & { rawBody?: unknown; _body?: unknown },
  origin: string,
  path: string = req.url ?? '/',
  options: ToWebRequestOptions = {},
): Promise<Request> {
  const headers = headersOf(req);
  const method = req.method ?? 'GET';
  const init: RequestInit = { method, headers };
  if (method !== 'GET' && method !== 'HEAD') {
    const raw = options.rawBody ?? req.rawBody;
    init.body = (await readBody(
      req,
      options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      raw,
    )) as Uint8Array<ArrayBuffer>;
  }
  const request = new Request(urlOf(origin, path), init);
  recordClientAddress(request, options.clientAddress ?? req.socket?.remoteAddress);
  return request;
}

/**
 * The request's URL on this site, whatever the request line held: the path is appended to the origin,
 * so `//host/x` or an absolute-form `http://other/x` can neither change the host nor make `new URL`
 * throw (the WHATWG parser percent-encodes what it does not accept in a path).
 */
function urlOf(origin: string, path: string): URL {
  let target = path;
  if (!target.startsWith('/')) {
    // the absolute form of a request target (`GET http://host/path`, as sent to proxies): its path
    try {
      const absolute = new URL(target);
      target = `${absolute.pathname}${absolute.search}`;
    } catch {
      target = `/${target}`;
    }
  }
  return new URL(`${new URL(origin).origin}${target}`);
}

/** Methods a Web `Request` cannot be made with; a head of one of these says `GET`. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Options of {@link toWebRequest}. */
export interface ToWebRequestOptions {
  /** The largest body read, in bytes. Default: 1048576 (1 MiB). */
  bodyLimit?: number;
  /**
   * The raw body a parser kept when it consumed the stream (koa-bodyparser's `ctx.request.rawBody`).
   * Default: `req.rawBody`.
   */
  rawBody?: unknown;
  /**
   * The client's address as the framework knows it (Express's `req.ip`, Koa's `ctx.ip`: both honour
   * their trust-proxy setting), for per-client limits when `createSso` has no `clientKey`. Default:
   * the socket's remote address.
   */
  clientAddress?: string | undefined;
}

/**
 * A bodiless Web `Request` with a Node request's method, URL and headers: enough for `authenticate()`,
 * which reads only cookies and `Authorization`, and leaves the body to the host's own parsers. It never
 * throws, whatever the request line held.
 *
 * @example
 * ```ts
 * const auth = await authenticate(sso, toWebRequestHead(req, sso.origin, req.originalUrl));
 * ```
 */
export function toWebRequestHead(
  req: IncomingMessage,
  origin: string,
  path: string = req.url ?? '/',
): Request {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = urlOf(origin, path);
  try {
    return new Request(url, {
      method: FORBIDDEN_METHODS.has(method) || !/^[A-Z-]+$/.test(method) ? 'GET' : method,
      headers: headersOf(req),
    });
  } catch {
    // a header a Web Request refuses: nothing is read from it, so the request is an anonymous one
    return new Request(url);
  }
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  return headers;
}

async function readBody(
  req: IncomingMessage & { _body?: unknown },
  limit: number,
  rawBody: unknown,
): Promise<Uint8Array> {
  if (req._body === true || req.readableEnded) {
    // A parser read the body first: its saved bytes are held to the same limit as a streamed body.
    const kept = Buffer.isBuffer(rawBody)
      ? rawBody
      : typeof rawBody === 'string'
        ? Buffer.from(rawBody)
        : undefined;
    if (kept) return readBodyWithLimit(Readable.from([kept]), limit);
    throw new SsoError(
      'invalid_request',
      'The request body was already read by a body parser. Mount ssokit before the body parser (or keep the raw bytes: req.rawBody, ctx.request.rawBody).',
    );
  }
  try {
    return await readBodyWithLimit(req, limit);
  } catch (error) {
    // A client that goes away mid-body is not a failure of ours: a typed refusal, not a 500 to log.
    if (req.destroyed && !(error instanceof SsoError))
      throw new SsoError('invalid_request', 'The request body ended before it was complete.', {
        details: { reason: 'aborted' },
        cause: error,
      });
    throw error;
  }
}

/**
 * Writes a Web `Response` to a Node response: status, headers (every `Set-Cookie` kept apart) and body.
 *
 * @example
 * ```ts
 * await writeWebResponse(res, await sso.handle(request));
 * ```
 */
export async function writeWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}
