/**
 * The transport options every step that calls the identity provider accepts (discovery, JWKS, token,
 * userinfo, revocation, Microsoft Graph): a timeout, a response size cap, and two symbol-keyed escape
 * hatches from `@ssokit/core`.
 *
 * @module
 */
import type { allowInsecureRequests, customFetch, WarningHook } from '@ssokit/core';

/**
 * Transport options shared by every step that calls the IdP. The option bags of those steps
 * (`DiscoveryOptions`, `JwksCacheOptions`, `CallbackDependencies`, `AccessTokenVerifierOptions`,
 * `EntraOverageOptions`) extend it. The symbol keys are dropped by `JSON.stringify`, so they never
 * leak into an exported connection.
 *
 * @example
 * ```ts
 * import { customFetch } from '@ssokit/core';
 * import { discover, type HttpOptions } from '@ssokit/oidc';
 *
 * const http: HttpOptions = {
 *   timeoutMs: 5_000,
 *   [customFetch]: (input, init) => {
 *     console.debug('IdP request', input);
 *     return fetch(input, init);
 *   },
 * };
 * const metadata = await discover('https://sso.example.com/realms/acme', http);
 * ```
 */
export interface HttpOptions {
  /** Milliseconds before a request to the IdP is abandoned. Default: 10000 (10 seconds). */
  timeoutMs?: number;
  /** The largest response body accepted, in bytes. Default: 1048576 (1 MiB). */
  maxResponseBytes?: number;
  /** A `fetch` replacement for proxies, custom CAs or logging. Default: `globalThis.fetch`. */
  [customFetch]?: (input: string, init: RequestInit) => Promise<Response>;
  /**
   * Allows `http:` URLs on hosts other than loopback. Default: false.
   * @deprecated Marked so to stand out: plain http lets the network forge keys and tokens.
   */
  [allowInsecureRequests]?: boolean;
  /** Hears `insecure-http` (once per origin) when `allowInsecureRequests` lets a plain-http URL through. Default: none. */
  onWarning?: WarningHook;
}
