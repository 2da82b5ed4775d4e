/**
 * Checks every published package as `pnpm publish` would ship it. Each package is packed once with pnpm
 * (workspace ranges rewritten, .pnpmfile.cjs's `beforePacking` applied; the `prepack` build is skipped,
 * this runs after `pnpm build`), then its tarball goes through:
 * - `publint --strict`: the exports map, `files`, the types;
 * - `attw` with its default profile: types resolve under node10 (what `module: commonjs` implies, still
 *   common in Express and Nest projects), node16 from CJS and from ESM, and bundler;
 * - tools/packaging-rules.ts: a `prepack` build and `LICENSE` in `files` (package.json), and in the
 *   tarball a LICENSE identical to the repository's, caret ranges, no devDependencies, scripts,
 *   `workspace:` ranges or private workspace names.
 * Usage: `pnpm build && node tools/check-packaging.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Manifest, packedProblems, sourceProblems } from './packaging-rules.ts';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const license = readFileSync(join(root, 'LICENSE'), 'utf8');
const failures: string[] = [];
const readManifest = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Manifest;

// Every private name in the workspace (test-fixtures, the examples): none may reach a published manifest.
const privateNames = new Set<string>();
for (const group of ['packages', 'examples', '.']) {
  const base = group === '.' ? root : join(root, group);
  for (const folder of group === '.' ? ['test-fixtures'] : readdirSync(base)) {
    const file = join(base, folder, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = readManifest(file);
    if (manifest.private) privateNames.add(manifest.name);
  }
}

// pnpm as this process was started by (`pnpm check:packaging`), else the one on PATH.
const pnpm = process.env.npm_execpath?.match(/\.[cm]?js$/)
  ? [process.execPath, process.env.npm_execpath]
  : ['pnpm'];
const run = (command: string[], cwd: string) => {
  const result = spawnSync(command[0] as string, command.slice(1), { cwd, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
};

const scratch = mkdtempSync(join(tmpdir(), 'ssokit-packaging-'));
try {
  for (const folder of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', folder);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const source = readManifest(join(dir, 'package.json'));
    if (source.private) continue;
    const fail = (message: string) => failures.push(`${source.name}: ${message}`);
    for (const problem of sourceProblems(source)) fail(problem);
    if (!existsSync(join(dir, 'dist'))) {
      fail('no dist/ folder; run `pnpm build` first.');
      continue;
    }
    const destination = join(scratch, folder);
    const pack = run(
      [...pnpm, 'pack', '--config.ignore-scripts=true', '--pack-destination', destination],
      dir,
    );
    const tarball = existsSync(destination)
      ? readdirSync(destination).find((file) => file.endsWith('.tgz'))
      : undefined;
    if (!pack.ok || !tarball) {
      fail(`pnpm pack failed\n${pack.output}`);
      continue;
    }
    const tgz = join(destination, tarball);
    const extract = (path: string) => run(['tar', '-xzOf', tgz, `package/${path}`], root);
    const packedLicense = extract('LICENSE');
    if (!packedLicense.ok || `${packedLicense.output}\n` !== license) {
      fail(
        `the tarball has no LICENSE identical to the repository's; copy LICENSE into packages/${folder}/.`,
      );
    }
    const packed = extract('package.json');
    for (const problem of packed.ok ? packedProblems(JSON.parse(packed.output), privateNames) : []) {
      fail(`(packed package.json) ${problem}`);
    }
    for (const [tool, args] of [
      ['publint', ['run', tgz, '--strict']],
      ['attw', [tgz, '--format', 'table-flipped']],
    ] as const) {
      const check = run([bin(tool), ...args], dir);
      if (check.ok) console.log(`${source.name}: ${tool} ok`);
      else fail(`${tool} failed\n${check.output}`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (failures.length > 0) {
  for (const failure of failures) console.error(failure);
  process.exit(1);
}
console.log('check-packaging: ok');
