/**
 * Escape hatches, as symbol-keyed options. Symbols stand out in code review, and `JSON.stringify` drops
 * them, so a hook can never leak into an exported connection.
 *
 * @module
 */

/**
 * A `fetch` replacement for every request ssokit sends to an identity provider (discovery, JWKS, token,
 * userinfo, metadata). Use it for proxies, custom CAs or request logging.
 *
 * @example
 * ```ts
 * import { customFetch } from '@ssokit/core';
 *
 * const options = { [customFetch]: (url: string, init?: RequestInit) => fetch(url, init) };
 * ```
 */
export const customFetch: unique symbol = Symbol('ssokit.customFetch');

/**
 * A clock: a function returning the current time in milliseconds since the epoch. Defaults to
 * `Date.now`. Tests use it to move time; never use it to widen a validity window in production.
 *
 * @example
 * ```ts
 * import { now } from '@ssokit/core';
 *
 * const frozen = { [now]: () => Date.parse('2026-01-01T00:00:00Z') };
 * ```
 */
export const now: unique symbol = Symbol('ssokit.now');

/**
 * Allows plain `http:` identity-provider URLs on hosts other than loopback.
 *
 * @deprecated Not deprecated: marked so to make it stand out as something you should not use. Plain
 * http lets anyone on the network path forge discovery documents, keys and tokens.
 *
 * @example
 * ```ts
 * import { allowInsecureRequests } from '@ssokit/core';
 *
 * // only for an IdP inside a test network you control
 * const options = { [allowInsecureRequests]: true };
 * ```
 */
export const allowInsecureRequests: unique symbol = Symbol('ssokit.allowInsecureRequests');

/** A clock as used by {@link now}: milliseconds since the epoch. */
export type Clock = () => number;
