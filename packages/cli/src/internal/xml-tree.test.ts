import { describe, expect, it } from 'vitest';
import { attribute, childrenNamed, find, indentXml, readXml, textOf } from './xml-tree.ts';

const DOC = `<?xml version="1.0"?><samlp:Response xmlns:samlp="p" ID="_1"><saml:Issuer xmlns:saml="a">https://idp</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:s:Success"/></samlp:Status><saml:Assertion xmlns:saml="a"><saml:AttributeStatement><saml:Attribute Name="groups"><saml:AttributeValue>a &amp; b</saml:AttributeValue><saml:AttributeValue><![CDATA[<c>]]></saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>`;

describe('readXml', () => {
  it('reads elements, attributes, text with entities and CDATA', () => {
    const root = readXml(DOC);
    expect(root?.local).toBe('Response');
    expect(attribute(root as never, 'ID')).toBe('_1');
    expect(textOf(find(root as never, 'Issuer'))).toBe('https://idp');
    const values = childrenNamed(find(root as never, 'Attribute') as never, 'AttributeValue').map((v) =>
      textOf(v),
    );
    expect(values).toEqual(['a & b', '<c>']);
  });
  it('gives up on what is not well-formed', () => {
    expect(readXml('<a><b></a></b>')).toBeUndefined();
    expect(readXml('<a></a><b/>')).toBeUndefined();
    expect(readXml('<a>')).toBeUndefined();
    expect(readXml('<a>x < y</a>')).toBeUndefined();
  });
});

describe('indentXml', () => {
  it('indents two spaces a level, text inline, escaped again, long text cut when asked', () => {
    const root = readXml('<a x="1&quot;"><b>t &lt; u</b><c/><d>0123456789</d></a>');
    expect(indentXml(root as never)).toBe(
      '<a x="1&quot;">\n  <b>t &lt; u</b>\n  <c/>\n  <d>0123456789</d>\n</a>',
    );
    expect(indentXml(root as never, 4)).toContain('<d>0123… (10 characters)</d>');
  });
});
