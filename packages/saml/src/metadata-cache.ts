/**
 * IdP metadata fetched from a URL and kept fresh: https only (or http on a loopback host, core's one
 * rule), a timeout, and a body read with a byte bound.
 *
 * @module
 */

import type { Clock, WarningHook } from '@ssokit/core';
import {
  allowInsecureRequests,
  checkIdpUrl,
  customFetch,
  isSsoError,
  now as nowSymbol,
  readTextWithLimit,
  SsoError,
} from '@ssokit/core';
import { type IdpMetadata, parseIdpMetadata } from './metadata.ts';

/** Options of {@link createIdpMetadataCache}. */
export interface IdpMetadataCacheOptions {
  /** How long fetched metadata is used, in ms, unless its `cacheDuration` says less. Default: 86400000 (24 hours). */
  maxAgeMs?: number;
  /** Milliseconds before a metadata request is abandoned. Default: 10000. */
  timeoutMs?: number;
  /**
   * The largest metadata document accepted, in bytes. The body is read as a stream and abandoned as
   * soon as it passes this bound. Default: 2000000 (large federation aggregates are bigger; pick the
   * IdP's own metadata URL, or raise this).
   */
  maxBytes?: number;
  /**
   * How long a failed download is remembered, in ms: until then, `get` answers from the last good
   * copy, or with the same error, without asking the metadata host again. Login starts are anonymous,
   * so without it every one of them would make this server download the metadata. Default: 30000.
   */
  retryAfterMs?: number;
  /** Replaces `fetch` for the metadata requests (proxies, custom CAs, tests). Default: the global `fetch`. */
  [customFetch]?: (input: string, init: RequestInit) => Promise<Response>;
  /**
   * @deprecated Marked so to stand out: allows http metadata URLs outside loopback, and plain-http SSO
   * and SLO endpoints in the metadata they serve.
   */
  [allowInsecureRequests]?: boolean;
  /** Hears `insecure-http` (once per origin) when `allowInsecureRequests` lets a plain-http URL through. Default: none. */
  onWarning?: WarningHook;
  [nowSymbol]?: Clock;
}

/** A cache of IdP metadata by URL (and entityID, for aggregates). */
export interface IdpMetadataCache {
  /**
   * The metadata at `url`, fetched when missing or stale. A failed refresh keeps serving the last good
   * metadata (a metadata host's outage must not stop logins); with none, the failure is thrown
   * (`idp_unreachable`, or a `ConfigError` for a bad document). A failure is remembered for
   * `retryAfterMs`, so the host is not asked again on every call meanwhile.
   */
  get(url: string, options?: { entityId?: string }): Promise<IdpMetadata>;
  /** Forgets every cached document and remembered failure: the next `get` fetches again. */
  clear(): void;
}

/**
 * Creates an IdP metadata cache: `get(url)` fetches the metadata at `url` when it is missing or
 * stale, parses it with {@link parseIdpMetadata}, and keeps it for `maxAgeMs` or the document's
 * `cacheDuration`, whichever is shorter. Concurrent calls share one request. Codes: `idp_unreachable`
 * (URL not https, no answer, a status other than 200, a body over `maxBytes`), or a `ConfigError` for
 * a document that is not IdP metadata.
 *
 * @example
 * ```ts
 * import { createIdpMetadataCache } from '@ssokit/saml';
 *
 * const metadata = createIdpMetadataCache();
 * const idp = await metadata.get('https://login.microsoftonline.com/<tenant>/FederationMetadata/2007-06/FederationMetadata.xml');
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf (§4.1, publication at a well-known location; §4.3, caching)
 */
export function createIdpMetadataCache(options: IdpMetadataCacheOptions = {}): IdpMetadataCache {
  const clock = options[nowSymbol] ?? Date.now;
  const entries = new Map<
    string,
    {
      value?: IdpMetadata;
      freshUntil: number;
      pending?: Promise<IdpMetadata>;
      failure?: { error: unknown; until: number };
    }
  >();
  return {
    async get(url, wanted = {}) {
      const key = `${url}\n${wanted.entityId ?? ''}`;
      const entry = entries.get(key) ?? { freshUntil: 0 };
      entries.set(key, entry);
      if (entry.value && clock() < entry.freshUntil) return entry.value;
      // A recent failure is not retried: the stale copy, or the same error, until retryAfterMs passes.
      if (entry.failure && clock() < entry.failure.until) {
        if (entry.value) return entry.value;
        throw entry.failure.error;
      }
      entry.pending ??= fetchMetadata(url, options, wanted.entityId).then(
        (value) => {
          entry.value = value;
          entry.freshUntil =
            clock() +
            Math.min(options.maxAgeMs ?? 86_400_000, value.cacheDurationMs ?? Number.POSITIVE_INFINITY);
          entry.pending = undefined;
          entry.failure = undefined;
          return value;
        },
        (error: unknown) => {
          entry.pending = undefined;
          entry.failure = { error, until: clock() + (options.retryAfterMs ?? 30_000) };
          if (entry.value) return entry.value;
          throw error;
        },
      );
      return entry.pending;
    },
    clear() {
      entries.clear();
    },
  };
}

async function fetchMetadata(
  url: string,
  options: IdpMetadataCacheOptions,
  entityId: string | undefined,
): Promise<IdpMetadata> {
  const check = checkIdpUrl(url, {
    allowInsecure: options[allowInsecureRequests] === true,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  if (!check.ok) {
    const subject = check.url?.protocol === 'http:' ? check.url.origin : `"${url.slice(0, 200)}"`;
    throw new SsoError('idp_unreachable', `The metadata URL ${subject} ${check.message}`, {
      details: { reason: check.problem },
    });
  }
  const target = check.url;
  const where = `${target.origin}${target.pathname}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 2_000_000;
  const signal = AbortSignal.timeout(timeoutMs);
  const doFetch = options[customFetch] ?? ((input: string, init: RequestInit) => fetch(input, init));
  const unreachable = (cause: unknown) =>
    new SsoError(
      'idp_unreachable',
      signal.aborted
        ? `The metadata at ${where} did not answer within ${timeoutMs} ms.`
        : `The metadata at ${where} could not be fetched.`,
      { cause, details: { url: where } },
    );
  let response: Response;
  try {
    response = await doFetch(target.href, {
      headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
      redirect: 'manual',
      signal,
    });
  } catch (cause) {
    throw unreachable(cause);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new SsoError('idp_unreachable', `The metadata at ${where} answered HTTP ${response.status}.`, {
      details: { url: where, status: response.status },
    });
  }
  let body: string;
  try {
    // Read as a stream and abandoned (the stream cancelled) as soon as it passes maxBytes, or before
    // reading when Content-Length already says so: a metadata host, or anything answering in its
    // name, cannot make this server buffer more than the bound.
    body = await readTextWithLimit(
      response.body,
      maxBytes,
      'The metadata',
      response.headers.get('content-length'),
    );
  } catch (cause) {
    if (isSsoError(cause, 'payload_too_large'))
      throw new SsoError('idp_unreachable', `The metadata at ${where} is larger than ${maxBytes} bytes.`, {
        details: { url: where, maxBytes },
      });
    throw unreachable(cause);
  }
  // The document's SSO and SLO endpoints meet the same rule as its URL, with the same escape hatch.
  return parseIdpMetadata(body, {
    ...(entityId ? { entityId } : {}),
    maxLength: maxBytes,
    ...(options[allowInsecureRequests] === true ? { [allowInsecureRequests]: true } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options[nowSymbol] ? { [nowSymbol]: options[nowSymbol] } : {}),
  });
}
