/**
 * What expires in a connection, read from what is stored (no IdP is called): the client secret when
 * `oidc.clientSecretExpiresAt` records it, the SP certificate, and the IdP signing certificates of
 * inline metadata or of the manual IdP fields. The admin API lists them with each connection, so the
 * console's table can say what expires soon. Metadata fetched from a URL is Test Provider's to check.
 *
 * @module
 */
import { X509Certificate } from 'node:crypto';
import type { Connection } from '@ssokit/core';

/** One thing that expires, and when (ISO 8601). */
export interface Expiry {
  what: 'client-secret' | 'sp-certificate' | 'idp-certificate';
  at: string;
}

/** The expiries of a connection, soonest first; an unreadable date or certificate is left out. */
export function expiriesOf(c: Connection): Expiry[] {
  const out: Expiry[] = [];
  const add = (what: Expiry['what'], at: Date | undefined) => {
    if (at && !Number.isNaN(at.getTime())) out.push({ what, at: at.toISOString() });
  };
  if (c.protocol === 'oidc') {
    if (c.oidc.clientSecret !== undefined && c.oidc.clientSecretExpiresAt !== undefined)
      add('client-secret', new Date(c.oidc.clientSecretExpiresAt));
  } else {
    if (c.saml.spCertificate) add('sp-certificate', certificateValidity(c.saml.spCertificate)?.notAfter);
    const idpCertificates = [
      ...(c.saml.idp?.certificates ?? []),
      ...certificatesIn(c.saml.idpMetadataXml ?? ''),
    ];
    for (const cert of idpCertificates) add('idp-certificate', certificateValidity(cert)?.notAfter);
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * A certificate's validity (PEM, or base64 DER as metadata holds it), or undefined when it does not
 * read. Test Provider's SP-certificate check reads it here too.
 */
export function certificateValidity(text: string): { notBefore: Date; notAfter: Date } | undefined {
  try {
    const body = text.includes('-----BEGIN') ? text : Buffer.from(text.replace(/\s+/g, ''), 'base64');
    const cert = new X509Certificate(body);
    return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
  } catch {
    return undefined;
  }
}

/** The X509Certificate elements of inline metadata (at most 20: a list, not a parser). */
function certificatesIn(xml: string): string[] {
  return [...xml.matchAll(/<(?:\w+:)?X509Certificate>([^<]{100,20000})<\/(?:\w+:)?X509Certificate>/g)]
    .slice(0, 20)
    .map((m) => m[1] as string);
}
