/**
 * `@ssokit/saml`: the SAML 2.0 service provider of ssokit.
 *
 * @packageDocumentation
 */

export type { AuthnRequest, AuthnRequestOptions } from './authn-request.ts';
export { autoPostForm, createAuthnRequest, samlId } from './authn-request.ts';
export { keysFromCertificates } from './internal/signature.ts';
export type { SpKeyPair, SpKeyPairOptions } from './keys.ts';
export { generateSpKeyPair } from './keys.ts';
export type { IdpCertificate, IdpMetadata, ParseIdpMetadataOptions } from './metadata.ts';
export { BINDINGS, decodeCertificate, parseDuration, parseIdpMetadata, toIdpDescriptor } from './metadata.ts';
export type { IdpMetadataCache, IdpMetadataCacheOptions } from './metadata-cache.ts';
export { createIdpMetadataCache } from './metadata-cache.ts';
export type { SamlAssertion, SamlResponseExpectations } from './response.ts';
export { validateSamlResponse } from './response.ts';
export type { IncomingLogoutRequest, LogoutExpectations } from './slo.ts';
export {
  createLogoutRequest,
  createLogoutResponse,
  validateLogoutRequest,
  validateLogoutResponse,
} from './slo.ts';
export type { SpMetadataOptions } from './sp-metadata.ts';
export { buildSpMetadata } from './sp-metadata.ts';
