import { describe, expect, it } from 'vitest';
import { at, attribute, childrenOf, indentXml, readXml, textOf } from './xml-tree.ts';

const DOC = `<?xml version="1.0"?><samlp:Response xmlns:samlp="p" ID="_1"><saml:Issuer xmlns:saml="a">https://idp</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:s:Success"/></samlp:Status><saml:Assertion xmlns:saml="a"><saml:AttributeStatement><saml:Attribute Name="groups"><saml:AttributeValue>a &amp; b</saml:AttributeValue><saml:AttributeValue><![CDATA[<c>]]></saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>`;

describe('readXml', () => {
  it('reads elements, attributes, text with entities and CDATA', () => {
    const root = readXml(DOC);
    expect(root?.local).toBe('Response');
    expect(attribute(root as never, 'ID')).toBe('_1');
    expect(textOf(at(root, ['a', 'Issuer']))).toBe('https://idp');
    const values = childrenOf(
      at(root, ['a', 'Assertion'], ['a', 'AttributeStatement'], ['a', 'Attribute']),
      'a',
      'AttributeValue',
    ).map((v) => textOf(v));
    expect(values).toEqual(['a & b', '<c>']);
  });
  it('resolves namespaces by the declarations in scope, default namespaces and redeclarations included', () => {
    const root = readXml(
      '<r xmlns="urn:one" xmlns:x="urn:two"><a/><x:a/><b xmlns="urn:three"><a/></b><x:c xmlns:x="urn:four"/></r>',
    );
    expect(root?.ns).toBe('urn:one');
    expect(childrenOf(root, 'urn:one', 'a')).toHaveLength(1);
    expect(childrenOf(root, 'urn:two', 'a')).toHaveLength(1);
    expect(at(root, ['urn:three', 'b'], ['urn:three', 'a'])).toBeDefined();
    expect(at(root, ['urn:one', 'b'])).toBeUndefined();
    expect(at(root, ['urn:four', 'c'])).toBeDefined();
  });
  it('finds an element only at its place: one of the same name deeper, or in another namespace, is not it', () => {
    const root = readXml(
      '<r xmlns:s="urn:s" xmlns:d="urn:d"><s:A><d:Signature><d:KeyInfo><s:NameID>evil</s:NameID></d:KeyInfo></d:Signature><s:Subject><e:NameID xmlns:e="urn:e">foreign</e:NameID><s:NameID>real</s:NameID></s:Subject></s:A></r>',
    );
    expect(textOf(at(root, ['urn:s', 'A'], ['urn:s', 'Subject'], ['urn:s', 'NameID']))).toBe('real');
    expect(at(root, ['urn:s', 'NameID'])).toBeUndefined();
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
  it('writes control, C1 and bidi characters as character references, and indents the lines of multi-line text', () => {
    const root = readXml(
      '<a><b>x&#13;&#27;[8m&#x9b;2J&#x202e;y</b><c k="1&#10;2">line one\n✔ valid: forged</c></a>',
    );
    expect(indentXml(root as never)).toBe(
      '<a>\n  <b>x&#xD;&#x1B;[8m&#x9B;2J&#x202E;y</b>\n  <c k="1&#xA;2">line one\n    ✔ valid: forged</c>\n</a>',
    );
  });
});
