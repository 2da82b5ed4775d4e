/**
 * Our own SAML response builder and signer for the attack suite: plain templates, signed with
 * xml-crypto's SignedXml (test side only), then mutated as an attacker would.
 */
import { randomUUID } from 'node:crypto';
import { ACS_URL, IDP_ENTITY_ID, SP_ENTITY_ID } from 'ssokit-test-fixtures/saml-idp';
import { SignedXml } from 'xml-crypto';

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

export const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
