import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSubpaths } from './check-subpaths.ts';

describe('check-subpaths', () => {
  it('passes this repository', () => {
    expect(checkSubpaths(join(import.meta.dirname, '..'))).toEqual([]);
  });

  it('reports documented subpaths missing from an exports map, and skips planned packages', () => {
    const root = mkdtempSync(join(tmpdir(), 'subpaths-'));
    try {
      mkdirSync(join(root, 'packages/storage'), { recursive: true });
      mkdirSync(join(root, 'docs'));
      writeFileSync(
        join(root, 'packages/storage/package.json'),
        JSON.stringify({ name: '@ssokit/storage', exports: { '.': {}, './testkit': {} } }),
      );
      writeFileSync(
        join(root, 'docs/guide.md'),
        'Use `@ssokit/storage`, `@ssokit/storage/testkit`, `@ssokit/storage/kit` and `@ssokit/server` (planned).',
      );
      expect(checkSubpaths(root)).toEqual([{ file: 'docs/guide.md', specifier: '@ssokit/storage/kit' }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
