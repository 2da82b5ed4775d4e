import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './suggest.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions, and a swap of neighbours as one', () => {
    expect(editDistance('doctor', 'doctor')).toBe(0);
    expect(editDistance('doctr', 'doctor')).toBe(1);
    expect(editDistance('doctro', 'doctor')).toBe(1);
    expect(editDistance('kegen', 'keygen')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('migrate', 'decode')).toBeGreaterThan(3);
  });
});

describe('didYouMean', () => {
  const commands = ['doctor', 'test', 'keygen', 'sp-metadata', 'decode', 'migrate', 'secret'];
  it('finds typos, ignoring case', () => {
    expect(didYouMean('doctr', commands)).toBe('doctor');
    expect(didYouMean('DECODE', commands)).toBe('decode');
    expect(didYouMean('spmetadata', commands)).toBe('sp-metadata');
    expect(didYouMean('base-ulr', ['base-url', 'base-path'])).toBe('base-url');
  });
  it('suggests nothing for a word that is far from all, or a prefix of several', () => {
    expect(didYouMean('deploy', commands)).toBeUndefined();
    expect(didYouMean('x', commands)).toBeUndefined();
    expect(didYouMean('base', ['base-url', 'base-path'])).toBeUndefined();
  });
  it('completes a prefix of exactly one word', () => {
    expect(didYouMean('sp-meta', commands)).toBe('sp-metadata');
  });
});
