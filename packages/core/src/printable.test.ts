import { describe, expect, it } from 'vitest';
import { printable } from './printable.ts';

describe('printable', () => {
  it('replaces everything outside printable ASCII and bounds the length', () => {
    expect(printable('invalid_grant\r\nX-Injected: 1')).toBe('invalid_grant??X-Injected: 1');
    expect(printable('caf\u00e9 \u202egnp.exe')).toBe('caf? ?gnp.exe');
    expect(printable('x'.repeat(500))).toBe(`${'x'.repeat(200)}…`);
    expect(printable('x'.repeat(81), 80)).toBe(`${'x'.repeat(80)}…`);
    expect(printable('x'.repeat(80), 80)).toBe('x'.repeat(80));
  });
});
