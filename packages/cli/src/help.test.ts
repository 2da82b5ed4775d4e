import { describe, expect, it } from 'vitest';
import { wrap } from './help.ts';

describe('wrap', () => {
  it('gives every line the same text width, continuation lines after the indent', () => {
    const text =
      'OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_AUTH_METHOD, OIDC_SECRET, LOCAL_RESTORE; HOST is the base URL.';
    const lines = wrap(text, 40, 24).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const [i, line] of lines.entries()) {
      const body = i === 0 ? line : line.slice(24);
      if (i > 0) expect(line.startsWith(' '.repeat(24))).toBe(true);
      expect(body.length).toBeLessThanOrEqual(40);
    }
    // Not wrapped narrower than asked: each line but the last could not take the next word.
    for (let i = 0; i < lines.length - 1; i++) {
      const body = (lines[i] as string).trimStart();
      const next = (lines[i + 1] as string).trimStart().split(' ')[0] as string;
      expect(body.length + 1 + next.length).toBeGreaterThan(40);
    }
  });
});
