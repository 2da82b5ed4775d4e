import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { decodeCertificate, idpSigningKeys, validateSamlResponse } from '@ssokit/saml';
import { DOMParser } from '@xmldom/xmldom';
import * as samlify from 'samlify';
import { generate } from 'selfsigned';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import { type BenchSuite, defineSuite } from '../suite.ts';

// Validation of one signed SAML response (assertion signed, RSA-SHA256, exclusive C14N) with 10
// attributes and N groups, on the same document for every library, every check on. The replay check is
// a no-op here because the same document is validated again and again (the peers keep no replay cache).
const IDP = 'https://idp.example.com/metadata';
const SP = 'https://app.example.com/sso/saml/metadata/c1';
const ACS = 'https://app.example.com/sso/saml/acs';
const REQUEST_ID = '_req-bench';
const c14n = new ExclusiveCanonicalization();

function responseFor(groups: number): string {
  const now = Date.now();
  const iso = (t: number) => new Date(t).toISOString();
  const attributes = [
    ...[
      'email',
      'firstName',
      'lastName',
      'displayName',
      'department',
      'title',
      'employeeId',
      'locale',
      'phone',
      'manager',
    ].map(
      (name, i) =>
        `<saml:Attribute Name="${name}"><saml:AttributeValue>value-${i}-${name}</saml:AttributeValue></saml:Attribute>`,
    ),
    `<saml:Attribute Name="groups">${Array.from({ length: groups }, (_, i) => `<saml:AttributeValue>team-${String(i).padStart(3, '0')}-engineering</saml:AttributeValue>`).join('')}</saml:Attribute>`,
  ].join('');
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a${randomUUID()}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${IDP}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">ada@example.com</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(now + 3_600_000)}" Recipient="${ACS}" InResponseTo="${REQUEST_ID}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(now - 60_000)}" NotOnOrAfter="${iso(now + 3_600_000)}"><saml:AudienceRestriction><saml:Audience>${SP}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="_s1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attributes}</saml:AttributeStatement></saml:Assertion>`
  );
}

