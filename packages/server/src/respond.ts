/**
 * Responses and request reading shared by every route: JSON, the one error renderer (JSON or a small
 * HTML page, with `Retry-After` and `Allow` where they apply), the capped body reader, the site-path
 * check, path segments and `method_not_allowed`.
 *
 * @module
 */
import { ConfigError, isSsoError, SsoError } from '@ssokit/core';
import type { CookieAttributes } from './cookies.ts';
import { statusFor } from './status.ts';
import { clearTransactionCookie } from './transactions.ts';

/** A JSON response that no cache keeps. */
export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/** Whether the client asked for JSON (`Accept: application/json`). */
export function wantsJson(request: Request): boolean {
  return (request.headers.get('accept') ?? '').includes('application/json');
}

/**
 * The response for a failure: its code's status (`statusFor`), JSON for clients that ask for it and an
 * HTML page for browsers, the transaction cookie cleared. Anything but an `SsoError` is a 500 whose
 * body says `server_error` and nothing of the cause.
 */
export function errorResponse(request: Request, error: unknown, txCookie: CookieAttributes): Response {
  const known = isSsoError(error)
    ? error
    : new SsoError('invalid_request', 'Something went wrong on the server; the request did not complete.', {
        cause: error,
      });
  const status = isSsoError(error) ? statusFor(error.code) : 500;
  const headers = new Headers({ 'cache-control': 'no-store' });
  if (status === 429) headers.set('retry-after', '60');
  if (status === 405 && typeof known.details?.allow === 'string') headers.set('allow', known.details.allow);
  clearTransactionCookie(headers, txCookie);
  if (wantsJson(request)) {
    headers.set('content-type', 'application/json; charset=utf-8');
    const body: Record<string, unknown> = {
      error: status === 500 ? 'server_error' : known.code,
      message: known.message,
    };
    if (known instanceof ConfigError) body.issues = known.issues;
    return new Response(JSON.stringify(body), { status, headers });
  }
  headers.set('content-type', 'text/html; charset=utf-8');
  return new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>Sign-in failed</title></head><body><h1>Sign-in failed</h1><p>${escapeHtml(known.message)}</p><p><code>${escapeHtml(status === 500 ? 'server_error' : known.code)}</code></p><p><a href="/">Back</a></p></body></html>`,
    { status, headers },
  );
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** The body as text, or undefined when it is longer than `limit` bytes (read no further than that). */
export async function readCapped(request: Request, limit: number): Promise<string | undefined> {
  const reader = request.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
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
  return /^\/(?![/\\])[\x20-\x5b\x5d-\x7e]*$/.test(path);
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
