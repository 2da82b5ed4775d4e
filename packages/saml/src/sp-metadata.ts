/**
 * This service provider's metadata, for the admin to give to the IdP.
 *
 * @module
 */
import { escapeXml } from './internal/escape.ts';

/** Options of {@link buildSpMetadata}. */
export interface SpMetadataOptions {
  entityId: string;
  /** The Assertion Consumer Service (HTTP-POST). */
  acsUrl: string;
  /** The Single Logout service (HTTP-Redirect). Default: none. */
  sloUrl?: string;
  /** The certificate the SP signs requests with (PEM or base64 DER). Default: none. */
  signingCertificate?: string;
  /** The certificate the IdP encrypts assertions to (PEM or base64 DER). Default: none. */
  encryptionCertificate?: string;
  /** Whether this SP signs its AuthnRequests. Default: `false`. */
  authnRequestsSigned?: boolean;
  /** Whether this SP requires signed assertions. Default: `true`. */
  wantAssertionsSigned?: boolean;
  /** NameID formats this SP accepts, most wanted first. Default: none. */
  nameIdFormats?: string[];
}

/**
 * Builds SP metadata (an `EntityDescriptor` with one `SPSSODescriptor`).
 *
 * @example
 * ```ts
 * import { buildSpMetadata } from '@ssokit/saml';
 *
 * const xml = buildSpMetadata({ entityId: 'https://app.example.com/sso/saml/metadata/okta', acsUrl: 'https://app.example.com/sso/saml/acs' });
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf (§2.4.4)
 */
export function buildSpMetadata(options: SpMetadataOptions): string {
  const key = (use: 'signing' | 'encryption', certificate: string | undefined) =>
    certificate
      ? `<md:KeyDescriptor use="${use}"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certificate.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`
      : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${escapeXml(options.entityId)}">` +
    `<md:SPSSODescriptor AuthnRequestsSigned="${options.authnRequestsSigned === true}" WantAssertionsSigned="${options.wantAssertionsSigned !== false}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    key('signing', options.signingCertificate) +
    key('encryption', options.encryptionCertificate) +
    (options.sloUrl
      ? `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${escapeXml(options.sloUrl)}"/>`
      : '') +
    (options.nameIdFormats ?? []).map((f) => `<md:NameIDFormat>${escapeXml(f)}</md:NameIDFormat>`).join('') +
    `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${escapeXml(options.acsUrl)}" index="0" isDefault="true"/>` +
    `</md:SPSSODescriptor></md:EntityDescriptor>`
  );
}
