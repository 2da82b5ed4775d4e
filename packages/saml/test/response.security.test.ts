/**
 * Invariant family: a SAML response yields claims only from the element its signature covers,
 * verified with the metadata's certificates only. Attacks built with our own signer and DOM mutations:
 * XML signature wrapping (XSW1–XSW8 shapes), comment and processing-instruction injection, signature
 * removal, attacker KeyInfo, unsigned assertions, several assertions or SignedInfo, wrong audience,
 * recipient, destination or issuer, time window, replay, InResponseTo, DTDs and entities, SHA-1,
 * non-success status, duplicate IDs; and strict protocol reading: Version="2.0", the Response's and the
 * Assertion's children exactly as the schemas order them (no Extensions), the signature transforms
 * exactly enveloped-signature then exclusive C14N. Each is refused with its code; the attacker's
 * NameID never comes out.
 */
import { createPrivateKey } from 'node:crypto';
import type { SsoError } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import { makeCertificate, type TestKeyPair } from 'ssokit-test-fixtures/keys';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { ACS_URL, IDP_ENTITY_ID, SP_ENTITY_ID } from 'ssokit-test-fixtures/saml-idp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SamlResponseExpectations, validateSamlResponse } from '../src/index.ts';
import {
  assertionXml,
  b64,
  encryptAssertion,
  type ForgeOptions,
  resignSignedInfo,
  responseXml,
  sign,
} from './helpers/forge.ts';
import { idpKeysFor } from './helpers/idp-keys.ts';

let idp: TestKeyPair;
let attacker: TestKeyPair;
let sp: TestKeyPair;
beforeAll(async () => {
  [idp, attacker, sp] = await Promise.all([
    makeCertificate('idp.example.com'),
    makeCertificate('attacker.example.com'),
    makeCertificate('sp.example.com'),
  ]);
}, 30_000);

const EVIL = 'mallory@evil.example.com';
const expectations = (overrides: Partial<SamlResponseExpectations> = {}): SamlResponseExpectations => ({
  idpEntityId: IDP_ENTITY_ID,
  idpKeys: idpKeysFor(idp.certificateBase64),
  spEntityId: SP_ENTITY_ID,
  acsUrl: ACS_URL,
  requestId: '_req-1',
  replay: memoryStorage().replay,
  ...overrides,
});

/** A response whose assertion is signed by the IdP. */
const signedAssertionResponse = (o: ForgeOptions = {}) =>
  responseXml(sign(assertionXml(o), { target: 'Assertion', privateKeyPem: idp.privateKeyPem }), o);
/** A response signed as a whole by the IdP (assertion unsigned inside). */
const signedResponse = (o: ForgeOptions = {}) =>
  sign(responseXml(assertionXml(o), o), { target: 'Response', privateKeyPem: idp.privateKeyPem });

async function refused(
  xml: string,
  code: string,
  reason?: string,
  overrides: Partial<SamlResponseExpectations> = {},
): Promise<SsoError> {
  const error = await expectRefusal(validateSamlResponse(b64(xml), expectations(overrides)), code, reason);
  expect(error.message).not.toContain(EVIL);
  return error;
}

const evilAssertion = (id: string) => assertionXml({ nameId: EVIL, assertionId: id });
const idOf = (xml: string, element: 'Assertion' | 'Response') =>
  new RegExp(`<(?:saml|samlp):${element}[^>]* ID="([^"]+)"`).exec(xml)?.[1] as string;

describe('the baseline', () => {
  it('accepts our own correctly signed responses, assertion-signed and response-signed', async () => {
    const one = await validateSamlResponse(b64(signedAssertionResponse()), expectations());
    expect(one.nameId).toBe('ada@example.com');
    expect(one.attributes).toEqual({ email: ['ada@example.com'], groups: ['admins', 'ml-engineers'] });
    expect(one.claims.memberOf).toEqual(['admins', 'ml-engineers']);
    expect(one.sessionIndex).toBe('_session-1');
    const two = await validateSamlResponse(
      b64(signedResponse()),
      expectations({ wantAssertionsSigned: false }),
    );
    expect(two.nameId).toBe('ada@example.com');
  });

  it("merges repeated Attribute elements (Keycloak's one-per-group shape)", async () => {
    const assertion = await validateSamlResponse(
      b64(signedAssertionResponse({ repeatGroupAttribute: true, groups: ['a', 'b', 'c'] })),
      expectations(),
    );
    expect(assertion.attributes.groups).toEqual(['a', 'b', 'c']);
  });
});

