import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExampleSources, type ExampleFailure, markdownBlocks, sourceBlocks } from './check-examples.ts';

const root = join(import.meta.dirname, '..');
const fence = '```';
const md = (...blocks: string[]) =>
  blocks.map((b) => `Some prose.\n\n${fence}ts\n${b}\n${fence}\n`).join('\n');

describe('check-examples: extraction', () => {
  it('reads ts and typescript fences of markdown, with the line of each fence and opt-outs', () => {
    const text = [
      '# Title', //                                    1
      `${fence}ts`, //                                 2
      'const a = 1;', //                               3
      fence, //                                        4
      `${fence}sh`, //                                 5
      'pnpm add @ssokit/core', //                      6
      fence, //                                        7
      `  ${fence}typescript`, //                       8 (in a list item)
      '  const b = 2;', //                             9
      `  ${fence}`, //                                 10
      `${fence}ts nocheck`, //                         11
      'pseudo code', //                                12
      fence, //                                        13
      `${fence}ts`, //                                 14
      '// not compiled: the shape of a plugin', //     15
      fence, //                                        16
    ].join('\n');
    expect(markdownBlocks('docs/x.md', text)).toEqual([
      { file: 'docs/x.md', line: 2, index: 1, code: 'const a = 1;' },
      { file: 'docs/x.md', line: 8, index: 2, code: 'const b = 2;' },
      { file: 'docs/x.md', line: 11, index: 3, code: 'pseudo code', skipped: 'nocheck' },
      {
        file: 'docs/x.md',
        line: 14,
        index: 4,
        code: '// not compiled: the shape of a plugin',
        skipped: 'the shape of a plugin',
      },
    ]);
  });

  it('reads fences inside JSDoc only, without the leading " * "', () => {
    const text = [
      '/**', //                          1
      ' * Summary.', //                  2
      ' *', //                           3
      ' * @example', //                  4
      ` * ${fence}ts`, //                5
      " * f('x');", //                   6
      ' *   indented();', //             7
      ` * ${fence}`, //                  8
      ' */', //                          9
      'export function f(x: string) {}', // 10
      `// ${fence}ts`, //                11 (not JSDoc)
      '// g();', //                      12
      `// ${fence}`, //                  13
    ].join('\n');
    expect(sourceBlocks('packages/core/src/f.ts', text)).toEqual([
      { file: 'packages/core/src/f.ts', line: 5, index: 1, code: "f('x');\n  indented();" },
    ]);
  });
});

describe('check-examples: typechecking', () => {
  const right = md(
    // Free names (`connection`, `claims`, `app`) are fine; a callback handed to an untyped `app` too.
    `import { completeLogin } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';

const storage = memoryStorage();
const result = await completeLogin(
  { connection, identity: { issuer: 'https://idp.example.com', subject: '42' }, claims },
  { store: storage.login, roles: { roleDefinitions: [{ name: 'admins' }] } },
);
result.user.id;
app.get('/me', (req, res) => res.json(req.sso));`,
    // The body of a handler: it returns, imports the reader's own module, and elides options.
    `import { createSso } from '@ssokit/server';
import { myStorage } from './my-storage.ts';

const sso = createSso({
  // ...
  storage: myStorage(pool),
});
return sso.handle(request);`,
    // A package's export used without an import is imported, and checked.
    'const matcher = compileRoleMatcher({ roleDefinitions: [{ name: "admins" }] });',
  );
  const wrong = md(
    `import { completeLogin } from '@ssokit/core';

await completeLogin({ connection, identity, claims }, { store: storage.users });`,
    `import { keysFromCerts } from '@ssokit/saml';`,
    `import { idpSigningKeys } from '@ssokit/saml';

const keys = idpSigningKeys(idp.certificates);`,
    `import { memoryStorage } from '@ssokit/storage/kit';`,
    `import { createSso } from '@ssokit/server';

const sso = createSso({ baseUrl: 42, storage, secret: 'x'.repeat(32) });`,
    `const claims = { sub: '42' };
console.log(claim.sub);`,
    'const sso = createSso({ baseUrl: "https://app.example.com" }); // not elided: storage and secret missing',
    'const keys = createJwkCache();', // a misspelt export is not a free name
  );
  const jsdoc = [
    '/**',
    ' * @example',
    ` * ${fence}ts`,
    " * import { matchRoles } from '@ssokit/core';",
    ' *',
    " * const roles = matchRoles('admins');",
    ` * ${fence}`,
    ' */',
    'export const x = 1;',
  ].join('\n');
  // One run over every synthetic input: one TypeScript program, as in CI.
  const report = checkExampleSources(root, [
    { file: 'docs/right.md', text: right },
    { file: 'docs/wrong.md', text: wrong },
    { file: 'packages/core/src/synthetic.ts', text: jsdoc },
  ]);
  const failuresOf = (file: string): ExampleFailure[] => report.failures.filter((f) => f.file === file);

  it('passes right examples, with free names, handler bodies, own modules and elided options', () => {
    expect(failuresOf('docs/right.md')).toEqual([]);
    expect(failuresOf('(compiler)')).toEqual([]);
  });

  it('catches a wrong property, import name, subpath, argument, a typo and missing options', () => {
    const lines = wrong.split('\n');
    const found = failuresOf('docs/wrong.md').map((f) => [f.index, lines[f.line - 1]]);
    expect(found).toEqual([
      [1, expect.stringContaining('storage.users')], // a UserStore is no LoginStore
      [2, expect.stringContaining('keysFromCerts')], // no such export
      [3, expect.stringContaining('idp.certificates')], // an IdpMetadata has signingCertificates
      [4, expect.stringContaining('@ssokit/storage/kit')], // no such entry point
      [5, expect.stringContaining('baseUrl: 42')],
      [6, 'console.log(claim.sub);'], // the block declares claims
      [7, expect.stringContaining('createSso(')],
      [8, 'const keys = createJwkCache();'],
    ]);
    const first = failuresOf('docs/wrong.md')[0];
    expect(first).toMatchObject({ blockLine: 3, line: 6, code: 2739 });
  });

  it('points at the line of the JSDoc source', () => {
    expect(failuresOf('packages/core/src/synthetic.ts').map((f) => [f.line, f.blockLine])).toEqual([[6, 3]]);
  });
});