function suiteFor(groups: number): BenchSuite {
  const ctx = {} as {
    b64: string;
    ours: () => Promise<unknown>;
    nodeSaml: () => Promise<unknown>;
    samlify: () => Promise<unknown>;
    xml: string;
    assertionCanonical: string;
    unsignedAssertion: unknown;
    signedInfoCanonical: Buffer;
    signatureValue: Buffer;
    publicKey: ReturnType<typeof createPublicKey>;
  };
  const name = `SAML response, 10 attributes + ${groups} groups`;
  return defineSuite({
    name,
    description: `${name}: one response with a signed assertion, validated with every check on.`,
    timeMs: 1500,
    targets: [{ task: 'ssokit validateSamlResponse', versus: '@node-saml/node-saml', ratioAtLeast: 8 }],
    async setup() {
      const pems = await generate([{ name: 'commonName', value: 'idp.example.com' }], {
        keySize: 2048,
        algorithm: 'sha256',
      });
      const signer = new SignedXml({
        privateKey: pems.private,
        canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
        signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      });
      signer.addReference({
        xpath: "//*[local-name(.)='Assertion']",
        transforms: [
          'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
          'http://www.w3.org/2001/10/xml-exc-c14n#',
        ],
        digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      });
      signer.computeSignature(responseFor(groups), {
        prefix: 'ds',
        location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' },
      });
      const assertion = signer.getSignedXml();
      ctx.xml =
        `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${randomUUID()}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${ACS}" InResponseTo="${REQUEST_ID}">` +
        `<saml:Issuer>${IDP}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertion}</samlp:Response>`;
      ctx.b64 = Buffer.from(ctx.xml).toString('base64');
      const certBase64 = pems.cert.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');

      const keys = idpSigningKeys({
        entityId: IDP,
        signingCertificates: [decodeCertificate(certBase64, IDP)],
      });
      const replay = { firstSeen: async () => true };
      ctx.ours = () =>
        validateSamlResponse(ctx.b64, {
          idpEntityId: IDP,
          idpKeys: keys,
          spEntityId: SP,
          acsUrl: ACS,
          requestId: REQUEST_ID,
          replay,
        });

      const nodeSaml = new SAML({
        callbackUrl: ACS,
        entryPoint: 'https://idp.example.com/sso',
        issuer: SP,
        audience: SP,
        idpCert: certBase64,
        wantAssertionsSigned: true,
        wantAuthnResponseSigned: false,
        validateInResponseTo: ValidateInResponseTo.never,
        acceptedClockSkewMs: 120_000,
      });
      ctx.nodeSaml = () => nodeSaml.validatePostResponseAsync({ SAMLResponse: ctx.b64 });

      samlify.setSchemaValidator({ validate: async () => 'skipped' });
      const idp = samlify.IdentityProvider({
        entityID: IDP,
        signingCert: pems.cert,
        singleSignOnService: [
          { Binding: samlify.Constants.namespace.binding.post, Location: 'https://idp.example.com/sso' },
        ],
      });
      const sp = samlify.ServiceProvider({
        entityID: SP,
        wantAssertionsSigned: true,
        assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: ACS }],
      });
      ctx.samlify = () => sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: ctx.b64 } } as never);

      // The steps, measured on their own on the same document.
      const doc = new DOMParser().parseFromString(ctx.xml, 'text/xml');
      const assertionElement = doc.getElementsByTagNameNS(
        'urn:oasis:names:tc:SAML:2.0:assertion',
        'Assertion',
      )[0] as never as Element;
      const signature = (
        assertionElement as never as {
          getElementsByTagNameNS(ns: string, n: string): { item(i: number): Node };
        }
      )
        .getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')
        .item(0);
      const signedInfo = (signature as never as Element).getElementsByTagNameNS(
        'http://www.w3.org/2000/09/xmldsig#',
        'SignedInfo',
      )[0] as Element;
      ctx.signedInfoCanonical = Buffer.from(c14n.process(signedInfo as never, {}));
      ctx.signatureValue = Buffer.from(
        (
          (signature as never as Element).getElementsByTagNameNS(
            'http://www.w3.org/2000/09/xmldsig#',
            'SignatureValue',
          )[0]?.textContent ?? ''
        ).replace(/\s+/g, ''),
        'base64',
      );
      (signature.parentNode as Node).removeChild(signature);
      ctx.assertionCanonical = c14n.process(assertionElement as never, {});
      ctx.unsignedAssertion = assertionElement;
      ctx.publicKey = createPublicKey(pems.public);
      for (const check of [ctx.ours, ctx.nodeSaml, ctx.samlify]) await check();
      if (!verify('sha256', ctx.signedInfoCanonical, ctx.publicKey, ctx.signatureValue))
        throw new Error('step setup: signature');
    },
    tasks: [
      { name: 'ssokit validateSamlResponse', role: 'subject', fn: () => ctx.ours() },
      { name: '@node-saml/node-saml', role: 'peer', fn: () => ctx.nodeSaml() },
      { name: 'samlify', role: 'peer', fn: () => ctx.samlify() },
      {
        name: 'step: base64 + xmldom parse',
        role: 'step',
        fn: () => new DOMParser().parseFromString(Buffer.from(ctx.b64, 'base64').toString(), 'text/xml'),
      },
      {
        name: 'step: exclusive C14N of the assertion',
        role: 'step',
        fn: () => c14n.process(ctx.unsignedAssertion as never, {}),
      },
      {
        name: 'step: SHA-256 digest',
        role: 'step',
        fn: () => createHash('sha256').update(ctx.assertionCanonical).digest(),
      },
      {
        name: 'step: RSA-SHA256 verify',
        role: 'step',
        fn: () => verify('sha256', ctx.signedInfoCanonical, ctx.publicKey, ctx.signatureValue),
      },
    ],
  });
}

export default [suiteFor(50), suiteFor(500)];
