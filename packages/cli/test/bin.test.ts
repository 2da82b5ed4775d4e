/**
 * bin/ssokit.js picks what to run. In a checkout of the repository it runs the source with the
 * "dev-source" condition even when a dist/ is there (it may be stale, and the packages it imports may
 * have no dist/ at all: "Cannot find module …/core/dist/index.js"); an installed package runs its
 * dist/. Each case is a copy of the real bin file in a made-up layout, whose dist/cli.js and
 * src/cli.ts say which of them ran and with which conditions.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/ssokit.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'ssokit-cli-bin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};
const report = (ran: string) =>
  `console.log(JSON.stringify({ ran: '${ran}', conditions: process.execArgv, args: process.argv.slice(2) }));\n`;

/** A package folder at `at` with the real bin, a dist/ (none for `null`) and a src/ that report themselves. */
function cliPackage(at: string, dist: string | null = report('dist')): string {
  cpSync(BIN, join(at, 'bin', 'ssokit.js'));
  write(join(at, 'package.json'), '{ "name": "@ssokit/cli", "type": "module" }');
  if (dist !== null) write(join(at, 'dist', 'cli.js'), dist);
  write(join(at, 'src', 'cli.ts'), report('source'));
  return join(at, 'bin', 'ssokit.js');
}
const run = (bin: string) => {
  const child = spawnSync(process.execPath, [bin, 'decode', '--json'], { encoding: 'utf8' });
  return { status: child.status, stderr: child.stderr, out: JSON.parse(child.stdout || '{}') };
};

describe('bin/ssokit.js', { timeout: 60_000 }, () => {
  it('in a checkout, with a dist/ that cannot run (its dependencies unbuilt): the source, with dev-source', () => {
    const repo = join(root, 'repo');
    write(join(repo, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
    write(join(repo, 'packages', 'core', 'src', 'index.ts'), 'export {};\n');
    const bin = cliPackage(
      join(repo, 'packages', 'cli'),
      'import \'@ssokit/core\';\nconsole.log(\'{"ran":"dist"}\');\n',
    );
    const result = run(bin);
    expect(result.status, result.stderr).toBe(0);
    expect(result.out).toEqual({
      ran: 'source',
      conditions: ['--conditions=dev-source'],
      args: ['decode', '--json'],
    });
  });

  it('installed (node_modules/@ssokit/cli, no workspace around it): the built dist/', () => {
    const bin = cliPackage(join(root, 'app', 'node_modules', '@ssokit', 'cli'));
    const result = run(bin);
    expect(result.status, result.stderr).toBe(0);
    expect(result.out).toMatchObject({ ran: 'dist', conditions: [] });
  });

  it('installed without a dist/: one line saying to reinstall (Node.js strips no types under node_modules)', () => {
    const bin = cliPackage(join(root, 'bare', 'node_modules', '@ssokit', 'cli'), null);
    const result = run(bin);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'ssokit: this installation of @ssokit/cli has no dist/cli.js (packed without a build?); reinstall it.\n',
    );
  });
});
