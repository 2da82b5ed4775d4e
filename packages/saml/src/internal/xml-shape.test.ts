import { describe, expect, it } from 'vitest';
import { PROTOCOL_SHAPE, shapeProblem } from './xml-shape.ts';

const limits = { maxElements: 10, maxDepth: 3, maxAttributes: 5 };

describe('shapeProblem', () => {
  it('counts elements, depth and attributes of well-formed documents', () => {
    expect(shapeProblem('<a><b/><c x="1" y="2"><d/></c></a>', limits)).toBeUndefined();
    expect(shapeProblem(`<r>${'<a/>'.repeat(10)}</r>`, limits)).toBe('more than 10 elements');
    expect(shapeProblem('<a><b><c><d/></c></b></a>', limits)).toBeUndefined();
    expect(shapeProblem('<a><b><c><d></d></c></b></a>', limits)).toBe('elements nested more than 3 deep');
    expect(shapeProblem('<a p="1" q="2" r="3"><b s="4" t="5" u="6"/></a>', limits)).toBe(
      'more than 5 attributes',
    );
  });

  it('is not fooled by quoted ">" and "=", comments, CDATA or the XML declaration', () => {
    expect(shapeProblem('<?xml version="1.0"?><a x="1 > 2 = 3" y=\'>\'><b/></a>', limits)).toBeUndefined();
    expect(shapeProblem('<a><!-- <b><c><d><e> --><![CDATA[<b><c><d><e>]]></a>', limits)).toBeUndefined();
    // Siblings closed one after the other never deepen.
    expect(shapeProblem(`<a>${'<b></b>'.repeat(9)}</a>`, limits)).toBeUndefined();
  });

  it('leaves malformed text to the parser instead of guessing', () => {
    expect(shapeProblem('<a><!-- never closed', limits)).toBeUndefined();
    expect(shapeProblem('<a x="unterminated><b/>', limits)).toBeUndefined();
  });

  it('refuses the attack shapes of the review at the protocol limits, in one pass', () => {
    expect(shapeProblem(`<r>${'<a/>'.repeat(95_000)}</r>`, PROTOCOL_SHAPE)).toBe('more than 5000 elements');
    expect(shapeProblem(`${'<a>'.repeat(54_000)}${'</a>'.repeat(54_000)}`, PROTOCOL_SHAPE)).toBe(
      'elements nested more than 64 deep',
    );
    const manyAttributes = `<r ${Array.from({ length: 15_000 }, (_, i) => `a${i}="x"`).join(' ')}/>`;
    expect(shapeProblem(manyAttributes, PROTOCOL_SHAPE)).toBe('more than 10000 attributes');
  });
});
