/**
 * IdP metadata fetched from a URL and kept fresh.
 *
 * @module
 */

import type { Clock } from '@ssokit/core';
import { allowInsecureRequests, customFetch, now as nowSymbol, SsoError } from '@ssokit/core';
import { type IdpMetadata, parseIdpMetadata } from './metadata.ts';

/** Options of {@link createIdpMetadataCache}. */
export interface IdpMetadataCacheOptions {
  /** How long fetched metadata is used, in ms, unless its `cacheDuration` says less. Default: 86400000 (24 hours). */
  maxAgeMs?: number;
  /** Milliseconds before a metadata request is abandoned. Default: 10000. */
  timeoutMs?: number;
  /** The largest metadata document accepted, in bytes. Default: 2000000. */
  maxBytes?: number;
  [customFetch]?: (input: string, init: RequestInit) => Promise<Response>;
  /** @deprecated Marked so to stand out: allows http metadata URLs outside loopback. */
  [allowInsecureRequests]?: boolean;
  [nowSymbol]?: Clock;
}

/** A cache of IdP metadata by URL (and entityID, for aggregates). */
export interface IdpMetadataCache {
  /**
   * The metadata at `url`, fetched when missing or stale. A failed refresh keeps serving the last good
   * metadata (a metadata host's outage must not stop logins); with none, the failure is thrown
   * (`idp_unreachable`, or a `ConfigError` for a bad document).
   */
  get(url: string, options?: { entityId?: string }): Promise<IdpMetadata>;
  clear(): void;
}

/**
 * Creates an IdP metadata cache.
 *
 * @example
 * ```ts
 * import { createIdpMetadataCache } from '@ssokit/saml';
 *
 * const metadata = createIdpMetadataCache();
 * const idp = await metadata.get('https://login.microsoftonline.com/<tenant>/FederationMetadata/2007-06/FederationMetadata.xml');
 * ```
 */
export function createIdpMetadataCache(options: IdpMetadataCacheOptions = {}): IdpMetadataCache {
  const clock = options[nowSymbol] ?? Date.now;
  const entries = new Map<
    string,
    { value?: IdpMetadata; freshUntil: number; pending?: Promise<IdpMetadata> }
  >();
  return {
    async get(url, wanted = {}) {
      const key = `${url}\n${wanted.entityId ?? ''}`;
      const entry = entries.get(key) ?? { freshUntil: 0 };
      entries.set(key, entry);
      if (entry.value && clock() < entry.freshUntil) return entry.value;
      entry.pending ??= fetchMetadata(url, options, wanted.entityId).then(
        (value) => {
          entry.value = value;
          entry.freshUntil =
            clock() +
            Math.min(options.maxAgeMs ?? 86_400_000, value.cacheDurationMs ?? Number.POSITIVE_INFINITY);
          entry.pending = undefined;
          return value;
        },
        (error: unknown) => {
          entry.pending = undefined;
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
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new SsoError('idp_unreachable', `The metadata URL "${url.slice(0, 200)}" is not an absolute URL.`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(target.hostname);
  if (
    target.protocol !== 'https:' &&
    !(target.protocol === 'http:' && (loopback || options[allowInsecureRequests] === true))
  ) {
    throw new SsoError(
      'idp_unreachable',
      `The metadata URL ${target.origin} must use https (plain http only on loopback hosts).`,
    );
  }
  const where = `${target.origin}${target.pathname}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const signal = AbortSignal.timeout(timeoutMs);
  const doFetch = options[customFetch] ?? ((input: string, init: RequestInit) => fetch(input, init));
  let response: Response;
  let body: string;
  try {
    response = await doFetch(target.href, {
      headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
      redirect: 'manual',
      signal,
    });
    body = await response.text();
  } catch (cause) {
    throw new SsoError(
      'idp_unreachable',
      signal.aborted
        ? `The metadata at ${where} did not answer within ${timeoutMs} ms.`
        : `The metadata at ${where} could not be fetched.`,
      { cause, details: { url: where } },
    );
  }
  if (response.status !== 200) {
    throw new SsoError('idp_unreachable', `The metadata at ${where} answered HTTP ${response.status}.`, {
      details: { url: where, status: response.status },
    });
  }
  const maxBytes = options.maxBytes ?? 2_000_000;
  if (Buffer.byteLength(body) > maxBytes)
    throw new SsoError('idp_unreachable', `The metadata at ${where} is larger than ${maxBytes} bytes.`);
  return parseIdpMetadata(body, {
    ...(entityId ? { entityId } : {}),
    maxLength: maxBytes,
    ...(options[nowSymbol] ? { [nowSymbol]: options[nowSymbol] } : {}),
  });
}
