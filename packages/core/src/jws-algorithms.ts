/**
 * The JWS signature algorithms ssokit verifies, and the default allow-list: one list that
 * `@ssokit/oidc` verifies with and `@ssokit/config` checks configured algorithms against. Only
 * asymmetric algorithms exist here: `none` and the HMAC family have no code path at all, so a public
 * key can never be used as an HMAC secret (RFC 8725 §3.1, §3.2).
 *
 * @module
 */

/**
 * A JWS signature algorithm ssokit verifies (RFC 7518 §3; RFC 8037 for `EdDSA`; `Ed25519` as the JOSE
 * fully-specified algorithms name it). The `algorithms` option of `validateIdToken`, `processCallback`
 * and `createAccessTokenVerifier` takes a list of these.
 *
 * @example
 * ```ts
 * import type { JwsAlgorithm } from '@ssokit/core';
 *
 * const algorithms: JwsAlgorithm[] = ['RS256', 'ES256'];
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
export type JwsAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

/**
 * Every supported algorithm, frozen: the default of each `algorithms` option. `none` and the HMAC
 * family (`HS256`, …) are not among them and cannot be added. Use it to check an algorithm list read
 * from configuration before handing it to a verifier.
 *
 * @example
 * ```ts
 * import { type JwsAlgorithm, supportedAlgorithms } from '@ssokit/core';
 *
 * const configured = ['RS256', 'HS256'];
 * const unsupported = configured.filter((alg) => !supportedAlgorithms.includes(alg as JwsAlgorithm));
 * // ['HS256']
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8725#section-3.1
 */
export const supportedAlgorithms: readonly JwsAlgorithm[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);
