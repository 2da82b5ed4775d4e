import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ssoErrorCodes } from '@ssokit/core';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('docs/errors.md', () => {
  it('has exactly one anchor per error code, in the order of ssoErrorCodes', () => {
    const text = readFileSync(join(root, 'docs/errors.md'), 'utf8');
    const anchors = [...text.matchAll(/^### ([a-z_]+)$/gm)].map((m) => m[1]);
    expect(anchors).toEqual([...ssoErrorCodes]);
  });
});
