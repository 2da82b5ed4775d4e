/**
 * `@ssokit/saml`: the SAML 2.0 service provider of ssokit.
 *
 * @packageDocumentation
 */

export type { AuthnRequest, AuthnRequestOptions } from './authn-request.ts';
export { AUTO_POST_SCRIPT, createAuthnRequest } from './authn-request.ts';
export { idpMetadataFromDescriptor, toIdpDescriptor } from './idp-descriptor.ts';
export type { SpKeyPair, SpKeyPairCheck, SpKeyPairOptions, SpKeyPairProblem } from './keys.ts';
export { checkSpKeyPair, generateSpKeyPair, idpSigningKeys } from './keys.ts';
export type { IdpCertificate, IdpKeyType, IdpMetadata, ParseIdpMetadataOptions } from './metadata.ts';
export { decodeCertificate, parseIdpMetadata } from './metadata.ts';
export type { IdpMetadataCache, IdpMetadataCacheOptions } from './metadata-cache.ts';
export { createIdpMetadataCache } from './metadata-cache.ts';
export type { SamlAssertion, SamlExpectationsResolver, SamlResponseExpectations } from './response.ts';
export { validateSamlResponse } from './response.ts';
export type { PeekSamlResponseOptions, SamlResponsePeek } from './response-peek.ts';
export { peekSamlResponse } from './response-peek.ts';
export type { IncomingLogoutRequest, LogoutExpectations } from './slo.ts';
export {
  createLogoutRequest,
  createLogoutResponse,
  validateLogoutRequest,
  validateLogoutResponse,
} from './slo.ts';
export type { SpMetadataOptions } from './sp-metadata.ts';
export { buildSpMetadata } from './sp-metadata.ts';
