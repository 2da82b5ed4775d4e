/**
 * Arbitrary bytes, base64 and XML never crash or hang validation: every failure is a typed SsoError.
 */
import { SsoError } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import fc from 'fast-check';
import { makeCertificate, type TestKeyPair } from 'ssokit-test-fixtures/keys';
import { ACS_URL, IDP_ENTITY_ID, SP_ENTITY_ID } from 'ssokit-test-fixtures/saml-idp';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseIdpMetadata, validateSamlResponse } from '../src/index.ts';
import { assertionXml, responseXml, sign } from './helpers/forge.ts';
import { idpKeysFor } from './helpers/idp-keys.ts';

let idp: TestKeyPair;
let valid: string;
beforeAll(async () => {
  idp = await makeCertificate('idp.example.com');
  valid = responseXml(sign(assertionXml(), { target: 'Assertion', privateKeyPem: idp.privateKeyPem }));
}, 30_000);

const expectations = () => ({
  idpEntityId: IDP_ENTITY_ID,
  idpKeys: idpKeysFor(idp.certificateBase64),
  spEntityId: SP_ENTITY_ID,
  acsUrl: ACS_URL,
  requestId: '_req-1',
  replay: memoryStorage().replay,
});

const codes = ['saml_invalid', 'saml_signature_invalid', 'saml_replay', 'idp_error'];

describe('fuzzing SAML responses', () => {
  it('arbitrary strings and base64 of arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('base64')),
        ),
        async (input) => {
          const error = await validateSamlResponse(input, expectations()).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(SsoError);
          expect(codes).toContain((error as SsoError).code);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a valid response mutated at random places: typed errors, and never a different NameID', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.string({ maxLength: 20 }),
        fc.nat({ max: 40 }),
        async (position, insert, cut) => {
          const at = position % valid.length;
          const mutated = valid.slice(0, at) + insert + valid.slice(at + cut);
          const outcome = await validateSamlResponse(
            Buffer.from(mutated).toString('base64'),
            expectations(),
          ).catch((e: unknown) => e);
          if (outcome instanceof SsoError) expect(codes).toContain(outcome.code);
          else expect((outcome as { nameId: string }).nameId).toBe('ada@example.com');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('arbitrary XML-ish metadata gives ConfigErrors or a result, never a crash', () => {
    const tag = fc.constantFrom(
      'md:EntityDescriptor',
      'md:IDPSSODescriptor',
      'md:KeyDescriptor',
      'x',
      'md:SingleSignOnService',
    );
    const xmlish = fc
      .array(
        fc.oneof(
          tag.map((t) => `<${t} xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">`),
          tag.map((t) => `</${t}>`),
          fc.string(),
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(xmlish, (xml) => {
        try {
          parseIdpMetadata(xml);
        } catch (error) {
          expect(error).toBeInstanceOf(SsoError);
          expect((error as SsoError).code).toBe('config_invalid');
        }
      }),
      { numRuns: 500 },
    );
  });
});
