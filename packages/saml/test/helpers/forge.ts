/**
 * Our own SAML response builder and signer for the attack suite: plain templates, signed with
 * xml-crypto's SignedXml (test side only), then mutated as an attacker would.
 */
import { constants, createCipheriv, createSign, publicEncrypt, randomBytes, randomUUID } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { ACS_URL, IDP_ENTITY_ID, SP_ENTITY_ID } from 'ssokit-test-fixtures/saml-idp';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';

export interface ForgeOptions {
  requestId?: string;
  nameId?: string;
  issuer?: string;
  audience?: string;
  recipient?: string;
  destination?: string;
  status?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  assertionId?: string;
  responseId?: string;
  groups?: string[];
  /** Keycloak's shape: one Attribute element per group. */
  repeatGroupAttribute?: boolean;
}

const iso = (d: Date) => d.toISOString();

export function assertionXml(o: ForgeOptions = {}): string {
  const now = Date.now();
  const notBefore = o.notBefore ?? new Date(now - 60_000);
  const notOnOrAfter = o.notOnOrAfter ?? new Date(now + 300_000);
  const groups = o.groups ?? ['admins', 'ml-engineers'];
  const groupAttributes = o.repeatGroupAttribute
    ? groups
        .map(
          (g) =>
            `<saml:Attribute Name="groups"><saml:AttributeValue>${g}</saml:AttributeValue></saml:Attribute>`,
        )
        .join('')
    : `<saml:Attribute Name="groups" FriendlyName="memberOf">${groups.map((g) => `<saml:AttributeValue>${g}</saml:AttributeValue>`).join('')}</saml:Attribute>`;
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${o.assertionId ?? `_a${randomUUID()}`}" Version="2.0" IssueInstant="${iso(new Date(now))}">` +
    `<saml:Issuer>${o.issuer ?? IDP_ENTITY_ID}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${o.nameId ?? 'ada@example.com'}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(notOnOrAfter)}" Recipient="${o.recipient ?? ACS_URL}" InResponseTo="${o.requestId ?? '_req-1'}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}"><saml:AudienceRestriction><saml:Audience>${o.audience ?? SP_ENTITY_ID}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(new Date(now))}" SessionIndex="_session-1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement><saml:Attribute Name="email" FriendlyName="mail"><saml:AttributeValue>${o.nameId ?? 'ada@example.com'}</saml:AttributeValue></saml:Attribute>${groupAttributes}</saml:AttributeStatement>` +
    `</saml:Assertion>`
  );
}

export function responseXml(assertion: string, o: ForgeOptions = {}): string {
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${o.responseId ?? `_r${randomUUID()}`}" Version="2.0" IssueInstant="${iso(new Date())}" Destination="${o.destination ?? ACS_URL}" InResponseTo="${o.requestId ?? '_req-1'}">` +
    `<saml:Issuer>${o.issuer ?? IDP_ENTITY_ID}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${o.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>` +
    `${assertion}</samlp:Response>`
  );
}

export interface SignOptions {
  /** Which element: the assertion or the whole response. */
  target: 'Assertion' | 'Response';
  privateKeyPem: string;
  /** Put this certificate in KeyInfo (the attacker's own, for the "attacker certificate" case). */
  certificatePem?: string;
  sha1?: boolean;
}

/** Signs the first Assertion or the Response with an enveloped signature after its Issuer. */
export function sign(xml: string, options: SignOptions): string {
  const signer = new SignedXml({
    privateKey: options.privateKeyPem,
    ...(options.certificatePem ? { publicCert: options.certificatePem } : {}),
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    signatureAlgorithm: options.sha1
      ? 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'
      : 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  });
  const target = `//*[local-name(.)='${options.target}']`;
  signer.addReference({
    xpath: target,
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
    digestAlgorithm: options.sha1
      ? 'http://www.w3.org/2000/09/xmldsig#sha1'
      : 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return signer.getSignedXml();
}

/**
 * Edits the first SignedInfo of `xml` (a string edit) and signs it again with `privateKeyPem`
 * (RSA-SHA256 over its exclusive C14N): a signature the IdP's key really made over what the edit
 * says, with the Reference's DigestValue left as it was computed.
 */
export function resignSignedInfo(
  xml: string,
  privateKeyPem: string,
  edit: (signedInfo: string) => string,
): string {
  const edited = xml.replace(/<ds:SignedInfo>[\s\S]*?<\/ds:SignedInfo>/, (signedInfo) => edit(signedInfo));
  const doc = new DOMParser().parseFromString(edited, 'text/xml');
  const signedInfo = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'SignedInfo')[0];
  const canonical = new ExclusiveCanonicalization().process(signedInfo as never, {
    inclusiveNamespacesPrefixList: [],
    ancestorNamespaces: [],
  });
  const value = createSign('RSA-SHA256').update(canonical).sign(privateKeyPem, 'base64');
  return edited.replace(
    /<ds:SignatureValue>[\s\S]*?<\/ds:SignatureValue>/,
    `<ds:SignatureValue>${value}</ds:SignatureValue>`,
  );
}

/**
 * An EncryptedAssertion of `assertion` (AES-256-GCM, the key wrapped with RSA-OAEP to
 * `certificatePem`), as an IdP encrypts to the SP's certificate.
 */
export function encryptAssertion(assertion: string, certificatePem: string): string {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([iv, cipher.update(assertion, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const wrapped = publicEncrypt({ key: certificatePem, padding: constants.RSA_PKCS1_OAEP_PADDING }, key);
  return (
    `<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">` +
    `<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>` +
    `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>` +
    `<xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${body.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>`
  );
}

export const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
