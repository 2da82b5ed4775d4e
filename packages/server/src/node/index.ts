/**
 * `@ssokit/server/node`: what every Node framework adapter shares. A Node request becomes a Web
 * `Request` (with the raw body bytes, as the IdP sent them), a Web `Response` is written back, and
 * `authenticate()` reads a session cookie or a bearer token for `requireAuth()`.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { isSsoError, readBodyWithLimit, SsoError } from '@ssokit/core';
import type { AccessTokenVerifier, VerifiedAccessToken } from '@ssokit/oidc';
import { recordClientAddress } from '../client.ts';
import { type Sso, type SsoSession, type SsoUser, ssoUser } from '../options.ts';
import { type ErrorReporter, REPORT_ERROR } from '../report-error.ts';
import { type ErrorReply, errorReply } from '../respond.ts';

export type { ErrorReply } from '../respond.ts';
export { errorReply } from '../respond.ts';

/**
 * {@link errorReply} for an adapter's own failure (a body over its limit, a bearer token refused), also
 * handed to the host's `onError` like every failure `sso.handle` answers; `unauthenticated` (nothing
 * presented) is only answered.
 *
 * @example
 * ```ts
 * import { replyToError, toWebRequestHead } from '@ssokit/server/node';
 *
 * const { status, headers, body } = replyToError(sso, error, toWebRequestHead(req, sso.origin, req.url));
 * ```
 */
export function replyToError(sso: Sso, error: unknown, request: Request): ErrorReply {
  const reply = errorReply(error);
  // a visitor who presented nothing is the ordinary state of a signed-out page, not a failure to log
  if (!(isSsoError(error) && error.code === 'unauthenticated'))
    (sso as unknown as { [REPORT_ERROR]?: ErrorReporter })[REPORT_ERROR]?.(error, request, reply.status);
  return reply;
}

/** The default cap on a request body read for ssokit's routes: 1 MiB (a SAML POST is well under). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Who made a request, as `requireAuth()` found it. */
export interface SsoAuth {
  /** `session`: the ssokit session cookie; `bearer`: an `Authorization: Bearer` access token. */
  kind: 'session' | 'bearer';
  /** The app user (session), or the token's mapped user id (bearer: the IdP's id, not the app's). */
  user: SsoUser;
  roles: string[];
  /** Group names (session only; a bearer token's groups are in `token.profile`). */
  groups: string[];
  session?: SsoSession;
  token?: VerifiedAccessToken;
}

/** Options of `requireAuth()` in every adapter. */
export interface RequireAuthOptions {
  /** The request needs at least one of these roles (`forbidden` otherwise). Default: any signed-in user. */
  roles?: readonly string[];
  /** Accept `Authorization: Bearer` tokens verified by this verifier. Default: sessions only. */
  bearer?: AccessTokenVerifier;
}

/**
 * Checks `requireAuth` options once, when the middleware is made (STYLE 2.2): a mistake is a
 * TypeError at start-up, not a 500 on the first request.
 */
export function checkRequireAuthOptions(options: RequireAuthOptions | undefined): RequireAuthOptions {
  const o = options ?? {};
  if (typeof o !== 'object') throw new TypeError('requireAuth(options): "options" must be an object.');
  if (
    o.roles !== undefined &&
    (!Array.isArray(o.roles) || !o.roles.every((r) => typeof r === 'string' && r !== ''))
  )
    throw new TypeError('requireAuth(options): "roles" must be a list of role names.');
  if (o.bearer !== undefined && typeof o.bearer?.verify !== 'function')
    throw new TypeError(
      'requireAuth(options): "bearer" must be a verifier from createAccessTokenVerifier().',
    );
  return o;
}

/**
 * Checks an adapter's `ssoRouter(sso, options)` arguments once, when the middleware is made, and
 * returns what the middleware needs: the body limit and whether a path is one of ssokit's.
 */
export function checkRouterOptions(
  sso: Sso,
  options: { bodyLimit?: number } | undefined,
): { bodyLimit: number; owns(path: string): boolean } {
  if (typeof sso?.handle !== 'function')
    throw new TypeError('ssoRouter(sso): pass the object createSso() returned.');
  const bodyLimit = options?.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isInteger(bodyLimit) || bodyLimit <= 0)
    throw new TypeError('ssoRouter(sso, options): "bodyLimit" must be a positive number of bytes.');
  const prefix = `${sso.basePath}/`;
  return { bodyLimit, owns: (path) => path === sso.basePath || path.startsWith(prefix) };
}

/**
 * The session or bearer token of a request, with the roles `options` require. Throws `SsoError`
 * `unauthenticated` (nothing presented), `access_token_invalid` (a bad bearer token) or `forbidden`
 * (a role missing).
 *
 * @example
 * ```ts
 * import { authenticate } from '@ssokit/server/node';
 *
 * const auth = await authenticate(sso, request, { roles: ['admin'] });
 * auth.user.id; auth.roles;
 * ```
 */
export async function authenticate(
  sso: Sso,
  request: Request,
  options: RequireAuthOptions = {},
): Promise<SsoAuth> {
  let auth: SsoAuth | undefined;
  const header = request.headers.get('authorization');
  const bearer = /^Bearer[ ]+(\S+)$/i.exec(header ?? '')?.[1];
  if (header !== null && bearer !== undefined) {
    if (!options.bearer)
      throw new SsoError(
        'access_token_invalid',
        'This route does not accept bearer tokens; sign in instead.',
      );
    const token = await options.bearer.verify(bearer);
    auth = {
      kind: 'bearer',
      user: ssoUser(token.profile.externalId, token.profile),
      roles: token.roles,
      groups: [],
      token,
    };
  } else {
    const session = await sso.getSession(request);
    if (session)
      auth = { kind: 'session', user: session.user, roles: session.roles, groups: session.groups, session };
  }
  if (!auth) throw new SsoError('unauthenticated', 'Sign in first: this page needs a signed-in user.');
  const needed = options.roles;
  if (needed && needed.length > 0 && !needed.some((role) => auth.roles.includes(role))) {
    throw new SsoError('forbidden', `This needs one of the roles ${needed.join(', ')}.`, {
      details: { reason: 'role', roles: [...needed] },
    });
  }
  return auth;
}

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
