/**
 * The IdP descriptor a connection stores (`SamlSettings.idp`: entityID, SSO and SLO URLs, signing
 * certificates) and the `IdpMetadata` the other steps take, each made from the other.
 *
 * @module
 */
import type { allowInsecureRequests, SamlIdpDescriptor } from '@ssokit/core';
import { ConfigError } from '@ssokit/core';
import { endpointProblem } from './internal/idp-endpoint.ts';
import { decodeCertificate, type IdpMetadata, type ParseIdpMetadataOptions } from './metadata.ts';

const FIX = "The IdP's SSO and SLO URLs must use https.";

/**
 * The descriptor a connection stores (`SamlSettings.idp`), from parsed metadata: the entityID, the
 * SSO and SLO URLs (HTTP-Redirect preferred) and the signing certificates. The inverse of
 * {@link idpMetadataFromDescriptor}.
 *
 * @example
 * ```ts
 * import { parseIdpMetadata, toIdpDescriptor } from '@ssokit/saml';
 *
 * const idp = toIdpDescriptor(parseIdpMetadata(metadataXml)); // store as connection.saml.idp
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf (§2.4.3)
 */
export function toIdpDescriptor(metadata: IdpMetadata): SamlIdpDescriptor {
  const descriptor: SamlIdpDescriptor = {
    entityId: metadata.entityId,
    ssoUrl: (metadata.sso.redirect ?? metadata.sso.post) as string,
    certificates: metadata.signingCertificates.map((c) => c.base64),
  };
  const slo = metadata.slo.redirect ?? metadata.slo.post;
  if (slo) descriptor.sloUrl = slo;
  return descriptor;
}

/**
 * The IdP's metadata from the descriptor a connection stores (`SamlSettings.idp`), for connections
 * configured without a metadata document: the SSO and SLO URLs are taken as HTTP-Redirect
 * endpoints, every certificate is a signing certificate, and the rest has its neutral value (no
 * encryption certificates, no NameID formats, unsigned requests accepted, not expired). A missing
 * entityID, SSO URL or certificate, a certificate that does not decode, or an SSO or SLO URL that
 * breaks the IdP URL rule (https, or plain http on a loopback host; core's `checkIdpUrl`, with
 * `options[allowInsecureRequests]` as its escape hatch), is a `ConfigError` on `saml.idp`. The
 * inverse of {@link toIdpDescriptor}.
 *
 * @example
 * ```ts
 * import { idpMetadataFromDescriptor, idpSigningKeys } from '@ssokit/saml';
 *
 * const idp = idpMetadataFromDescriptor({
 *   entityId: 'https://idp.example.com/metadata',
 *   ssoUrl: 'https://idp.example.com/sso',
 *   certificates: [certificatePem],
 * });
 * const idpKeys = idpSigningKeys(idp);
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf (§2.4.3)
 */
export function idpMetadataFromDescriptor(
  descriptor: SamlIdpDescriptor,
  options: Pick<ParseIdpMetadataOptions, typeof allowInsecureRequests | 'onWarning'> = {},
): IdpMetadata {
  const problem = (path: string, message: string): never => {
    throw new ConfigError([{ path: `saml.idp.${path}`, message }]);
  };
  const { entityId, ssoUrl, sloUrl, certificates } = descriptor;
  if (typeof entityId !== 'string' || entityId === '') problem('entityId', 'the IdP has no entityID.');
  if (typeof ssoUrl !== 'string' || ssoUrl === '') problem('ssoUrl', 'the IdP has no SSO URL.');
  const urlIssues = [
    endpointProblem(ssoUrl, 'the SSO URL', 'saml.idp.ssoUrl', options, FIX),
    sloUrl ? endpointProblem(sloUrl, 'the SLO URL', 'saml.idp.sloUrl', options, FIX) : undefined,
  ].filter((issue) => issue !== undefined);
  if (urlIssues.length > 0) throw new ConfigError(urlIssues);
  if (!Array.isArray(certificates) || certificates.length === 0)
    problem(
      'certificates',
      `the identity provider "${entityId}" has no signing certificate, so its responses cannot be verified.`,
    );
  return {
    entityId,
    sso: { redirect: ssoUrl },
    slo: sloUrl ? { redirect: sloUrl } : {},
    signingCertificates: certificates.map((c) => decodeCertificate(c, entityId, 'saml.idp.certificates')),
    encryptionCertificates: [],
    nameIdFormats: [],
    wantAuthnRequestsSigned: false,
    expired: false,
  };
}
