/**
 * A cache of identity providers' signing keys (JWKS), shared by ID token validation and the bearer
 * token verifier.
 *
 * @module
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Clock } from '@ssokit/core';
import { now as nowSymbol, SsoError } from '@ssokit/core';
import { type JwsAlgorithm, supportedAlgorithms } from './algorithms.ts';
import type { HttpOptions } from './http-options.ts';
import { assertIdpUrl, jsonObject, requestIdp } from './internal/http.ts';
import { keyFitsAlgorithm } from './internal/jws.ts';

/**
 * Options of {@link createJwksCache}.
 *
 * @example
 * ```ts
 * import { createJwksCache, type JwksCacheOptions } from '@ssokit/oidc';
 *
 * const options: JwksCacheOptions = { maxAgeMs: 5 * 60_000, cooldownMs: 60_000, maxKeys: 20 };
 * const keys = createJwksCache(options);
 * ```
 */
export interface JwksCacheOptions extends HttpOptions {
  /** How long a fetched key set is used before it is fetched again, in ms. Default: 600000 (10 minutes). */
  maxAgeMs?: number;
  /**
   * The least time between two fetches of one key set caused by a token with an unknown `kid`, in ms.
   * Bounds how often forged `kid`s can make ssokit call the IdP. Default: 30000 (30 seconds).
   */
  cooldownMs?: number;
  /** The most keys taken from one key set. Default: 50. */
  maxKeys?: number;
  [nowSymbol]?: Clock;
}

interface CachedKey {
  kid: string | undefined;
  alg: string | undefined;
  key: KeyObject;
  /** The algorithms this key can verify, worked out once at import. */
  fits: ReadonlySet<JwsAlgorithm>;
}

interface Entry {
  keys: CachedKey[];
  fetchedAt: number;
  pending?: Promise<CachedKey[]>;
}

/**
 * Resolves the key that verifies a token; made by {@link createJwksCache}, shared by `processCallback`,
 * `validateIdToken` and `createAccessTokenVerifier`.
 *
 * @example
 * ```ts
 * import { createAccessTokenVerifier, createJwksCache, type JwksCache } from '@ssokit/oidc';
 *
 * const keys: JwksCache = createJwksCache();
 * const verifier = createAccessTokenVerifier({ jwksUri, audience: ['api://my-api'], keys });
 * ```
 */
export interface JwksCache {
  /**
   * The key for a token header: the signing key with the header's `kid`, or the only signing key that
   * fits `alg` when the header has no `kid`. Refetches the set once (within the cooldown) on an
   * unknown `kid`. Throws `id_token_invalid` when no single key fits, and `idp_unreachable` /
   * `discovery_failed` when the set cannot be fetched.
   */
  keyFor(jwksUri: string, header: { kid?: unknown }, alg: JwsAlgorithm): Promise<KeyObject>;
  /**
   * The key `keyFor` would give without fetching: the one key the cached, fresh key set has for the
   * header, or undefined (nothing cached, stale, no key or several), in which case call `keyFor`.
   * Lets a verifier stay synchronous on its hot path. Optional for other implementations.
   */
  cachedKey?(jwksUri: string, header: { kid?: unknown }, alg: JwsAlgorithm): KeyObject | undefined;
  /** Forgets every cached key set. */
  clear(): void;
}

/**
 * Creates a JWKS cache. One cache is shared by every connection of an `createSso()` instance.
 *
 * @example
 * ```ts
 * import { createJwksCache } from '@ssokit/oidc';
 *
 * const jwks = createJwksCache({ maxAgeMs: 5 * 60_000 });
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7517
 */
export function createJwksCache(options: JwksCacheOptions = {}): JwksCache {
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const maxKeys = options.maxKeys ?? 50;
  const clock = options[nowSymbol] ?? Date.now;
  const entries = new Map<string, Entry>();

  const load = (uri: string, entry: Entry | undefined): Promise<CachedKey[]> => {
    if (entry?.pending) return entry.pending;
    const target: Entry = entry ?? { keys: [], fetchedAt: Number.NEGATIVE_INFINITY };
    entries.set(uri, target);
    const pending = fetchKeys(uri, options, maxKeys).then(
      (keys) => {
        target.keys = keys;
        target.fetchedAt = clock();
        target.pending = undefined;
        return keys;
      },
      (error: unknown) => {
        target.pending = undefined;
        // A failed refetch keeps the keys it had; the cooldown still applies.
        target.fetchedAt = Math.max(target.fetchedAt, clock() - maxAgeMs + cooldownMs);
        throw error;
      },
    );
    target.pending = pending;
    return pending;
  };

  return {
    async keyFor(jwksUri, header, alg) {
      let entry = entries.get(jwksUri);
      let keys = entry && clock() - entry.fetchedAt < maxAgeMs ? entry.keys : await load(jwksUri, entry);
      const kid = typeof header.kid === 'string' ? header.kid : undefined;
      let found = select(keys, kid, alg);
      entry = entries.get(jwksUri);
      if (found.length === 0 && kid !== undefined && entry && clock() - entry.fetchedAt >= cooldownMs) {
        keys = await load(jwksUri, entry);
        found = select(keys, kid, alg);
      }
      if (found.length === 1) return (found[0] as CachedKey).key;
      if (found.length === 0) {
        throw new SsoError(
          'id_token_invalid',
          kid === undefined
            ? `The identity provider's key set has no key for ${alg}.`
            : `The identity provider's key set has no ${alg} signing key with kid "${truncate(kid)}".`,
          { details: { reason: 'kid', kid, alg } },
        );
      }
      throw new SsoError(
        'id_token_invalid',
        `The token names no key (no "kid") and the identity provider publishes ${found.length} ${alg} signing keys; ssokit does not guess.`,
        { details: { reason: 'kid', alg, candidates: found.length } },
      );
    },
    cachedKey(jwksUri, header, alg) {
      const entry = entries.get(jwksUri);
      if (entry === undefined || clock() - entry.fetchedAt >= maxAgeMs) return undefined;
      const found = select(entry.keys, typeof header.kid === 'string' ? header.kid : undefined, alg);
      return found.length === 1 ? (found[0] as CachedKey).key : undefined;
    },
    clear() {
      entries.clear();
    },
  };
}