describe('XML signature wrapping', () => {
  it('XSW: an evil assertion before the signed one', async () => {
    const good = signedAssertionResponse();
    // Right after the Status, where the schema allows assertions: one assertion per response.
    await refused(
      good.replace('<saml:Assertion', `${evilAssertion('_evil')}<saml:Assertion`),
      'saml_invalid',
      'assertion_count',
    );
    // Before the Status, where the schema allows none: refused for its place already.
    await refused(
      good.replace('<samlp:Status>', `${evilAssertion('_evil')}<samlp:Status>`),
      'saml_invalid',
      'response_children',
    );
  });

  it('XSW: the signed assertion moved into Extensions, an evil one in its place', async () => {
    const signed = sign(assertionXml(), { target: 'Assertion', privateKeyPem: idp.privateKeyPem });
    const xml = responseXml(evilAssertion('_evil')).replace(
      '<samlp:Status>',
      `<samlp:Extensions>${signed}</samlp:Extensions><samlp:Status>`,
    );
    // ssokit accepts no samlp:Extensions in a Response (see the "strict protocol reading" tests).
    await refused(xml, 'saml_invalid', 'extensions');
  });

  it('XSW: the evil assertion inside the signature Object of the signed one', async () => {
    const good = signedAssertionResponse();
    await refused(
      good.replace('</ds:Signature>', `<ds:Object>${evilAssertion('_evil')}</ds:Object></ds:Signature>`),
      'saml_invalid',
      'assertion_count',
    );
  });

  it("XSW: an evil assertion reusing the signed one's ID", async () => {
    const good = signedAssertionResponse();
    const id = idOf(good, 'Assertion');
    await refused(
      good.replace('<samlp:Status>', `${evilAssertion(id)}<samlp:Status>`),
      'saml_invalid',
      'duplicate_id',
    );
  });

  it('XSW: the signed assertion replaced by an evil one carrying the copied signature', async () => {
    const good = signedAssertionResponse();
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(good)?.[0] as string;
    const evil = evilAssertion('_evil').replace(
      `<saml:Issuer>${IDP_ENTITY_ID}</saml:Issuer>`,
      `<saml:Issuer>${IDP_ENTITY_ID}</saml:Issuer>${signature}`,
    );
    await refused(responseXml(evil), 'saml_signature_invalid', 'reference');
  });

  it('XSW: the evil assertion given the signed ID, the signed original hidden in the signature', async () => {
    const good = signedAssertionResponse();
    const id = idOf(good, 'Assertion');
    const original = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(good)?.[0] as string;
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(original)?.[0] as string;
    const evil = evilAssertion(id).replace(
      `<saml:Issuer>${IDP_ENTITY_ID}</saml:Issuer>`,
      `<saml:Issuer>${IDP_ENTITY_ID}</saml:Issuer>${signature.replace('</ds:Signature>', `<ds:Object>${original.replace(` ID="${id}"`, ' ID="_hidden"')}</ds:Object></ds:Signature>`)}`,
    );
    await refused(responseXml(evil), 'saml_invalid', 'assertion_count');
  });

  it('XSW: a signed response wrapped in an evil response', async () => {
    const good = signedResponse();
    const evil = responseXml(evilAssertion('_evil')).replace(
      '<samlp:Status>',
      `<samlp:Extensions>${good}</samlp:Extensions><samlp:Status>`,
    );
    await refused(evil, 'saml_invalid', 'extensions', { wantAssertionsSigned: false });
  });

  it('XSW: a signed response whose signature is moved onto an evil root', async () => {
    const good = signedResponse();
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(good)?.[0] as string;
    const evil = responseXml(evilAssertion('_evil')).replace('<samlp:Status>', `${signature}<samlp:Status>`);
    await refused(evil, 'saml_signature_invalid', 'reference', { wantAssertionsSigned: false });
  });
});

