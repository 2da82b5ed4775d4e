import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExportedValue,
  entryPoints,
  exampleProblems,
  exportedValues,
  figures,
  type PendingList,
} from './docs-exports.ts';

const root = join(import.meta.dirname, '..');
const fence = '```';

describe('every exported value of the published packages has an @example', () => {
  const pendingFile = JSON.parse(readFileSync(join(root, 'tools/docs-exports-pending.json'), 'utf8')) as {
    pending: PendingList;
  };
  let values: ExportedValue[] = [];
  beforeAll(() => {
    values = exportedValues(root, entryPoints(root));
  }, 60_000);

  it('reads every public entry point of the exports maps', () => {
    const specifiers = entryPoints(root).map((e) => e.specifier);
    expect(specifiers).toContain('@ssokit/core');
    expect(specifiers).toContain('@ssokit/server/node');
    expect(specifiers).toContain('@ssokit/storage/testkit');
    // The schemas are JSON subpaths: no source, nothing to document by JSDoc.
    expect(specifiers.some((s) => s.endsWith('.json'))).toBe(false);
    expect(values.length).toBeGreaterThan(100);
  });

  it('are the entry points typedoc.json documents (the API reference leaves none out)', () => {
    const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as {
      entryPoints: string[];
      packagesRequiringDocumentation: string[];
    };
    const entries = entryPoints(root);
    expect([...typedoc.entryPoints].sort()).toEqual(entries.map((e) => relative(root, e.file)).sort());
    // TypeDoc reports undocumented exports of these packages only.
    const packages = new Set(entries.map((e) => e.specifier.split('/').slice(0, 2).join('/')));
    expect([...typedoc.packagesRequiringDocumentation].sort()).toEqual([...packages].sort());
  });

  it('has an example for each, except the ones the pending list names (and none it names needlessly)', () => {
    const problems = exampleProblems(values, pendingFile.pending);
    const totals = [...figures(values)].map(([entry, f]) => `${entry} ${f.withExample}/${f.total}`);
    expect(problems, `Values with an example, by entry point: ${totals.join(', ')}`).toEqual([]);
  });
});

describe('docs-exports: what counts as documented', () => {
  let fixture = '';
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(fixture, path)), { recursive: true });
    writeFileSync(join(fixture, path), text);
  };
  beforeAll(() => {
    fixture = mkdtempSync(join(tmpdir(), 'ssokit-docs-exports-'));
    write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext' } }));
    write(
      'packages/demo/package.json',
      JSON.stringify({
        name: '@demo/pkg',
        exports: {
          '.': { 'dev-source': './src/index.ts', import: './dist/index.js' },
          './extra': { 'dev-source': './src/extra.ts', import: './dist/extra.js' },
          './schema.json': './schema.json',
          './package.json': './package.json',
        },
      }),
    );
    write(
      'packages/private/package.json',
      JSON.stringify({ name: 'hidden', private: true, exports: { '.': { 'dev-source': './src/index.ts' } } }),
    );
    write(
      'packages/demo/src/things.ts',
      [
        `/**\n * Documented.\n *\n * @example\n * ${fence}ts\n * documented();\n * ${fence}\n */`,
        'export function documented(): void {}',
        '/** Summary only. */',
        'export function bare(): void {}',
        '/**\n * An example in prose, never compiled.\n *\n * @example\n * bareProse(1);\n */',
        'export function bareProse(n: number): number { return n; }',
        `/**\n * @example\n * ${fence}typescript\n * new Widget();\n * ${fence}\n */`,
        'export class Widget {}',
        '/** A constant. */',
        'export const LIMIT = 10;',
        '/** Types need no example. */',
        'export interface Options { a: number }',
        'export type Mode = "a" | "b";',
      ].join('\n'),
    );
    write(
      'packages/demo/src/index.ts',
      "export { bare, bareProse, documented, LIMIT, type Mode, type Options, Widget } from './things.ts';\n",
    );
    write('packages/demo/src/extra.ts', "export { LIMIT as MAX } from './things.ts';\n");
  });
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  it('lists values only, under each entry point, an example counting only with a ts fence', () => {
    const entries = entryPoints(fixture);
    expect(entries.map((e) => e.specifier)).toEqual(['@demo/pkg', '@demo/pkg/extra']);
    const listed = exportedValues(fixture, entries).map((v) => [v.entry, v.name, v.kind, v.hasExample]);
    expect(listed).toEqual([
      ['@demo/pkg', 'bare', 'function', false],
      ['@demo/pkg', 'bareProse', 'function', false],
      ['@demo/pkg', 'documented', 'function', true],
      ['@demo/pkg', 'LIMIT', 'const', false],
      ['@demo/pkg', 'Widget', 'class', true],
      ['@demo/pkg/extra', 'MAX', 'const', false],
    ]);
  });

  it('reports a missing example off the list with its file and line, and stale list entries', () => {
    const values = exportedValues(fixture, entryPoints(fixture));
    const problems = exampleProblems(values, {
      '@demo/pkg': ['bare', 'bareProse', 'documented', 'gone'],
      '@demo/pkg/extra': ['MAX'],
    });
    const text = readFileSync(join(fixture, 'packages/demo/src/things.ts'), 'utf8');
    const line = text.split('\n').indexOf('export const LIMIT = 10;') + 1;
    expect(problems).toEqual([
      `packages/demo/src/things.ts:${line}: const LIMIT (exported by @demo/pkg) has no @example with a ${fence}ts block.`,
      'pending list: @demo/pkg documented has an @example now: remove it from the list.',
      'pending list: @demo/pkg exports no value "gone" (any more): remove it from the list.',
    ]);
  });
});
