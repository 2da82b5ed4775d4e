/**
 * `@ssokit/saml`: the SAML 2.0 service provider of ssokit.
 *
 * @packageDocumentation
 */

export { keysFromCertificates } from './internal/signature.ts';
export type { IdpCertificate, IdpMetadata, ParseIdpMetadataOptions } from './metadata.ts';
export { BINDINGS, decodeCertificate, parseDuration, parseIdpMetadata, toIdpDescriptor } from './metadata.ts';
export type { SamlAssertion, SamlResponseExpectations } from './response.ts';
export { validateSamlResponse } from './response.ts';