describe('XSW1–XSW8 (the SAML Raider taxonomy)', () => {
  const EVIL_NAME = `>${EVIL}</saml:NameID>`;
  const ORIGINAL_NAME = '>ada@example.com</saml:NameID>';
  const stripSignature = (xml: string) => xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '');
  const assertionOf = (xml: string) => /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)?.[0] as string;
  const signatureIn = (xml: string) => /<ds:Signature[\s\S]*?<\/ds:Signature>/.exec(xml)?.[0] as string;

  it('XSW1: an evil response whose signature wraps the signed original response', async () => {
    const original = signedResponse();
    const signature = signatureIn(original);
    const evil = responseXml(evilAssertion('_evil'), { responseId: '_evil-response' }).replace(
      '<samlp:Status>',
      `${signature.replace('</ds:Signature>', `${stripSignature(original)}</ds:Signature>`)}<samlp:Status>`,
    );
    await refused(evil, 'saml_signature_invalid', 'reference', { wantAssertionsSigned: false });
  });

  it('XSW2: an evil response with the signed original response placed before the signature', async () => {
    const original = signedResponse();
    const signature = signatureIn(original);
    const evil = responseXml(evilAssertion('_evil'), { responseId: '_evil-response' }).replace(
      '<samlp:Status>',
      `${stripSignature(original)}${signature}<samlp:Status>`,
    );
    // A Response inside a Response is no child the schema allows: refused before any signature.
    await refused(evil, 'saml_invalid', 'response_children', { wantAssertionsSigned: false });
  });

  it('XSW3: an unsigned evil copy of the assertion before the signed assertion', async () => {
    const good = signedAssertionResponse();
    const copy = stripSignature(assertionOf(good))
      .replace(ORIGINAL_NAME, EVIL_NAME)
      .replace(/ ID="[^"]+"/, ' ID="_evil"');
    await refused(
      good.replace('<saml:Assertion', `${copy}<saml:Assertion`),
      'saml_invalid',
      'assertion_count',
    );
  });

  it('XSW4: the signed assertion inside an unsigned evil copy', async () => {
    const good = signedAssertionResponse();
    const original = assertionOf(good);
    const wrapper = stripSignature(original)
      .replace(ORIGINAL_NAME, EVIL_NAME)
      .replace(/ ID="[^"]+"/, ' ID="_evil"')
      .replace('</saml:Assertion>', `${original}</saml:Assertion>`);
    await refused(good.replace(original, wrapper), 'saml_invalid', 'assertion_count');
  });

  it('XSW5: the signed assertion changed, an unsigned copy of the original appended to the response', async () => {
    const good = signedAssertionResponse();
    const original = assertionOf(good);
    const changed = original.replace(ORIGINAL_NAME, EVIL_NAME);
    // The copy keeps the original's ID, as SAML Raider builds it: refused already at parsing.
    await refused(
      good
        .replace(original, changed)
        .replace('</samlp:Response>', `${stripSignature(original)}</samlp:Response>`),
      'saml_invalid',
      'duplicate_id',
    );
  });

  it('XSW6: the signed assertion changed, a copy of the original inside its signature', async () => {
    const good = signedAssertionResponse();
    const original = assertionOf(good);
    const changed = original
      .replace(ORIGINAL_NAME, EVIL_NAME)
      .replace(
        '</ds:SignatureValue>',
        `</ds:SignatureValue>${stripSignature(original).replace(/ ID="[^"]+"/, ' ID="_copy"')}`,
      );
    await refused(good.replace(original, changed), 'saml_invalid', 'assertion_count');
  });

  it('XSW7: an Extensions block holding an unsigned copy of the assertion', async () => {
    const good = signedAssertionResponse();
    const copy = stripSignature(assertionOf(good))
      .replace(ORIGINAL_NAME, EVIL_NAME)
      .replace(/ ID="[^"]+"/, ' ID="_evil"');
    await refused(
      good.replace('<samlp:Status>', `<samlp:Extensions>${copy}</samlp:Extensions><samlp:Status>`),
      'saml_invalid',
      'extensions',
    );
  });

  it('XSW8: the signed assertion changed, the original (signature removed) in a ds:Object of its signature', async () => {
    const good = signedAssertionResponse();
    const original = assertionOf(good);
    const changed = original
      .replace(ORIGINAL_NAME, EVIL_NAME)
      .replace('</ds:Signature>', `<ds:Object>${stripSignature(original)}</ds:Object></ds:Signature>`);
    await refused(good.replace(original, changed), 'saml_invalid', 'duplicate_id');
  });
});

describe('content injection', () => {
  it('refuses a comment inside the NameID (the CVE-2017-11427 family)', async () => {
    const good = signedAssertionResponse({ nameId: 'mallory@evil.example.com.attacker' });
    const xml = good.replace('mallory@evil.example.com.attacker', 'mallory@evil.example.com<!---->.attacker');
    await refused(xml, 'saml_invalid', 'comment');
  });

  it('refuses processing instructions', async () => {
    await refused(
      signedAssertionResponse().replace('<saml:NameID', '<?evil data?><saml:NameID'),
      'saml_invalid',
      'pi',
    );
  });

  it('refuses a DOCTYPE with entities, before parsing', async () => {
    const xml = `<!DOCTYPE r [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>${signedAssertionResponse().replace('ada@example.com', '&lol2;')}`;
    await refused(xml, 'saml_invalid', 'dtd');
  });

  it('refuses markup inside the NameID', async () => {
    const good = signedAssertionResponse();
    await refused(
      good.replace('ada@example.com</saml:NameID>', `ada@example.com<x>${EVIL}</x></saml:NameID>`),
      'saml_signature_invalid',
      'digest',
    );
  });
});

