/**
 * `@ssokit/saml`: the SAML 2.0 service provider of ssokit.
 *
 * @packageDocumentation
 */
export type { IdpCertificate, IdpMetadata, ParseIdpMetadataOptions } from './metadata.ts';
export { BINDINGS, decodeCertificate, parseDuration, parseIdpMetadata, toIdpDescriptor } from './metadata.ts';
