import { describe, expect, it } from 'vitest';
import { PROTOCOL_SHAPE, shapeProblem } from './xml-shape.ts';

const limits = { maxNodes: 10, maxDepth: 3, maxAttributes: 5, maxAttributesPerElement: 3 };

describe('shapeProblem', () => {
  it('counts nodes, depth and attributes of well-formed documents', () => {
    expect(shapeProblem('<a><b/><c x="1" y="2"><d/></c></a>', limits)).toBeUndefined();
    expect(shapeProblem(`<r>${'<a/>'.repeat(10)}</r>`, limits)).toBe('more than 10 nodes');
    expect(shapeProblem('<a><b><c><d/></c></b></a>', limits)).toBeUndefined();
    expect(shapeProblem('<a><b><c><d></d></c></b></a>', limits)).toBe('elements nested more than 3 deep');
    expect(shapeProblem('<a p="1" q="2" r="3"><b s="4" t="5" u="6"/></a>', limits)).toBe(
      'more than 5 attributes',
    );
    expect(shapeProblem('<a p="1" q="2" r="3" s="4"/>', limits)).toBe(
      'an element with more than 3 attributes',
    );
    // Siblings closed one after the other never deepen.
    expect(shapeProblem(`<a>${'<b></b>'.repeat(9)}</a>`, limits)).toBeUndefined();
  });

  it('reads quoted ">" and "=", comments, CDATA and the XML declaration as they are', () => {
    expect(shapeProblem('<?xml version="1.0"?><a x="1 > 2 = 3" y=\'>\'><b/></a>', limits)).toBeUndefined();
    expect(shapeProblem('<a><!-- <b><c><d><e> --><![CDATA[<b><c><d><e>]]></a>', limits)).toBeUndefined();
    expect(shapeProblem('<a>1 &lt; 2 &amp;&amp; 3 > 2</a>', limits)).toBeUndefined();
    expect(
      shapeProblem('<saml:Attribute\n\tName="groups"\r\n  x:y = \'z\' ></saml:Attribute>', limits),
    ).toBeUndefined();
  });

  it('counts comments, processing instructions and CDATA sections as nodes', () => {
    expect(shapeProblem(`<r>${'<!---->'.repeat(10)}</r>`, limits)).toBe('more than 10 nodes');
    expect(shapeProblem(`${'<?pi?>'.repeat(11)}<r/>`, limits)).toBe('more than 10 nodes');
    expect(shapeProblem(`<r>${'<![CDATA[x]]>'.repeat(10)}</r>`, limits)).toBe('more than 10 nodes');
  });

  it('fails closed on markup it cannot read exactly, instead of guessing differently from the parser', () => {
    for (const xml of [
      "<r '>", // a stray quote: read as an attribute quote, it would hide everything after it
      '<r a="x<y"/>',
      '<r a=x/>',
      '<r a="1"b="2"/>',
      '<r a/>',
      '<a><!-- never closed',
      '<a x="unterminated><b/>',
      '<a></a<b>',
      '< a/>',
      '<!DOCTYPE a><a/>',
    ])
      expect(shapeProblem(xml, limits), xml).toMatch(/unreadable|unterminated|declaration/);
  });

  it('refuses the attack shapes of both reviews at the protocol limits, in one pass', () => {
    expect(shapeProblem(`<r>${'<a/>'.repeat(95_000)}</r>`, PROTOCOL_SHAPE)).toBe('more than 5000 nodes');
    expect(shapeProblem(`${'<a>'.repeat(54_000)}${'</a>'.repeat(54_000)}`, PROTOCOL_SHAPE)).toBe(
      'elements nested more than 64 deep',
    );
    expect(shapeProblem(`<r '>${'<a/>'.repeat(98_000)}'/>`, PROTOCOL_SHAPE)).toBe('unreadable markup');
    expect(shapeProblem(`${'<!---->'.repeat(56_000)}<r/>`, PROTOCOL_SHAPE)).toBe('more than 5000 nodes');
    const prefixes = Array.from({ length: 4900 }, (_, i) => `xmlns:p${i}="urn:x:${i}" p${i}:a="1"`).join(' ');
    expect(shapeProblem(`<r ${prefixes}/>`, PROTOCOL_SHAPE)).toBe('an element with more than 64 attributes');
    const spread = `<r>${Array.from({ length: 200 }, () => `<a ${Array.from({ length: 60 }, (_, i) => `b${i}="1"`).join(' ')}/>`).join('')}</r>`;
    expect(shapeProblem(spread, PROTOCOL_SHAPE)).toBe('more than 10000 attributes');
  });
});
