import { describe, expect, it } from 'vitest';
import { foldCase, isAscii } from './fold.ts';

describe('foldCase', () => {
  it('lowercases ASCII letters and leaves any name with another character as it is', () => {
    expect(foldCase('ML-Engineers_42')).toBe('ml-engineers_42');
    for (const lookAlike of ['\u212A8s-admin', '\u017Fre', '\u0130NFRA', 'Ädmins'])
      expect(foldCase(lookAlike)).toBe(lookAlike);
    expect(isAscii('admins')).toBe(true);
    expect(isAscii('\u212A')).toBe(false);
  });
});
