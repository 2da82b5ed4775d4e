import { describe, expect, it } from 'vitest';
import { type Manifest, PREPACK, packedProblems, sourceProblems } from './packaging-rules.ts';

const privateNames = new Set(['ssokit-test-fixtures']);

describe('packedProblems', () => {
  it('accepts a manifest as pnpm packs it: scoped, caret ranges, no devDependencies or scripts', () => {
    const manifest: Manifest = {
      name: '@ssokit/server',
      dependencies: { '@ssokit/core': '^0.0.0', jose: '^6.2.17' },
      peerDependencies: { express: '^4.21.0 || ^5.0.0' },
    };
    expect(packedProblems(manifest, privateNames)).toEqual([]);
  });

  it('names each problem of a manifest npm would have packed from the workspace', () => {
    const manifest: Manifest = {
      name: 'ssokit-server',
      scripts: { prepack: PREPACK },
      dependencies: { '@ssokit/core': 'workspace:^', jose: '6.2.17', ajv: '~8.20.0' },
      devDependencies: { 'ssokit-test-fixtures': '^0.0.0' },
      optionalDependencies: { 'ssokit-test-fixtures': '^0.0.0' },
    };
    expect(packedProblems(manifest, privateNames)).toEqual([
      'name "ssokit-server" is not in the @ssokit scope.',
      "devDependencies is published; .pnpmfile.cjs's beforePacking hook should remove it.",
      "scripts is published; .pnpmfile.cjs's beforePacking hook should remove it.",
      'dependencies.@ssokit/core is still "workspace:^": pack with pnpm, which rewrites it.',
      expect.stringContaining('dependencies.@ssokit/core is "workspace:^": use a caret range'),
      expect.stringMatching(
        /^dependencies\.jose is "6\.2\.17": use a caret range \("\^6\.2\.17"\), so that an app/,
      ),
      expect.stringContaining('dependencies.ajv is "~8.20.0": use a caret range ("^8.20.0")'),
      'optionalDependencies.ssokit-test-fixtures names a private workspace package, which is not on the registry.',
    ]);
  });
});

describe('sourceProblems', () => {
  it('wants the prepack build and LICENSE in files', () => {
    expect(sourceProblems({ name: '@ssokit/x', files: ['dist'], scripts: { build: 'tsup' } })).toEqual([
      expect.stringContaining(`scripts.prepack must be "${PREPACK}"`),
      'files must list "LICENSE" (a copy of the repository\'s LICENSE in the package folder).',
    ]);
  });
});
