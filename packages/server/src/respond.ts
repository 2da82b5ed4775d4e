/**
 * Responses and request reading shared by every route: JSON, the one error renderer (JSON or a small
 * HTML page, with `Retry-After` and `Allow` where they apply), the capped body reader, the site-path
 * check, path segments and `method_not_allowed`.
 *
 * @module
 */
import {
  type ConfigError,
  type ConfigIssue,
  isSsoError,
  readTextWithLimit,
  SsoError,
  type SsoErrorCode,
} from '@ssokit/core';
import type { CookieAttributes } from './cookies.ts';
import { statusFor } from './status.ts';
import { clearTransactionCookie } from './transactions.ts';

/** A JSON response that no cache keeps, with `headers` (cookies, ...) when given. */
export function json(body: unknown, status = 200, headers: Headers = new Headers()): Response {
  headers.set('content-type', 'application/json; charset=utf-8');
  headers.set('cache-control', 'no-store');
  headers.set('x-content-type-options', 'nosniff');
  return new Response(JSON.stringify(body), { status, headers });
}

/** Whether the client asked for JSON (`Accept: application/json`). */
export function wantsJson(request: Request): boolean {
  return (request.headers.get('accept') ?? '').includes('application/json');
}

/** A failure as status, headers and JSON body: what every renderer sends. */
export interface ErrorReply {
  status: number;
  /** `Retry-After` on 429, `Allow` on 405, `cache-control: no-store` always. */
  headers: Record<string, string>;
  /**
   * `reason`: which check refused, when the error names one (`details.reason`, a short code such as
   * `exp` or `replay`) and its message is shown; never for a failure whose message is replaced.
   */
  body: { error: string; message: string; reason?: string; issues?: readonly ConfigIssue[] };
}

/**
 * What a visitor is told instead of the message of a failure that describes this server's own set-up
 * (IdP URLs, configuration problems, storage): the details go to `onError` and the admin API only.
 */
const PUBLIC_MESSAGES: Partial<Record<SsoErrorCode, string>> = {
  idp_unreachable:
    'The identity provider could not be reached. Try again in a moment; if it keeps failing, tell your administrator.',
  discovery_failed:
    "The identity provider's settings could not be read. Tell your administrator; the details are in the server's log.",
  config_invalid:
    "This sign-in method is not set up correctly. Tell your administrator; the details are in the server's log.",
  // What an IdP's answer failed on names values from the document (an issuer, an audience, parser
  // text): shown on this site it would be content anyone can post; it goes to onError instead.
  saml_invalid:
    "The identity provider's answer could not be accepted. Start the sign-in again; if it keeps failing, tell your administrator.",
  saml_signature_invalid:
    "The identity provider's answer could not be accepted. Start the sign-in again; if it keeps failing, tell your administrator.",
  id_token_invalid:
    "The identity provider's answer could not be accepted. Start the sign-in again; if it keeps failing, tell your administrator.",
  userinfo_invalid:
    "The identity provider's answer could not be accepted. Start the sign-in again; if it keeps failing, tell your administrator.",
  storage_failure: 'The sign-in could not be saved. Try again in a moment.',
  storage_unavailable: 'The service is briefly unavailable. Try again in a moment.',
  storage_conflict: 'The sign-in could not be saved. Try again in a moment.',
};

/** Options of {@link errorReply}. */
export interface ErrorReplyOptions {
  /**
   * Send every message as it is, `issues` included: for the admin API, whose caller is an admin.
   * Otherwise a failure that describes the server's own set-up gets a public message. Default: false.
   */
  expose?: boolean;
}

/**
 * The one mapping of a failure to HTTP, for `sso.handle` and the Node adapters alike: the code's
 * status (`statusFor`), `Retry-After` on 429 and `Allow` on 405. Anything but an `SsoError` (from any
 * copy of `@ssokit/core`, CJS or ESM) is a 500 whose body says `server_error` and nothing of the cause.
 *
 * @example
 * ```ts
 * import { SsoError } from '@ssokit/core';
 * import { errorReply } from '@ssokit/server/node';
 *
 * const reply = errorReply(new SsoError('rate_limited', 'Too many sign-ins; wait a minute.'));
 * reply.status; // 429, with reply.headers['retry-after']
 * ```
 */
export function errorReply(error: unknown, options: ErrorReplyOptions = {}): ErrorReply {
  if (!isSsoError(error))
    return {
      status: 500,
      headers: { 'cache-control': 'no-store' },
      body: {
        error: 'server_error',
        message: 'Something went wrong on the server; the request did not complete.',
      },
    };
  const status = statusFor(error.code);
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (status === 429) headers['retry-after'] = '60';
  if (error.code === 'storage_unavailable') headers['retry-after'] = '5';
  // RFC 6750 §3: a refused bearer token is answered with the challenge naming why.
  if (error.code === 'access_token_invalid') headers['www-authenticate'] = 'Bearer error="invalid_token"';
  if (status === 405 && typeof error.details?.allow === 'string') headers.allow = error.details.allow;
  const hidden = options.expose ? undefined : PUBLIC_MESSAGES[error.code];
  const body: ErrorReply['body'] = { error: error.code, message: hidden ?? error.message };
  const reason = error.details?.reason;
  if (hidden === undefined && typeof reason === 'string' && /^[a-z0-9_]{1,40}$/.test(reason))
    body.reason = reason;
  const issues = (error as Partial<ConfigError>).issues;
  if (hidden === undefined && error.code === 'config_invalid' && Array.isArray(issues)) body.issues = issues;
  return { status, headers, body };
}

