/**
 * The JWS algorithms `@ssokit/oidc` verifies: core's one list (`@ssokit/core` jws-algorithms.ts),
 * re-exported here because every `algorithms` option of this package takes them.
 *
 * @module
 */
export { type JwsAlgorithm, supportedAlgorithms } from '@ssokit/core';
