/**
 * Identity provider metadata (SAML 2.0 Metadata, saml-metadata-2.0-os), parsed from the IdP's
 * document, and the certificates in it.
 *
 * @module
 */
import type { Clock, ConfigIssue, WarningHook } from '@ssokit/core';
import { type allowInsecureRequests, ConfigError, now as nowSymbol, SsoError } from '@ssokit/core';
import { parseDuration } from './internal/duration.ts';
import { endpointProblem } from './internal/idp-endpoint.ts';
import {
  certificateBase64,
  type KeyType,
  keyFacts,
  keyProblem,
  readCertificate,
} from './internal/key-policy.ts';
import { attr, children, descendants, is, NS, parseXml, textOf, type XmlElement } from './internal/xml.ts';

const BINDINGS = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;
const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';

/** A certificate's public key type, as `node:crypto` names it (`other` for anything else). */
export type IdpKeyType = KeyType;

/** One certificate from the metadata, decoded once. */
export interface IdpCertificate {
  /** Base64 DER, without line breaks (the `X509Certificate` element's content). */
  base64: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 fingerprint, `AA:BB:...`. */
  fingerprint256: string;
  /** The type of the certificate's public key. */
  keyType: IdpKeyType;
  /** The key's size in bits: the RSA modulus, the EC curve (256 for P-256), 256 for Ed25519. */
  keyBits?: number;
  /**
   * Why ssokit will not verify signatures made with this key, as a phrase (`"an RSA key of 1024 bits;
   * ssokit requires 2048 bits or more"`); absent when it will. `validateSamlResponse` and the logout
   * validators refuse a signature that only such a key verifies (`details.reason` `weak_key`).
   */
  keyProblem?: string;
}

/** What ssokit needs from an IdP's metadata. */
export interface IdpMetadata {
  entityId: string;
  /** SSO endpoints by binding. */
  sso: { redirect?: string; post?: string };
  /** Single Logout endpoints by binding. */
  slo: { redirect?: string; post?: string };
  /** Every signing certificate (several during a rotation). Responses verify against any of them. */
  signingCertificates: IdpCertificate[];
  encryptionCertificates: IdpCertificate[];
  nameIdFormats: string[];
  wantAuthnRequestsSigned: boolean;
  validUntil?: Date;
  /** `cacheDuration`, in ms. */
  cacheDurationMs?: number;
  /** Whether `validUntil` has passed. Reported, not refused: the admin decides. */
  expired: boolean;
}

/** Options of {@link parseIdpMetadata}. */
export interface ParseIdpMetadataOptions {
  /** For an `EntitiesDescriptor` holding several IdPs: the entityID to pick. */
  entityId?: string;
  /** The largest document accepted, in characters. Default: 2000000. */
  maxLength?: number;
  /**
   * @deprecated Marked so to stand out: accepts plain-http SSO and SLO endpoints outside loopback
   * (the IdP URL rule's escape hatch, as for metadata URLs).
   */
  [allowInsecureRequests]?: boolean;
  /** Hears `insecure-http` (once per origin) when `allowInsecureRequests` lets a plain-http endpoint through. Default: none. */
  onWarning?: WarningHook;
  [nowSymbol]?: Clock;
}

/** The name of a SAML binding in messages. */
const BINDING_NAMES: Record<string, string> = {
  [BINDINGS.redirect]: 'HTTP-Redirect',
  [BINDINGS.post]: 'HTTP-POST',
};

/**
 * Parses IdP metadata: an `EntityDescriptor`, or an `EntitiesDescriptor` aggregate from which the IdP
 * is picked by entityID. A BOM, leading comments, WS-Federation role descriptors and signed metadata are
 * all fine. Missing pieces are a `ConfigError` saying what is missing, and so is an HTTP-Redirect or
 * HTTP-POST SingleSignOnService or SingleLogoutService whose Location breaks the IdP URL rule (https,
 * or plain http on a loopback host; core's `checkIdpUrl`): the whole document is refused, naming the
 * element, its binding and the URL.
 *
 * @example
 * ```ts
 * import { parseIdpMetadata } from '@ssokit/saml';
 *
 * const idp = parseIdpMetadata(await (await fetch(metadataUrl)).text());
 * idp.sso.post; idp.signingCertificates.map((c) => c.notAfter);
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf
 */
