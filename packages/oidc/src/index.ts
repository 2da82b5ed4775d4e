/**
 * `@ssokit/oidc`: the OpenID Connect relying party of ssokit, as small exported steps that
 * `@ssokit/server` composes, and a bearer-token verifier for API requests.
 *
 * @packageDocumentation
 */

export type { AccessTokenVerifier, AccessTokenVerifierOptions, VerifiedAccessToken } from './access-token.ts';
export { createAccessTokenVerifier } from './access-token.ts';
export type { AuthorizationRequestOptions, OidcTransaction } from './authorization.ts';
export { buildAuthorizationRequest, randomToken } from './authorization.ts';
export type { CallbackDependencies, CallbackResult, OidcTokens } from './callback.ts';
export { processCallback, readCallbackParameters } from './callback.ts';
export type { DiscoveryCache, DiscoveryOptions, ProviderMetadata } from './discovery.ts';
export {
  createDiscoveryCache,
  discover,
  discoveryUrl,
  processDiscoveryDocument,
  resolveProviderMetadata,
} from './discovery.ts';
export type { EntraOverageOptions } from './entra.ts';
export { hasGroupOverage, resolveGroupOverage } from './entra.ts';
export type { IdTokenClaims, IdTokenExpectations } from './id-token.ts';
export { validateIdToken } from './id-token.ts';
export type { HttpOptions } from './internal/http.ts';
export type { JwsAlgorithm } from './internal/jws.ts';
export { supportedAlgorithms } from './internal/jws.ts';
export type { JwksCache, JwksCacheOptions, JwksReport } from './jwks.ts';
export { createJwksCache, inspectJwks } from './jwks.ts';
export type { EndSessionOptions } from './logout.ts';
export { buildEndSessionUrl, revokeToken } from './logout.ts';
