import { SsoError } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import fc from 'fast-check';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { ACS_URL, IDP_ENTITY_ID, SP_ENTITY_ID } from 'ssokit-test-fixtures/saml-idp';
import { describe, expect, it } from 'vitest';
import { assertionXml, b64, responseXml } from '../test/helpers/forge.ts';
import { validateSamlResponse } from './response.ts';
import { peekSamlResponse } from './response-peek.ts';

const peekRefused = (input: unknown, reason: string, options = {}) =>
  expectRefusal((async () => peekSamlResponse(input as string, options))(), 'saml_invalid', reason);

const PROTOCOL = 'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"';
const ASSERTION = 'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"';

describe('peekSamlResponse reads the routing facts', () => {
  it('reads ID, Issuer, InResponseTo, IssueInstant, Destination and the audiences, signed or not', () => {
    const xml = responseXml(assertionXml({ requestId: '_req-9' }), {
      responseId: '_resp-1',
      requestId: '_req-9',
    });
    const peek = peekSamlResponse(b64(xml));
    expect(peek).toMatchObject({
      id: '_resp-1',
      issuer: IDP_ENTITY_ID,
      inResponseTo: '_req-9',
      destination: ACS_URL,
      audiences: [SP_ENTITY_ID],
      encryptedAssertion: false,
    });
    expect(peek.issueInstant).toBeInstanceOf(Date);
    expect(Math.abs((peek.issueInstant as Date).getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("falls back to the assertion's Issuer and bearer InResponseTo, and lists every audience", () => {
    const assertion = assertionXml({ issuer: 'https://idp.other.example', requestId: '_req-2' }).replace(
      '</saml:AudienceRestriction>',
      '</saml:AudienceRestriction><saml:AudienceRestriction><saml:Audience>urn:second</saml:Audience><saml:Audience>urn:third</saml:Audience></saml:AudienceRestriction>',
    );
    const xml =
      `<samlp:Response ${PROTOCOL} ${ASSERTION} ID="_r" Version="2.0" IssueInstant="2024-05-01T10:00:00Z">` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertion}</samlp:Response>`;
    const peek = peekSamlResponse(b64(xml));
    expect(peek.issuer).toBe('https://idp.other.example');
    expect(peek.inResponseTo).toBe('_req-2');
    expect(peek.issueInstant?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(peek.destination).toBeUndefined();
    expect(peek.audiences).toEqual([SP_ENTITY_ID, 'urn:second', 'urn:third']);
  });

  it('reports an unsolicited response (no InResponseTo anywhere) and an IssueInstant that is no time', () => {
    const xml = responseXml(assertionXml())
      .replace(/ InResponseTo="[^"]*"/g, '')
      .replace(/(<samlp:Response[^>]*) IssueInstant="[^"]*"/, '$1 IssueInstant="yesterday"');
    const peek = peekSamlResponse(b64(xml));
    expect(peek.inResponseTo).toBeUndefined();
    expect(peek.issueInstant).toBeUndefined();
    expect(peek.issuer).toBe(IDP_ENTITY_ID);
  });

  it('reads no assertion when it is encrypted, or when there are several', () => {
    const encrypted = responseXml(
      `<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>`,
    );
    expect(peekSamlResponse(b64(encrypted))).toMatchObject({ encryptedAssertion: true, audiences: [] });
    const two = responseXml(assertionXml() + assertionXml({ audience: 'urn:evil' }));
    expect(peekSamlResponse(b64(two))).toMatchObject({ issuer: IDP_ENTITY_ID, audiences: [] });
  });
});

describe('peekSamlResponse refuses what the validator refuses, as saml_invalid', () => {
  const response = responseXml(assertionXml());
  const cases: [string, unknown, string][] = [
    ['empty', '', 'empty'],
    ['not a string', undefined, 'empty'],
    ['not base64', '<samlp:Response/>', 'base64'],
    ['not XML', b64('hello, world'), 'malformed'],
    ['truncated XML', b64(response.slice(0, response.length / 2)), 'malformed'],
    ['a DOCTYPE', b64(`<!DOCTYPE r [<!ENTITY e "x">]>${response}`), 'dtd'],
    ['an entity declaration', b64(`<!ENTITY e SYSTEM "file:///etc/passwd">${response}`), 'dtd'],
    // xmldom itself refuses a second root element, before parseXml's own check.
    ['two roots', b64(response + response.replace(/ID="/g, 'ID="x')), 'malformed'],
    ['a processing instruction', b64(`<?evil x?>${response}`), 'pi'],
    [
      'a comment inside a value',
      b64(response.replace(`>${IDP_ENTITY_ID}<`, `>${IDP_ENTITY_ID}<!---->.evil<`)),
      'comment',
    ],
    ['another message', b64(`<samlp:AuthnRequest ${PROTOCOL} ID="_a"/>`), 'not_response'],
    [
      'two Response issuers',
      b64(response.replace('</saml:Issuer>', '</saml:Issuer><saml:Issuer>x</saml:Issuer>')),
      'duplicate_element',
    ],
  ];
  it.each(cases)('%s', async (_name, input, reason) => {
    await peekRefused(input, reason);
  });

  it('bounds the input before decoding it: the default is the validator’s, and it can be lowered', async () => {
    const huge = 'A'.repeat(512 * 1024 + 4);
    await peekRefused(huge, 'size');
    await expectRefusal(
      validateSamlResponse(huge, {
        idpEntityId: IDP_ENTITY_ID,
        idpKeys: [],
        spEntityId: SP_ENTITY_ID,
        acsUrl: ACS_URL,
        requestId: null,
        replay: memoryStorage().replay,
      }),
      'saml_invalid',
      'size',
    );
    await peekRefused(b64(response), 'size', { maxLength: 100 });
  });

  it('never crashes: arbitrary strings and bytes are read or refused with saml_invalid', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 1000 }).map((bytes) => Buffer.from(bytes).toString('base64')),
          fc.string().map((text) => b64(`<samlp:Response ${PROTOCOL}>${text}</samlp:Response>`)),
        ),
        (input) => {
          try {
            peekSamlResponse(input);
          } catch (error) {
            expect(error).toBeInstanceOf(SsoError);
            expect((error as SsoError).code).toBe('saml_invalid');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