export function parseIdpMetadata(xml: string, options: ParseIdpMetadataOptions = {}): IdpMetadata {
  const problem = (message: string): never => {
    throw new ConfigError([{ path: 'saml.idpMetadataXml', message }]);
  };
  let root: XmlElement;
  try {
    root = parseXml(xml, {
      kind: 'metadata',
      maxLength: options.maxLength ?? 2_000_000,
      code: 'config_invalid',
    });
  } catch (error) {
    return problem(error instanceof SsoError ? error.message : 'the metadata could not be read.');
  }
  const rootName = root.localName;
  let entity: XmlElement | undefined;
  if (is(root, NS.md, 'EntityDescriptor')) {
    entity = root;
  } else if (is(root, NS.md, 'EntitiesDescriptor')) {
    const idps = descendants(root, NS.md, 'EntityDescriptor').filter(
      (e) => children(e, NS.md, 'IDPSSODescriptor').length > 0,
    );
    const wanted = options.entityId;
    entity =
      wanted === undefined
        ? idps.length === 1
          ? idps[0]
          : undefined
        : idps.find((e) => attr(e, 'entityID') === wanted);
    if (!entity) {
      const ids = idps.map((e) => attr(e, 'entityID')).join(', ');
      return problem(
        wanted === undefined
          ? `the metadata lists ${idps.length} identity providers (${ids}); say which entityID to use.`
          : `the metadata has no identity provider with entityID "${wanted}" (it has: ${ids}).`,
      );
    }
  } else {
    return problem(
      `the document is <${rootName}>, not SAML metadata (an EntityDescriptor or EntitiesDescriptor).`,
    );
  }
  const entityId = attr(entity, 'entityID');
  if (!entityId) return problem('the EntityDescriptor has no entityID.');
  const descriptor = children(entity, NS.md, 'IDPSSODescriptor').find((d) =>
    (attr(d, 'protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL),
  );
  if (!descriptor)
    return problem(
      `the entity "${entityId}" has no IDPSSODescriptor for SAML 2.0: it is not a SAML 2.0 identity provider.`,
    );

  // Every endpoint of a binding ssokit uses must meet the IdP URL rule; one that does not refuses the
  // whole document (a metadata with a javascript: or plain-http endpoint is not half-accepted).
  // Endpoints of other bindings (SOAP, Artifact) are never used, so not judged.
  const endpointIssues: ConfigIssue[] = [];
  const endpoints = (name: string) => {
    const found: { redirect?: string; post?: string } = {};
    for (const endpoint of children(descriptor, NS.md, name)) {
      const binding = attr(endpoint, 'Binding');
      const location = attr(endpoint, 'Location');
      if (!location) continue;
      if (binding !== BINDINGS.redirect && binding !== BINDINGS.post) continue;
      const issue = endpointProblem(
        location,
        `the ${name} (${BINDING_NAMES[binding]}) Location`,
        'saml.idpMetadataXml',
        options,
      );
      if (issue) endpointIssues.push(issue);
      if (binding === BINDINGS.redirect) found.redirect ??= location;
      if (binding === BINDINGS.post) found.post ??= location;
    }
    return found;
  };
  const sso = endpoints('SingleSignOnService');
  const slo = endpoints('SingleLogoutService');
  if (endpointIssues.length > 0) throw new ConfigError(endpointIssues);
  if (!sso.redirect && !sso.post)
    return problem(
      `the identity provider "${entityId}" has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding.`,
    );

  const signingCertificates: IdpCertificate[] = [];
  const encryptionCertificates: IdpCertificate[] = [];
  for (const keyDescriptor of children(descriptor, NS.md, 'KeyDescriptor')) {
    const use = attr(keyDescriptor, 'use');
    for (const element of descendants(keyDescriptor, NS.ds, 'X509Certificate')) {
      const certificate = decodeCertificate(textOf(element) ?? '', entityId);
      if (use !== 'encryption') signingCertificates.push(certificate);
      if (use !== 'signing') encryptionCertificates.push(certificate);
    }
  }
  if (signingCertificates.length === 0)
    return problem(
      `the identity provider "${entityId}" publishes no signing certificate, so its responses cannot be verified.`,
    );

  const validUntilText = attr(entity, 'validUntil') ?? attr(root, 'validUntil');
  const validUntil = validUntilText === undefined ? undefined : new Date(validUntilText);
  const cacheDurationText = attr(entity, 'cacheDuration') ?? attr(root, 'cacheDuration');
  const cacheDurationMs = cacheDurationText === undefined ? undefined : parseDuration(cacheDurationText);
  const now = (options[nowSymbol] ?? Date.now)();
  const metadata: IdpMetadata = {
    entityId,
    sso,
    slo,
    signingCertificates,
    encryptionCertificates,
    nameIdFormats: children(descriptor, NS.md, 'NameIDFormat')
      .map((e) => textOf(e) ?? '')
      .filter(Boolean),
    wantAuthnRequestsSigned: attr(descriptor, 'WantAuthnRequestsSigned') === 'true',
    expired: validUntil !== undefined && !Number.isNaN(validUntil.getTime()) && validUntil.getTime() < now,
  };
  if (validUntil && !Number.isNaN(validUntil.getTime())) metadata.validUntil = validUntil;
  if (cacheDurationMs !== undefined) metadata.cacheDurationMs = cacheDurationMs;
  return metadata;
}

/**
 * Decodes a base64 DER (or PEM) certificate once: subject, validity, fingerprint and the facts of its
 * public key. Text that is not a certificate is a `ConfigError` on `path` naming `owner`.
 *
 * @param owner Who the certificate belongs to, for the message (an entityID).
 * @param path The configuration path of the error. Default: `'saml.idpMetadataXml'`.
 * @example
 * ```ts
 * import { decodeCertificate } from '@ssokit/saml';
 *
 * const { notAfter, keyProblem } = decodeCertificate(certificatePem, 'https://idp.example.com/metadata');
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1
 */
export function decodeCertificate(text: string, owner: string, path = 'saml.idpMetadataXml'): IdpCertificate {
  const base64 = certificateBase64(String(text));
  let x509: ReturnType<typeof readCertificate>;
  try {
    x509 = readCertificate(base64);
  } catch {
    throw new ConfigError([
      { path, message: `a certificate of "${owner}" is not a valid X.509 certificate.` },
    ]);
  }
  const key = x509.publicKey;
  const certificate: IdpCertificate = {
    base64,
    subject: x509.subject,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    fingerprint256: x509.fingerprint256,
    ...keyFacts(key),
  };
  const refused = keyProblem(key);
  if (refused !== undefined) certificate.keyProblem = refused;
  return certificate;
}
