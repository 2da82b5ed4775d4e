/**
 * The one place the OIDC package talks to an identity provider: a timeout on every request, a cap on
 * the response size, the IdP-URL rule of `@ssokit/core` (https, or http on a loopback host), and errors
 * that name the URL and status and never a secret.
 */

import type { SsoErrorCode } from '@ssokit/core';
import { allowInsecureRequests, checkIdpUrl, customFetch, readTextWithLimit, SsoError } from '@ssokit/core';
import type { HttpOptions } from '../http-options.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * Parses and checks an IdP URL with core's `checkIdpUrl`: absolute, `https:`, or `http:` on a loopback
 * host (or anywhere with `allowInsecureRequests`). Throws `code` (default `discovery_failed`) with a
 * message that starts with `what` ("the JWKS URI").
 */
export function assertIdpUrl(
  value: string,
  what: string,
  options: HttpOptions = {},
  code: SsoErrorCode = 'discovery_failed',
): URL {
  const check = checkIdpUrl(value, {
    allowInsecure: options[allowInsecureRequests] === true,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  if (check.ok) return check.url;
  // A plain-http URL is named by its origin; a value that is not one, as written (clipped).
  const subject = check.problem === 'insecure_http' && check.url ? check.url.origin : `"${truncate(value)}"`;
  throw new SsoError(code, `${capitalise(what)} ${subject} ${check.message}`, {
    details: { url: check.url?.href ?? truncate(value) },
  });
}

/** A response whose body was read within the size limit. */
export interface IdpResponse {
  status: number;
  headers: Headers;
  body: string;
  url: string;
}

/**
 * Sends a request to the IdP and reads the body, bounded in time and size. Network failures, timeouts
 * and oversize bodies throw `idp_unreachable` (or `errorCode`) naming the URL; the status is left to
 * the caller, who knows which statuses are errors.
 */
export async function requestIdp(
  url: URL,
  init: RequestInit,
  what: string,
  options: HttpOptions = {},
  errorCode: SsoErrorCode = 'idp_unreachable',
): Promise<IdpResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch =
    options[customFetch] ?? ((input: string, requestInit: RequestInit) => fetch(input, requestInit));
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await doFetch(url.href, { ...init, redirect: 'manual', signal });
  } catch (cause) {
    throw unreachable(url, what, cause, signal, timeoutMs, errorCode);
  }
  return readIdpResponse(response, url, what, options, errorCode);
}

/**
 * Reads a response that another library fetched (oauth4webapi's token request) with the same size
 * limit and errors as {@link requestIdp}.
 */
export async function readIdpResponse(
  response: Response,
  url: URL,
  what: string,
  options: HttpOptions = {},
  errorCode: SsoErrorCode = 'idp_unreachable',
): Promise<IdpResponse> {
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  const where = `${url.origin}${url.pathname}`;
  try {
    return {
      status: response.status,
      headers: response.headers,
      body: await readBounded(response, maxBytes),
      url: where,
    };
  } catch (cause) {
    const tooLarge = cause instanceof SsoError;
    throw new SsoError(
      errorCode,
      tooLarge
        ? `${capitalise(what)} at ${where} sent more than ${maxBytes} bytes.`
        : `${capitalise(what)} at ${where} broke off while sending its answer.`,
      {
        ...(tooLarge ? {} : { cause }),
        details: { url: where, status: response.status, ...(tooLarge ? { maxBytes } : {}) },
      },
    );
  }
}

/** Turns a failed `fetch` (network error or timeout) into `idp_unreachable` naming the URL. */
export function unreachable(
  url: URL,
  what: string,
  cause: unknown,
  signal: AbortSignal,
  timeoutMs: number,
  errorCode: SsoErrorCode = 'idp_unreachable',
): SsoError {
  const where = `${url.origin}${url.pathname}`;
  return new SsoError(
    errorCode,
    signal.aborted
      ? `${capitalise(what)} at ${where} did not answer within ${timeoutMs} ms.`
      : // One message for every target not reached (refused, unknown name, a private address the
        // server does not call): the network's shape is not told; the cause stays for the host's log.
        `${capitalise(what)} at ${where} could not be reached from this server.`,
    { cause, details: { url: where, timeoutMs, timedOut: signal.aborted } },
  );
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  // core's one bounded reader: a declared length past the bound is refused unread, and the stream
  // is cancelled as soon as the count passes it (payload_too_large, which the callers reword).
  return readTextWithLimit(response.body, maxBytes, 'The response', response.headers.get('content-length'));
}

/**
 * Parses a JSON object from an IdP response, or throws `code` naming the URL: for a non-2xx status
 * (with the status), a body that is not JSON, or JSON that is not an object.
 */
export function jsonObject(response: IdpResponse, what: string, code: SsoErrorCode): Record<string, unknown> {
  if (response.status < 200 || response.status > 299) {
    throw new SsoError(code, `${capitalise(what)} at ${response.url} answered HTTP ${response.status}.`, {
      details: { url: response.url, status: response.status },
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    throw new SsoError(code, `${capitalise(what)} at ${response.url} is not valid JSON.`, {
      details: { url: response.url, status: response.status },
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SsoError(code, `${capitalise(what)} at ${response.url} is not a JSON object.`, {
      details: { url: response.url, status: response.status },
    });
  }
  return parsed as Record<string, unknown>;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
