import { describe, expect, it } from 'vitest';
import { jsonText, palette, printable, printer } from './output.ts';

/** Every character the terminal must never receive raw from outside text. */
const HOSTILE = [
  '\u0000',
  '\u0007',
  '\t',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u061c',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u2028',
  '\u2029',
];
const RAW = new RegExp(`[${HOSTILE.join('')}]`);

describe('printable', () => {
  it('writes C0, DEL, C1, bidi controls and U+2028/9 as \\u{…}, and keeps every other character', () => {
    for (const char of HOSTILE)
      expect(printable(`a${char}b`)).toBe(`a\\u{${char.codePointAt(0)?.toString(16)}}b`);
    expect(printable('x\u001b[2J\u001b]8;;http://evil/\u0007y')).toBe(
      'x\\u{1b}[2J\\u{1b}]8;;http://evil/\\u{7}y',
    );
    expect(printable('José Ñúñez 山田 ✔ 🙂')).toBe('José Ñúñez 山田 ✔ 🙂');
    expect(printable('a'.repeat(10_000))).toHaveLength(10_000);
  });
  it('keeps \\n only in a multi-line block; \\r never', () => {
    expect(printable('a\nb')).toBe('a\\u{a}b');
    expect(printable('a\nb\r\nc', { multiline: true })).toBe('a\nb\\u{d}\nc');
  });
});

describe('the printer', () => {
  const collect = (colour: boolean) => {
    let written = '';
    const out = printer({ write: (s: string) => (written += s) }, palette(colour));
    return { out, text: () => written };
  };

  it('keeps its own colours and escapes any other escape sequence that reaches it', () => {
    const { out, text } = collect(true);
    out.finding('ok', `valid ${'\u001b[8m'}hidden${'\r'}`);
    expect(text()).toBe('\u001b[32m✔\u001b[39m valid \\u{1b}[8mhidden\\u{d}\n');
  });
  it('escapes every escape sequence when colour is off, its own style codes included', () => {
    const { out, text } = collect(false);
    out.field('Subject', 'ada\u001b[32m\u009b2J\u202e');
    expect(text()).toBe('  Subject        ada\\u{1b}[32m\\u{9b}2J\\u{202e}\n');
    expect(text()).not.toMatch(RAW);
  });
});

describe('jsonText', () => {
  it('escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
    const value = { s: `a${HOSTILE.join('')}b`, n: 1 };
    const text = jsonText(value);
    expect(text).not.toMatch(RAW);
    expect(text).toContain('\\u009b');
    expect(text).toContain('\\u202e');
    expect(text).toContain('\\u2028');
    expect(JSON.parse(text)).toEqual(value);
  });
});