describe('signatures', () => {
  it('refuses a tampered NameID (digest mismatch)', async () => {
    await refused(
      signedAssertionResponse().replace('>ada@example.com</saml:NameID>', `>${EVIL}</saml:NameID>`),
      'saml_signature_invalid',
      'digest',
    );
  });

  it('refuses a removed signature', async () => {
    await refused(
      signedAssertionResponse().replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, ''),
      'saml_signature_invalid',
      'unsigned',
    );
  });

  it('refuses an assertion signed by the attacker, whose certificate is in KeyInfo', async () => {
    const xml = responseXml(
      sign(assertionXml({ nameId: EVIL }), {
        target: 'Assertion',
        privateKeyPem: attacker.privateKeyPem,
        certificatePem: attacker.certificatePem,
      }),
    );
    await refused(xml, 'saml_signature_invalid', 'signature');
  });

  it('refuses an unsigned assertion inside a signed response when assertions must be signed', async () => {
    await refused(signedResponse(), 'saml_signature_invalid', 'unsigned');
  });

  it('refuses an unsigned response when responses must be signed', async () => {
    await refused(signedAssertionResponse(), 'saml_signature_invalid', 'unsigned', {
      wantResponseSigned: true,
    });
  });

  it('refuses several SignedInfo', async () => {
    const good = signedAssertionResponse();
    const signedInfo = /<ds:SignedInfo>[\s\S]*<\/ds:SignedInfo>/.exec(good)?.[0] as string;
    await refused(
      good.replace('</ds:SignedInfo>', `</ds:SignedInfo>${signedInfo}`),
      'saml_signature_invalid',
      'signed_info',
    );
  });

  it('refuses SHA-1 unless allowed', async () => {
    const xml = responseXml(
      sign(assertionXml(), { target: 'Assertion', privateKeyPem: idp.privateKeyPem, sha1: true }),
    );
    await refused(xml, 'saml_signature_invalid', 'sha1');
    const warnings: string[] = [];
    await expect(
      validateSamlResponse(
        b64(xml),
        expectations({ allowSha1: true, onWarning: (code) => void warnings.push(code) }),
      ),
    ).resolves.toMatchObject({ nameId: 'ada@example.com' });
    expect(warnings).toEqual(['sha1-signature']);
  });

  it('refuses canonicalisation with comments and unknown transforms', async () => {
    const good = signedAssertionResponse();
    await refused(
      good.replace(
        'Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod',
        'Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#WithComments"/><ds:SignatureMethod',
      ),
      'saml_signature_invalid',
      'c14n',
    );
    await refused(
      good.replace('xmldsig#enveloped-signature', 'xmldsig-filter2'),
      'saml_signature_invalid',
      'transform',
    );
  });
});

describe('SAMLStorm (CVE-2025-29774, CVE-2025-29775: xml-crypto 6.0.0 and earlier)', () => {
  /** The DigestValue of `xml`'s first reference, as a signer computes it. */
  const digestOf = (xml: string) => /<ds:DigestValue>([^<]+)<\/ds:DigestValue>/.exec(xml)?.[1] as string;

  it("CVE-2025-29775: a DigestValue whose comment holds the evil assertion's digest, the signed one's after it", async () => {
    // The signature covers SignedInfo canonicalised without comments: it still verifies. A verifier that
    // reads the DigestValue's first child gets the comment, the digest of the attacker's content.
    const good = signedAssertionResponse();
    const evilDigest = digestOf(
      sign(evilAssertion(idOf(good, 'Assertion')), {
        target: 'Assertion',
        privateKeyPem: attacker.privateKeyPem,
      }),
    );
    const forged = good
      .replace('ada@example.com', EVIL)
      .replace(/<ds:DigestValue>/, `<ds:DigestValue><!--${evilDigest}-->`);
    // Refused before any signature work: ssokit accepts no comment anywhere in a response.
    await refused(forged, 'saml_invalid', 'comment');
  });

  it('CVE-2025-29774: a second SignedInfo, of the evil content, beside the signed one', async () => {
    const good = signedAssertionResponse();
    const evil = sign(evilAssertion(idOf(good, 'Assertion')), {
      target: 'Assertion',
      privateKeyPem: attacker.privateKeyPem,
    });
    const evilSignedInfo = /<ds:SignedInfo>[\s\S]*<\/ds:SignedInfo>/.exec(evil)?.[0] as string;
    const forged = good
      .replace('ada@example.com', EVIL)
      .replace('<ds:SignedInfo>', `${evilSignedInfo}<ds:SignedInfo>`);
    await refused(forged, 'saml_signature_invalid');
  });
});