function select(keys: CachedKey[], kid: string | undefined, alg: JwsAlgorithm): CachedKey[] {
  return keys.filter(
    (k) => (kid === undefined || k.kid === kid) && (k.alg === undefined || k.alg === alg) && k.fits.has(alg),
  );
}

async function fetchKeys(uri: string, options: HttpOptions, maxKeys: number): Promise<CachedKey[]> {
  return (await loadJwks(uri, options, maxKeys)).keys;
}

async function loadJwks(
  uri: string,
  options: HttpOptions,
  maxKeys: number,
): Promise<{ keys: CachedKey[]; skipped: { kid?: string; reason: string }[] }> {
  const url = assertIdpUrl(uri, 'the JWKS URI', options);
  const response = await requestIdp(
    url,
    { headers: { accept: 'application/json, application/jwk-set+json' } },
    'the JWKS',
    options,
  );
  const body = jsonObject(response, 'the JWKS', 'idp_unreachable');
  if (!Array.isArray(body.keys)) {
    throw new SsoError('idp_unreachable', `The JWKS at ${response.url} has no "keys" list.`, {
      details: { url: response.url },
    });
  }
  const keys: CachedKey[] = [];
  const skipped: { kid?: string; reason: string }[] = [];
  for (const jwk of body.keys.slice(0, maxKeys)) {
    if (typeof jwk !== 'object' || jwk === null) {
      skipped.push({ reason: 'not a JSON object' });
      continue;
    }
    const { kty, use, key_ops: ops, kid, alg, d } = jwk as Record<string, unknown>;
    const skip = (reason: string) => skipped.push({ ...(typeof kid === 'string' ? { kid } : {}), reason });
    // Signing keys only: no encryption keys (Keycloak publishes an RSA-OAEP one), no symmetric or
    // private material.
    if (use !== undefined && use !== 'sig') {
      skip(`use "${String(use)}" (not a signing key)`);
      continue;
    }
    if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) {
      skip('key_ops without "verify"');
      continue;
    }
    if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') {
      skip(`kty "${String(kty)}" (only RSA, EC and OKP keys verify signatures)`);
      continue;
    }
    if (d !== undefined) {
      skip('holds private key material; the IdP should never publish it');
      continue;
    }
    try {
      const key = createPublicKey({ key: jwk as never, format: 'jwk' });
      const fits = new Set(supportedAlgorithms.filter((candidate) => keyFitsAlgorithm(key, candidate)));
      if (fits.size === 0)
        skip('fits no allowed algorithm (an RSA key under 2048 bits, or an unknown curve)');
      keys.push({
        kid: typeof kid === 'string' ? kid : undefined,
        alg: typeof alg === 'string' ? alg : undefined,
        key,
        fits,
      });
    } catch {
      // A key that cannot be imported (an unknown curve) is skipped, as RFC 7517 §5 allows.
      skip('cannot be imported');
    }
  }
  return { keys, skipped };
}

/**
 * What {@link inspectJwks} found in a key set.
 *
 * @example
 * ```ts
 * import { inspectJwks, type JwksReport } from '@ssokit/oidc';
 *
 * const report: JwksReport = await inspectJwks(metadata.jwks_uri);
 * for (const key of report.keys) console.log(key.kid, key.algorithms.join(', '));
 * ```
 */
export interface JwksReport {
  /** The signing keys ssokit can use, with the algorithms each can verify. */
  keys: { kid?: string; kty: string; alg?: string; algorithms: JwsAlgorithm[] }[];
  /** The entries ssokit ignores, and why. */
  skipped: { kid?: string; reason: string }[];
}

/**
 * Fetches a JWKS and reports which keys can verify tokens and which are ignored: for "Test Provider"
 * diagnostics. Uses no cache. Failures are `idp_unreachable` naming the URL and status.
 *
 * @example
 * ```ts
 * import { inspectJwks } from '@ssokit/oidc';
 *
 * const { keys, skipped } = await inspectJwks(metadata.jwks_uri);
 * if (keys.length === 0) console.warn('no usable signing key', skipped);
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 */
export async function inspectJwks(
  uri: string,
  options: HttpOptions & { maxKeys?: number } = {},
): Promise<JwksReport> {
  const { keys, skipped } = await loadJwks(uri, options, options.maxKeys ?? 50);
  return {
    keys: keys
      .filter((k) => k.fits.size > 0)
      .map((k) => ({
        ...(k.kid !== undefined ? { kid: k.kid } : {}),
        kty: k.key.asymmetricKeyType === 'rsa' ? 'RSA' : k.key.asymmetricKeyType === 'ec' ? 'EC' : 'OKP',
        ...(k.alg !== undefined ? { alg: k.alg } : {}),
        algorithms: [...k.fits],
      })),
    skipped,
  };
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
