import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CliError } from '../errors.ts';
import { looksLikeSaml, readSamlInput } from './saml-input.ts';

const XML = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a+b/c"/>';
const POSTED = Buffer.from(XML).toString('base64');

describe('readSamlInput', () => {
  it('takes the posted base64, with line breaks', () => {
    expect(readSamlInput(`${POSTED.slice(0, 20)}\n${POSTED.slice(20)}`, 'x')).toEqual({
      base64: POSTED,
      xml: XML,
      binding: 'post',
    });
  });
  it('inflates the HTTP-Redirect binding, from a URL whose parameter is URL-encoded', () => {
    const deflated = deflateRawSync(Buffer.from(XML)).toString('base64');
    const url = `https://app.example.com/acs?RelayState=x&SAMLResponse=${encodeURIComponent(deflated)}&Signature=y`;
    expect(readSamlInput(url, 'x')).toEqual({ base64: POSTED, xml: XML, binding: 'redirect' });
  });
  it("keeps a form body's unencoded '+' as base64", () => {
    const withPlus = Buffer.from(`${XML}>>>`).toString('base64');
    expect(withPlus).toContain('+');
    expect(readSamlInput(`SAMLResponse=${withPlus}`, 'x').binding).toBe('post');
  });
  it('takes the XML itself', () => {
    expect(readSamlInput(`  ${XML}`, 'x')).toEqual({ base64: POSTED, xml: XML, binding: 'xml' });
  });
  it('says what it expected when it is neither', () => {
    expect(() => readSamlInput('not base64!', '--saml-response')).toThrow(CliError);
    expect(() => readSamlInput(Buffer.from('hello world, no xml here').toString('base64'), 'x')).toThrow(
      'the base64 decodes to neither XML nor deflated XML',
    );
  });
  it('tells a SAMLResponse from other text', () => {
    expect(looksLikeSaml(POSTED)).toBe(true);
    expect(looksLikeSaml('a.b.c')).toBe(false);
    expect(looksLikeSaml('short')).toBe(false);
  });
});
