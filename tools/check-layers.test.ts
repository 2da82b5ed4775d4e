import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLayers, importsOf } from './check-layers.ts';

let root = '';
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const pkg = (folder: string, extra: Record<string, unknown> = {}) =>
  write(
    `packages/${folder}/package.json`,
    JSON.stringify({
      name: `@ssokit/${folder}`,
      exports: { '.': './src/index.ts', './testkit': './src/testkit.ts' },
      ...extra,
    }),
  );

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = '';
});

function tree() {
  root = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const p of ['core', 'storage', 'oidc', 'server']) pkg(p);
}

describe('check-layers', () => {
  it('passes this repository', () => {
    expect(checkLayers(join(import.meta.dirname, '..'))).toEqual([]);
  });

  it('accepts imports along the direction of DESIGN.md', () => {
    tree();
    pkg('server', { dependencies: { '@ssokit/core': 'workspace:^', '@ssokit/oidc': 'workspace:^' } });
    write(
      'packages/server/src/index.ts',
      "import { x } from '@ssokit/oidc';\nimport type { Y } from '@ssokit/core';\n",
    );
    write(
      'packages/oidc/src/a.ts',
      "import type { SsoStorage } from '@ssokit/storage';\nimport { y } from './b.ts';\n",
    );
    write('packages/storage/src/t.test.ts', "import { z } from '@ssokit/storage/testkit';\n");
    expect(checkLayers(root)).toEqual([]);
  });

  it('refuses an upward import in source and in package.json', () => {
    tree();
    pkg('core', { dependencies: { '@ssokit/server': 'workspace:^' } });
    write('packages/core/src/index.ts', "import { createSso } from '@ssokit/server';\n");
    const messages = checkLayers(root).map((v) => `${v.file}: ${v.message}`);
    expect(messages).toEqual([
      expect.stringMatching(
        /^packages\/core\/package\.json: @ssokit\/core must not depend on @ssokit\/server/,
      ),
      expect.stringMatching(
        /^packages\/core\/src\/index\.ts: @ssokit\/core must not import @ssokit\/server; allowed: no @ssokit package/,
      ),
    ]);
  });

  it('allows only type imports where the table says so', () => {
    tree();
    write('packages/oidc/src/a.ts', "import { memoryStorage } from '@ssokit/storage';\n");
    expect(checkLayers(root).map((v) => v.message)).toEqual([
      expect.stringContaining('only `import type` is allowed here'),
    ]);
  });

  it('refuses deep imports, relative escapes, dynamic imports and unknown packages', () => {
    tree();
    write(
      'packages/server/src/a.ts',
      [
        "import { x } from '@ssokit/core/src/internal/assert.ts';",
        "import { y } from '../../core/src/index.ts';",
        "const z = await import('@ssokit/express');",
        "export { w } from '@ssokit/ghost';",
      ].join('\n'),
    );
    const messages = checkLayers(root).map((v) => v.message);
    expect(messages).toEqual([
      expect.stringContaining('"@ssokit/core/src/internal/assert.ts" is not in the exports map'),
      expect.stringContaining('relative import "../../core/src/index.ts" leaves packages/server'),
      expect.stringContaining('imports @ssokit/express, which is not a package of this workspace'),
      expect.stringContaining('imports @ssokit/ghost'),
    ]);
  });

  it('refuses packages missing from the table, and fixtures outside tests', () => {
    tree();
    pkg('mystery');
    write('packages/core/src/index.ts', "import { x } from 'ssokit-test-fixtures';\n");
    write('packages/core/src/index.test.ts', "import { x } from 'ssokit-test-fixtures';\n");
    const messages = checkLayers(root).map((v) => v.message);
    expect(messages).toEqual([
      expect.stringContaining('only tests may import ssokit-test-fixtures'),
      expect.stringContaining('packages/mystery is not in the layer table'),
    ]);
  });

  it('lets tests use dev-idp and refuses it at runtime', () => {
    tree();
    pkg('dev-idp');
    pkg('server', { devDependencies: { '@ssokit/dev-idp': 'workspace:^' } });
    write('packages/server/test/login.test.ts', "import { startDevIdp } from '@ssokit/dev-idp';\n");
    expect(checkLayers(root)).toEqual([]);
    write('packages/server/src/index.ts', "import { startDevIdp } from '@ssokit/dev-idp';\n");
    expect(checkLayers(root).map((v) => v.message)).toEqual([
      expect.stringContaining('must not import @ssokit/dev-idp'),
    ]);
  });

  it("lets an adapter's tests use the layers below the server, never its source", () => {
    tree();
    pkg('express', {
      dependencies: { '@ssokit/server': 'workspace:^' },
      devDependencies: { '@ssokit/storage': 'workspace:^' },
    });
    write('packages/express/test/app.test.ts', "import { memoryStorage } from '@ssokit/storage';\n");
    write('packages/express/src/index.ts', "import { createSso } from '@ssokit/server';\n");
    expect(checkLayers(root)).toEqual([]);
    write('packages/express/src/index.ts', "import { memoryStorage } from '@ssokit/storage';\n");
    pkg('express', { dependencies: { '@ssokit/storage': 'workspace:^' } });
    expect(checkLayers(root).map((v) => v.message)).toEqual([
      expect.stringContaining('must not depend on @ssokit/storage (dependencies)'),
      expect.stringContaining('must not import @ssokit/storage'),
    ]);
  });

  it('keeps examples on public entry points', () => {
    tree();
    write(
      'examples/express/src/app.ts',
      "import { a } from '@ssokit/server';\nimport { b } from '@ssokit/server/src/router.ts';\nimport { c } from '../../../packages/core/src/index.ts';\n",
    );
    expect(checkLayers(root).map((v) => v.message)).toEqual([
      expect.stringContaining('"@ssokit/server/src/router.ts" is not a public entry point'),
      expect.stringContaining('examples import packages by name'),
    ]);
  });

  it('reads specifiers of every import form, ignoring comments', () => {
    const found = importsOf(`
      import a from 'a';
      import type { B } from "b";
      import 'side-effect';
      export * from 'c';
      export type { D } from 'd';
      const e = await import('e');
      const f = require("f");
      // import g from 'g';
      /* import h from 'h'; */
      const url = 'https://example.com/x'; import i from 'i';
    `);
    expect(found).toEqual([
      { specifier: 'a', typeOnly: false },
      { specifier: 'b', typeOnly: true },
      { specifier: 'side-effect', typeOnly: false },
      { specifier: 'c', typeOnly: false },
      { specifier: 'd', typeOnly: true },
      { specifier: 'e', typeOnly: false },
      { specifier: 'f', typeOnly: false },
      { specifier: 'i', typeOnly: false },
    ]);
  });
});