/** How {@link errorResponse} renders. */
export interface ErrorResponseOptions extends ErrorReplyOptions {
  /** JSON `{ error, message }` (with `issues` for a ConfigError); otherwise a small HTML page. */
  json: boolean;
  /** Delete the transaction cookie too (a login route failed), with these attributes. */
  clearTransaction?: CookieAttributes;
}

/** {@link errorReply} as a Web `Response`: JSON, or a small HTML page with the same code. */
export function errorResponse(error: unknown, options: ErrorResponseOptions): Response {
  const { status, headers: fields, body } = errorReply(error, options);
  const headers = new Headers(fields);
  if (options.clearTransaction) clearTransactionCookie(headers, options.clearTransaction);
  if (options.json) return json(body, status, headers);
  headers.set('content-type', 'text/html; charset=utf-8');
  return new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>Sign-in failed</title></head><body><h1>Sign-in failed</h1><p>${escapeHtml(body.message)}</p><p><code>${escapeHtml(body.error)}</code></p><p><a href="/">Back</a></p></body></html>`,
    { status, headers },
  );
}

/** Text made safe inside HTML, element content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/**
 * The largest body each route reads, in bytes. A SAML response with hundreds of groups, encrypted, is
 * well under 1 MiB; the rest carry small forms or JSON.
 */
export const BODY_LIMITS = {
  /** `POST /saml/acs`: 1 MiB. */
  acs: 1024 * 1024,
  /** The admin API's JSON: 256 KiB. */
  admin: 256 * 1024,
  /** `POST /restore`: 4 KiB. */
  restore: 4 * 1024,
  /** `POST /oidc/backchannel-logout/:id` (a form with one logout token): 64 KiB. */
  backchannelLogout: 64 * 1024,
} as const;

/**
 * The body of a request as text, read as a stream and no further than `limit` bytes (past it,
 * `payload_too_large`), through the one reader every entry shares (`readBodyWithLimit`).
 */
export function readBody(request: Request, limit: number, what: string): Promise<string> {
  return readTextWithLimit(request.body, limit, what);
}

/**
 * Whether a request comes from another site (or another origin of this site), by what the browser
 * says: `Sec-Fetch-Site` when sent (anything but `same-origin` and `none`, a typed URL or bookmark),
 * else an `Origin` that is not this app's, else a `Referer` from another origin. A request with none
 * of them (a non-browser client) is not treated as cross-site. The one same-origin rule of the server
 * (admin writes, restore, logout).
 */
export function isCrossSite(request: Request, origin: string): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site !== 'same-origin' && site !== 'none';
  const from = request.headers.get('origin');
  if (from !== null) return from !== origin;
  const referer = request.headers.get('referer');
  if (referer === null) return false;
  try {
    return new URL(referer).origin !== origin;
  } catch {
    return true;
  }
}

/**
 * Whether `path` is a path on this site and nothing else once a browser reads it: it starts with one
 * `/` (not `//`, `/\`), has no backslash, and only printable ASCII (browsers drop tabs and newlines
 * from URLs, so `/\t/evil.example` would become `//evil.example`, another site; other characters must
 * arrive percent-encoded).
 */
export function isSitePath(path: string): boolean {
  // Printable ASCII only: a browser drops control characters, and a Location header cannot carry
  // characters past U+00FF (clients percent-encode such paths, as browsers do).
  if (!/^\/(?![/\\])[\x20-\x5b\x5d-\x7e]*$/.test(path)) return false;
  // Nor a path that becomes another once resolved or decoded: `/.//evil.example` resolves to the
  // path `//evil.example`, and `/%2F%2Fevil.example` decodes to it, which a host that redirects to
  // `location.pathname` later would send off the site. So no dot segments (plain or encoded) and no
  // encoded slash or backslash in the path part (the query may carry them).
  const pathPart = path.split(/[?#]/, 1)[0] as string;
  if (/%2f|%5c/i.test(pathPart)) return false;
  return !pathPart.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

/** `method_not_allowed`, with the methods the route takes (sent as the `Allow` header). */
export function notAllowed(message: string, allow: string): SsoError {
  return new SsoError('method_not_allowed', message, { details: { allow } });
}

/** A path segment, percent-decoded; a malformed escape is the client's mistake (400), not a crash. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new SsoError('invalid_request', 'The URL has a malformed percent-escape.');
  }
}
