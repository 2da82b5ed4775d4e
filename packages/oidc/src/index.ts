/**
 * `@ssokit/oidc`: the OpenID Connect relying party of ssokit, as small exported steps that
 * `@ssokit/server` composes, and a bearer-token verifier for API requests. This list is the whole
 * public surface: nothing under `internal/` is exported.
 *
 * @packageDocumentation
 */

export type { AccessTokenVerifier, AccessTokenVerifierOptions, VerifiedAccessToken } from './access-token.ts';
export { createAccessTokenVerifier } from './access-token.ts';
export type { JwsAlgorithm } from './algorithms.ts';
export { supportedAlgorithms } from './algorithms.ts';
export type { AuthorizationRequestOptions, OidcTransaction } from './authorization.ts';
export { buildAuthorizationRequest } from './authorization.ts';
export type { CallbackDependencies, CallbackResult } from './callback.ts';
export { processCallback } from './callback.ts';
export type { CallbackParameters, ResponseMode } from './callback-parameters.ts';
export { readCallbackParameters } from './callback-parameters.ts';
export type { DiscoveryCache, DiscoveryOptions, ProviderMetadata } from './discovery.ts';
export {
  createDiscoveryCache,
  discover,
  discoveryUrl,
  processDiscoveryDocument,
  resolveProviderMetadata,
} from './discovery.ts';
export type { EntraOverageOptions, IssuerMatch } from './entra.ts';
export { hasGroupOverage, matchIssuer, resolveGroupOverage } from './entra.ts';
export type { HttpOptions } from './http-options.ts';
export type { IdTokenClaims, IdTokenExpectations } from './id-token.ts';
export { validateIdToken } from './id-token.ts';
export type { JwksCache, JwksCacheOptions, JwksReport } from './jwks.ts';
export { createJwksCache, inspectJwks } from './jwks.ts';
export type { EndSessionOptions } from './logout.ts';
export { buildEndSessionUrl, revokeToken } from './logout.ts';
export type { LogoutTokenClaims, LogoutTokenExpectations } from './logout-token.ts';
export { BACKCHANNEL_LOGOUT_EVENT, validateLogoutToken } from './logout-token.ts';
export type { OidcTokens } from './token-endpoint.ts';
export { readUnverifiedClaims } from './unverified-claims.ts';
