import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchSuite, type BenchTask, defineSuite, SuiteSkipped } from '../suite.ts';

// Cold start: a fresh `node` process imports one package from its built entry (dist/, as an app
// installed from npm would, so without the dev-source condition) and exits. Each sample is one new
// process; the runner interleaves the packages round by round and reports the median.
//
// The children run in the repository root and import bare names: the root package.json lists the
// ssokit packages as `workspace:^` devDependencies, so `@ssokit/server` resolves to
// packages/server/dist/ exactly as it would from an app's node_modules.

const root = join(import.meta.dirname, '..', '..');
type Variant = 'esm' | 'cjs';

const SUBJECTS = ['@ssokit/server', '@ssokit/express', '@ssokit/oidc', '@ssokit/saml'];
const PEERS = ['openid-client', 'jose', '@node-saml/node-saml'];
/** The packages whose dist/ the subjects load, directly or through each other. */
const BUILT = ['core', 'storage', 'config', 'oidc', 'saml', 'server', 'express'];

/** The child's argv: `import()` (ESM) or `require()` (CJS) between two performance.now(). */
function childArgs(variant: Variant, specifier: string | undefined): string[] {
  const load =
    specifier === undefined
      ? ''
      : variant === 'esm'
        ? `await import(${JSON.stringify(specifier)});`
        : `require(${JSON.stringify(specifier)});`;
  const body = `const t = performance.now(); ${load} process.stdout.write(String(performance.now() - t));`;
  return variant === 'esm' ? ['--input-type=module', '-e', body] : ['-e', body];
}

// No NODE_OPTIONS: `pnpm bench` runs with --conditions=dev-source, which would send the children to src/.
const { NODE_OPTIONS: _options, ...env } = process.env;

/** Runs one child; returns its wall time (spawn to exit, ms) and the time it printed. */
function run(variant: Variant, specifier?: string): { wallMs: number; importMs: number } {
  const start = performance.now();
  const child = spawnSync(process.execPath, childArgs(variant, specifier), {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  const wallMs = performance.now() - start;
  if (child.status !== 0) {
    const reason = child.error?.message ?? child.stderr.trim().split('\n').slice(0, 6).join('\n');
    throw new Error(`node could not ${variant === 'esm' ? 'import' : 'require'} ${specifier}:\n${reason}`);
  }
  return { wallMs, importMs: Number(child.stdout) };
}

function checkBuilt(variant: Variant): void {
  const entry = variant === 'esm' ? 'index.js' : 'index.cjs';
  const missing = BUILT.filter((name) => !existsSync(join(root, 'packages', name, 'dist', entry)));
  if (missing.length > 0)
    throw new SuiteSkipped(
      `no built entry (dist/${entry}) for ${missing.map((m) => `@ssokit/${m}`).join(', ')}: run pnpm build first.`,
    );
}

function suiteFor(variant: Variant, measure: 'import' | 'process'): BenchSuite {
  const how = variant === 'esm' ? 'import()' : 'require()';
  const task = (specifier: string, role: BenchTask['role']): BenchTask => ({
    name: specifier,
    role,
    sample() {
      if (measure === 'import') return run(variant, specifier).importMs;
      // Paired with a baseline child started just before, so a slow spell hits both alike.
      const baseline = run(variant).wallMs;
      return run(variant, specifier).wallMs - baseline;
    },
  });
  return defineSuite({
    name: `cold ${how}, ${measure === 'import' ? 'time inside the process' : 'process wall time'}`,
    description:
      measure === 'import'
        ? `A fresh node (${variant === 'esm' ? 'ES module' : 'CommonJS'}) times ${how} of each package's built entry with performance.now(); ratios above 1 mean faster than the peer.`
        : `Wall time of a fresh node that ${how}s each package's built entry and exits, minus that of the same node with nothing to load (run just before it); ratios above 1 mean faster than the peer.`,
    // A process start varies by tens of ms on a busy machine: the median of 3 per round, 9 rounds.
    samplesPerRound: 3,
    setup() {
      checkBuilt(variant);
      // One run of each first: fails early on a broken build, and fills the file-system cache.
      for (const specifier of [...SUBJECTS, ...PEERS]) run(variant, specifier);
    },
    tasks: [...SUBJECTS.map((s) => task(s, 'subject')), ...PEERS.map((p) => task(p, 'peer'))],
    // From the issue: importing the server costs at most twice what openid-client costs.
    targets: [{ task: '@ssokit/server', versus: 'openid-client', timesAtMost: 2 }],
  });
}

export default [
  suiteFor('esm', 'import'),
  suiteFor('esm', 'process'),
  suiteFor('cjs', 'import'),
  suiteFor('cjs', 'process'),
];
