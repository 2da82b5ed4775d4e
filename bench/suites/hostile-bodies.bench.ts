import { createSso, type Sso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import { generate } from 'selfsigned';
import { type BenchTarget, type BenchTask, defineSuite } from '../suite.ts';

// Anonymous requests built to cost the server as much CPU as they can (security review 1, finding 3),
// sent through sso.handle as a Hono or Next.js app would, each timed in CPU (process.cpuUsage) from
// the request to the response. The SAML connection allows IdP-initiated logins, so a response without
// InResponseTo is read twice (to route it, then to validate it): the costliest path there is. Target:
// at most 50 ms of CPU for any of them, up to the route's body limit.
const BASE = 'https://app.example.com';
const IDP = 'https://idp.example.com/metadata';
const SP = `${BASE}/sso/saml/metadata/hostile`;
const ACS = `${BASE}/sso/saml/acs`;

const response = (inner: string, rootAttributes = '') =>
  `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${ACS}"${rootAttributes}><saml:Issuer>${IDP}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${inner}</samlp:Response>`;

/** An assertion shaped like a real one, for the audience check, with `values` group values. */
const assertion = (values: number, signed: boolean) =>
  `<saml:Assertion ID="_a1" Version="2.0" IssueInstant="${new Date().toISOString()}"><saml:Issuer>${IDP}</saml:Issuer>` +
  (signed
    ? '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_a1"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>'
    : '') +
  `<saml:Subject><saml:NameID>mallory</saml:NameID></saml:Subject><saml:Conditions><saml:AudienceRestriction><saml:Audience>${SP}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
  `<saml:AttributeStatement><saml:Attribute Name="groups">${'<saml:AttributeValue>team-0000-machine-learning-platform-engineering</saml:AttributeValue>'.repeat(values)}</saml:Attribute></saml:AttributeStatement></saml:Assertion>`;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const b64 = (xml: string) => Buffer.from(xml).toString('base64');

/** The bodies: what the route receives, and where. */
const bodies: [name: string, path: string, body: () => string][] = [
  [
    "ACS: 95,000 empty elements (the review's 0.5 MB)",
    '/saml/acs',
    () => form({ SAMLResponse: b64(response('<a/>'.repeat(95_000))).slice(0, 512 * 1024 - 4) }),
  ],
  [
    'ACS: 54,000 levels deep',
    '/saml/acs',
    () => form({ SAMLResponse: b64(response(`${'<a>'.repeat(54_000)}${'</a>'.repeat(54_000)}`)) }),
  ],
  [
    'ACS: 4,990 elements, the most a message may have',
    '/saml/acs',
    () => form({ SAMLResponse: b64(response(`${assertion(0, false)}${'<a/>'.repeat(4970)}`)) }),
  ],
  [
    'ACS: a signed-looking assertion, 4,000 group values (500 KB)',
    '/saml/acs',
    () => form({ SAMLResponse: b64(response(assertion(4000, true))) }),
  ],
  [
    'ACS: 9,900 attributes on the root',
    '/saml/acs',
    () =>
      form({
        SAMLResponse: b64(response('', Array.from({ length: 9900 }, (_, i) => ` a${i}="x"`).join(''))),
      }),
  ],
  // Review 2's shapes: markup a lenient scan misreads, nodes that are not elements, and a SignedInfo
  // that makes canonicalisation (done before the signature is known) quadratic.
  [
    'ACS: a stray quote hiding 98,000 elements',
    '/saml/acs',
    () => form({ SAMLResponse: b64(response(`<r '>${'<a/>'.repeat(98_000)}'/>`)).slice(0, 512 * 1024 - 4) }),
  ],
  [
    'ACS: 56,000 comments',
    '/saml/acs',
    () => form({ SAMLResponse: b64(response('<!---->'.repeat(56_000))).slice(0, 512 * 1024 - 4) }),
  ],
  [
    'ACS: a SignedInfo with 4,900 namespace prefixes',
    '/saml/acs',
    () =>
      form({
        SAMLResponse: b64(
          response(
            assertion(0, true).replace(
              '<ds:SignedInfo>',
              `<ds:SignedInfo ${Array.from({ length: 4900 }, (_, i) => `xmlns:p${i}="urn:${i}" p${i}:a="1"`).join(' ')}>`,
            ),
          ),
        ),
      }),
  ],
  [
    'ACS: a SignedInfo with 2,400 children and CDATA',
    '/saml/acs',
    () =>
      form({
        SAMLResponse: b64(
          response(
            assertion(0, true).replace(
              '</ds:SignedInfo>',
              `${'<ds:X><![CDATA[x]]></ds:X>'.repeat(2400)}</ds:SignedInfo>`,
            ),
          ),
        ),
      }),
  ],
  ['ACS: 1 MiB that is not base64', '/saml/acs', () => form({ SAMLResponse: '.'.repeat(1024 * 1024 - 20) })],
  ['ACS: 4 MiB, past the body limit', '/saml/acs', () => `SAMLResponse=${'A'.repeat(4 * 1024 * 1024)}`],
  [
    'callback: form_post of 16,000 parameters (64 KiB)',
    '/oidc/callback',
    () => 'state=x&'.repeat(8000).slice(0, 64 * 1024 - 1),
  ],
];

let sso: Sso;
const tasks: BenchTask[] = bodies.map(([name, path, body]) => {
  let text = '';
  return {
    name,
    role: 'subject',
    async sample() {
      text ||= body();
      const request = new Request(`${BASE}/sso${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: text,
      });
      const before = process.cpuUsage();
      const answer = await sso.handle(request);
      await answer.arrayBuffer();
      const used = process.cpuUsage(before);
      if (answer.status < 400) throw new Error(`${name} was accepted (${answer.status})`);
      return (used.user + used.system) / 1000;
    },
  };
});

export default defineSuite({
  name: 'hostile anonymous bodies, CPU per request',
  description:
    'Anonymous ACS and form_post requests shaped to cost the most, through sso.handle; CPU time (user + system) per request.',
  samplesPerRound: 3,
  async setup() {
    const pems = await generate([{ name: 'commonName', value: 'idp.example.com' }], { keySize: 2048 });
    const storage = memoryStorage();
    await storage.connections.create({
      name: 'Hostile',
      protocol: 'saml',
      provider: 'custom',
      active: true,
      saml: {
        spEntityId: SP,
        wantAssertionsSigned: true,
        allowIdpInitiated: true,
        idp: {
          entityId: IDP,
          ssoUrl: 'https://idp.example.com/sso',
          certificates: [pems.cert.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '')],
        },
      },
    });
    sso = createSso({ baseUrl: BASE, storage, secret: 'hostile-bench-secret-of-32-characters!!' });
  },
  tasks,
  targets: bodies.map(([name]): BenchTarget => ({ task: name, medianMsBelow: 50 })),
});