describe('conditions', () => {
  it('refuses a wrong audience, recipient, destination or issuer (each re-signed by the IdP)', async () => {
    await refused(
      signedAssertionResponse({ audience: 'https://other-sp.example.com' }),
      'saml_invalid',
      'audience',
    );
    await refused(
      signedAssertionResponse({ recipient: 'https://evil.example.com/acs' }),
      'saml_invalid',
      'recipient',
    );
    await refused(
      signedAssertionResponse({ destination: 'https://evil.example.com/acs' }),
      'saml_invalid',
      'destination',
    );
    await refused(
      signedAssertionResponse({ issuer: 'https://other-idp.example.com' }),
      'saml_invalid',
      'issuer',
    );
  });

  it('refuses expired and not-yet-valid assertions, with a bounded skew', async () => {
    await refused(
      signedAssertionResponse({ notOnOrAfter: new Date(Date.now() - 600_000) }),
      'saml_invalid',
      'expired',
    );
    await refused(
      signedAssertionResponse({
        notBefore: new Date(Date.now() + 600_000),
        notOnOrAfter: new Date(Date.now() + 900_000),
      }),
      'saml_invalid',
      'not_yet_valid',
    );
    const slightlyEarly = signedAssertionResponse({ notBefore: new Date(Date.now() + 60_000) });
    await expect(validateSamlResponse(b64(slightlyEarly), expectations())).resolves.toBeTruthy();
  });

  it('refuses unknown and missing InResponseTo', async () => {
    await refused(signedAssertionResponse({ requestId: '_someone-elses' }), 'saml_invalid', 'in_response_to');
    const missing = responseXml(
      sign(assertionXml().replace(' InResponseTo="_req-1"', ''), {
        target: 'Assertion',
        privateKeyPem: idp.privateKeyPem,
      }),
    ).replace(' InResponseTo="_req-1"', '');
    await refused(missing, 'saml_invalid', 'in_response_to');
    await refused(
      signedAssertionResponse().replace(/ InResponseTo="_req-1"/g, ''),
      'saml_signature_invalid',
      'digest',
    );
    const unsolicited = responseXml(
      sign(assertionXml().replace(' InResponseTo="_req-1"', ''), {
        target: 'Assertion',
        privateKeyPem: idp.privateKeyPem,
      }),
    ).replace(' InResponseTo="_req-1"', '');
    await refused(unsolicited, 'saml_invalid', 'in_response_to');
    await expect(
      validateSamlResponse(b64(unsolicited), expectations({ requestId: null, allowIdpInitiated: true })),
    ).resolves.toBeTruthy();
  });

  it('refuses a replayed assertion', async () => {
    const replay = memoryStorage().replay;
    const xml = signedAssertionResponse();
    await validateSamlResponse(b64(xml), expectations({ replay }));
    await refused(xml, 'saml_replay', undefined, { replay });
  });

  it('reports a non-success status as idp_error with its codes', async () => {
    const xml = responseXml('', { status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' }).replace(
      '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"/>',
      '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode><samlp:StatusMessage>Wrong password</samlp:StatusMessage>',
    );
    const error = await refused(xml, 'idp_error');
    expect(error.message).toBe('The identity provider answered Responder / AuthnFailed: Wrong password.');
  });

  it('refuses malformed input early: not base64, too large, not a Response, two roots', async () => {
    await expect(validateSamlResponse('not base64!', expectations())).rejects.toMatchObject({
      code: 'saml_invalid',
      details: { reason: 'base64' },
    });
    await expect(validateSamlResponse('A'.repeat(600_000), expectations())).rejects.toMatchObject({
      code: 'saml_invalid',
      details: { reason: 'size' },
    });
    await expect(
      validateSamlResponse(
        b64('<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'),
        expectations(),
      ),
    ).rejects.toMatchObject({ details: { reason: 'not_response' } });
    await expect(
      validateSamlResponse(b64(`${signedAssertionResponse()}<x/>`), expectations()),
    ).rejects.toMatchObject({ code: 'saml_invalid' });
  });
});

/**
 * Strict protocol reading: what the SAML 2.0 schemas and saml-core rule out is refused, even when the
 * IdP's key signed it, so that no element can sit where the checks do not look.
 */
describe('work an anonymous request can ask for is bounded (review 2, finding 2)', () => {
  it('refuses a SignedInfo with more than its schema children, or too large, before canonicalising it', async () => {
    const good = signedAssertionResponse();
    const extra = good.replace('</ds:SignedInfo>', '<ds:Object>x</ds:Object></ds:SignedInfo>');
    await refused(extra, 'saml_signature_invalid', 'signed_info');
    const namespaces = Array.from({ length: 60 }, (_, i) => ` xmlns:n${i}="urn:x:${i}"`).join('');
    const wide = good.replace(
      /<ds:Transform Algorithm="http:\/\/www\.w3\.org\/2001\/10\/xml-exc-c14n#"\/>/,
      `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"${namespaces}/>`,
    );
    expect(wide).not.toBe(good);
    await refused(wide, 'saml_signature_invalid', 'signed_info');
  });

  it('refuses markup the shape scan cannot read, where a guess could hide 98,000 elements', async () => {
    const hidden = signedAssertionResponse().replace(
      '<samlp:Status>',
      `<r '>${'<a/>'.repeat(1000)}'/><samlp:Status>`,
    );
    await refused(hidden, 'saml_invalid', 'malformed');
  });
});

describe('strict protocol reading', () => {
  const SUBJECT = /<saml:Subject>[\s\S]*?<\/saml:Subject>/;
  const CONDITIONS = /<saml:Conditions[\s\S]*?<\/saml:Conditions>/;
  const SIGNATURE = /<ds:Signature[\s\S]*?<\/ds:Signature>/;
  const evilSubject = () =>
    (SUBJECT.exec(assertionXml()) as RegExpExecArray)[0].replace('ada@example.com', EVIL);
  /** The assertion edited, then signed by the IdP (so only the edit is wrong), in a response. */
  const resigned = (edit: (assertion: string) => string, o: ForgeOptions = {}) =>
    responseXml(sign(edit(assertionXml(o)), { target: 'Assertion', privateKeyPem: idp.privateKeyPem }), o);
  /** The response edited, then signed as a whole by the IdP. */
  const resignedResponse = (edit: (response: string) => string) =>
    sign(edit(responseXml(assertionXml())), { target: 'Response', privateKeyPem: idp.privateKeyPem });

  describe('Version="2.0" (saml-core §3.2.2, §2.3.3)', () => {
    it('refuses a Response without Version or with another one, signed or not', async () => {
      const good = signedAssertionResponse();
      const responseTag = /<samlp:Response [^>]*>/.exec(good)?.[0] as string;
      await refused(
        good.replace(responseTag, responseTag.replace(' Version="2.0"', '')),
        'saml_invalid',
        'version',
      );
      await refused(
        good.replace(responseTag, responseTag.replace(' Version="2.0"', ' Version="1.1"')),
        'saml_invalid',
        'version',
      );
      const error = await refused(
        resignedResponse((xml) => xml.replace(/(<samlp:Response [^>]*)Version="2.0"/, '$1Version="2.1"')),
        'saml_invalid',
        'version',
        { wantAssertionsSigned: false },
      );
      expect(error.message).toContain('Version "2.1"');
    });

    it('refuses an Assertion without Version or with another one, though the IdP signed it', async () => {
      await refused(
        resigned((a) => a.replace(' Version="2.0"', '')),
        'saml_invalid',
        'version',
      );
      await refused(
        resigned((a) => a.replace(' Version="2.0"', ' Version="1.0"')),
        'saml_invalid',
        'version',
      );
    });

    it('refuses a decrypted Assertion without Version', async () => {
      const plaintext = sign(assertionXml().replace(' Version="2.0"', ''), {
        target: 'Assertion',
        privateKeyPem: idp.privateKeyPem,
      });
      // Inside an encryption, every failure is the one outward error; the rule's reason is its cause.
      const error = await refused(
        responseXml(encryptAssertion(plaintext, sp.certificatePem)),
        'saml_signature_invalid',
        'encrypted_assertion',
        { decryptionKey: createPrivateKey(sp.privateKeyPem) },
      );
      expect((error.cause as SsoError).details?.reason).toBe('version');
    });
  });

  describe("the Response's children (saml-schema-protocol-2.0.xsd, ResponseType)", () => {
    it('refuses samlp:Extensions in a Response, whatever it holds, even in a response the IdP signed', async () => {
      const extensions = '<samlp:Extensions><x:Hint xmlns:x="urn:example:ext">hi</x:Hint></samlp:Extensions>';
      await refused(
        signedAssertionResponse().replace('<samlp:Status>', `${extensions}<samlp:Status>`),
        'saml_invalid',
        'extensions',
      );
      await refused(
        resignedResponse((xml) => xml.replace('<samlp:Status>', '<samlp:Extensions/><samlp:Status>')),
        'saml_invalid',
        'extensions',
        { wantAssertionsSigned: false },
      );
    });

    it('refuses an element the schema does not allow, in any namespace', async () => {
      const good = signedAssertionResponse();
      for (const extra of [
        '<x:Note xmlns:x="urn:example:other">hi</x:Note>',
        '<samlp:StatusDetail/>',
        `<saml:Subject><saml:NameID>${EVIL}</saml:NameID></saml:Subject>`,
        '<Unqualified/>',
      ]) {
        await refused(
          good.replace('<saml:Assertion', `${extra}<saml:Assertion`),
          'saml_invalid',
          'response_children',
        );
      }
    });

    it('refuses its children out of order, twice, or missing', async () => {
      const good = signedAssertionResponse();
      const issuer = `<saml:Issuer>${IDP_ENTITY_ID}</saml:Issuer>`;
      const status = /<samlp:Status>[\s\S]*?<\/samlp:Status>/.exec(good)?.[0] as string;
      // Issuer after the Status.
      await refused(good.replace(issuer + status, status + issuer), 'saml_invalid', 'response_children');
      // A second Issuer (the evil one first), a second Status, no Status.
      await refused(
        good.replace(issuer, `<saml:Issuer>https://evil.example.com</saml:Issuer>${issuer}`),
        'saml_invalid',
        'response_children',
      );
      await refused(good.replace(status, status + status), 'saml_invalid', 'response_children');
      const error = await refused(good.replace(status, ''), 'saml_invalid', 'response_children');
      expect(error.message).toContain('samlp:Status');
      // Text between the children.
      await refused(good.replace(status, `${status}evil`), 'saml_invalid', 'response_children');
    });

    it('refuses a response signature out of its place, though it still verifies there', async () => {
      const good = signedResponse();
      const signature = SIGNATURE.exec(good)?.[0] as string;
      const moved = good.replace(signature, '').replace('</samlp:Status>', `</samlp:Status>${signature}`);
      await refused(moved, 'saml_invalid', 'response_children', { wantAssertionsSigned: false });
    });
  });

  describe("the Assertion's children (saml-schema-assertion-2.0.xsd, AssertionType)", () => {
    it('refuses a second Subject, Conditions or Issuer, wherever it hides, though the IdP signed it', async () => {
      // A second Subject after the first, and one before it (so it would be the one read first).
      await refused(
        resigned((a) => a.replace('</saml:Subject>', `</saml:Subject>${evilSubject()}`)),
        'saml_invalid',
        'assertion_children',
      );
      await refused(
        resigned((a) => a.replace('<saml:Subject>', `${evilSubject()}<saml:Subject>`)),
        'saml_invalid',
        'assertion_children',
      );
      // A second Conditions, far from the first, naming another audience.
      await refused(
        resigned((a) => {
          const conditions = (CONDITIONS.exec(a) as RegExpExecArray)[0];
          return a.replace(
            '</saml:Assertion>',
            `${conditions.replace(SP_ENTITY_ID, 'https://other-sp.example.com')}</saml:Assertion>`,
          );
        }),
        'saml_invalid',
        'assertion_children',
      );
      // A second Issuer, after the Subject.
      await refused(
        resigned((a) =>
          a.replace('</saml:Subject>', '</saml:Subject><saml:Issuer>https://evil.example.com</saml:Issuer>'),
        ),
        'saml_invalid',
        'assertion_children',
      );
    });

    it('refuses unknown elements in the assertion namespace or any other, and a Subject inside one', async () => {
      for (const extra of [
        '<saml:Evil/>',
        `<saml:Wrapper>${evilSubject()}</saml:Wrapper>`,
        '<x:Note xmlns:x="urn:example:other"/>',
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>',
      ]) {
        await refused(
          resigned((a) => a.replace('<saml:Conditions', `${extra}<saml:Conditions`)),
          'saml_invalid',
          'assertion_children',
        );
      }
    });

    it('refuses Issuer, Signature, Subject and Conditions out of order', async () => {
      // Conditions before Subject.
      await refused(
        resigned((a) => {
          const subject = (SUBJECT.exec(a) as RegExpExecArray)[0];
          const conditions = (CONDITIONS.exec(a) as RegExpExecArray)[0];
          return a.replace(subject + conditions, conditions + subject);
        }),
        'saml_invalid',
        'assertion_children',
      );
      // Subject before Issuer (no Issuer first).
      await refused(
        resigned((a) => {
          const subject = (SUBJECT.exec(a) as RegExpExecArray)[0];
          return a.replace(subject, '').replace('<saml:Issuer>', `${subject}<saml:Issuer>`);
        }),
        'saml_invalid',
        'assertion_children',
      );
      // The IdP's signature moved after the Subject: it still verifies (the enveloped transform
      // removes it wherever it is), and is refused for its place.
      const good = signedAssertionResponse();
      const signature = SIGNATURE.exec(good)?.[0] as string;
      await refused(
        good.replace(signature, '').replace('</saml:Subject>', `</saml:Subject>${signature}`),
        'saml_invalid',
        'assertion_children',
      );
    });

    it('refuses a second Subject in a decrypted assertion', async () => {
      const plaintext = sign(assertionXml().replace('</saml:Subject>', `</saml:Subject>${evilSubject()}`), {
        target: 'Assertion',
        privateKeyPem: idp.privateKeyPem,
      });
      const error = await refused(
        responseXml(encryptAssertion(plaintext, sp.certificatePem)),
        'saml_signature_invalid',
        'encrypted_assertion',
        { decryptionKey: createPrivateKey(sp.privateKeyPem) },
      );
      expect((error.cause as SsoError).details?.reason).toBe('assertion_children');
    });

    it('accepts what the schema allows: statements in any order, Advice, an encrypted assertion', async () => {
      const swapped = resigned((a) => {
        const authn = /<saml:AuthnStatement[\s\S]*?<\/saml:AuthnStatement>/.exec(a)?.[0] as string;
        const attributes = /<saml:AttributeStatement>[\s\S]*?<\/saml:AttributeStatement>/.exec(
          a,
        )?.[0] as string;
        return a.replace(authn + attributes, attributes + authn);
      });
      await expect(validateSamlResponse(b64(swapped), expectations())).resolves.toMatchObject({
        nameId: 'ada@example.com',
        sessionIndex: '_session-1',
      });
      const advised = resigned((a) =>
        a.replace(
          '</saml:Conditions>',
          '</saml:Conditions><saml:Advice><saml:AssertionIDRef>_other</saml:AssertionIDRef></saml:Advice>',
        ),
      );
      await expect(validateSamlResponse(b64(advised), expectations())).resolves.toBeTruthy();
      const encrypted = responseXml(
        encryptAssertion(
          sign(assertionXml(), { target: 'Assertion', privateKeyPem: idp.privateKeyPem }),
          sp.certificatePem,
        ),
      );
      await expect(
        validateSamlResponse(
          b64(encrypted),
          expectations({ decryptionKey: createPrivateKey(sp.privateKeyPem) }),
        ),
      ).resolves.toMatchObject({ nameId: 'ada@example.com' });
    });
  });

  describe('signature transforms: exactly enveloped-signature, then exclusive C14N (saml-core §5.4.4)', () => {
    const ENVELOPED = '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>';
    const EXC = '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>';
    const withTransforms = (transforms: string | undefined) =>
      resignSignedInfo(signedAssertionResponse(), idp.privateKeyPem, (signedInfo) =>
        signedInfo.replace(
          /<ds:Transforms>[\s\S]*?<\/ds:Transforms>/,
          transforms === undefined ? '' : `<ds:Transforms>${transforms}</ds:Transforms>`,
        ),
      );

    it('accepts the pair re-signed as it was (the re-signing helper itself is sound)', async () => {
      await expect(
        validateSamlResponse(b64(withTransforms(ENVELOPED + EXC)), expectations()),
      ).resolves.toBeTruthy();
    });

    it.each([
      ['exclusive C14N only, no enveloped-signature', EXC],
      ['enveloped-signature only, no exclusive C14N', ENVELOPED],
      ['no Transform at all', ''],
      ['no Transforms element', undefined],
      ['the two in the other order', EXC + ENVELOPED],
      ['enveloped-signature twice', ENVELOPED + ENVELOPED + EXC],
      ['exclusive C14N twice', ENVELOPED + EXC + EXC],
    ])('refuses a Reference with %s, though the IdP signed it', async (_, transforms) => {
      await refused(withTransforms(transforms), 'saml_signature_invalid', 'transform_sequence');
    });

    it('refuses anything but ds:Transform inside Transforms', async () => {
      await refused(
        withTransforms(`${ENVELOPED}<ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath>${EXC}`),
        'saml_signature_invalid',
        'transform',
      );
    });
  });
});
