/**
 * The `prepack` script of every published package (`"prepack": "node ../../tools/prepack.ts"`): builds
 * the package, so `pnpm pack` and `pnpm publish` never make a tarball without `dist/`, which every
 * `exports` entry points at. It refuses npm: `npm pack` and `npm publish` keep the `workspace:^` ranges
 * that pnpm rewrites, and would ship a package no one can install.
 * Run by pnpm in the package's folder; `pnpm pack --config.ignore-scripts=true` skips it.
 */
import { spawnSync } from 'node:child_process';

const agent = process.env.npm_config_user_agent ?? '';
const pnpm = process.env.npm_execpath;
if (!agent.startsWith('pnpm/') || !pnpm) {
  console.error(
    `prepack: pack and publish ssokit's packages with pnpm (\`pnpm pack\`, \`pnpm publish\`), not with ${agent.split(' ')[0] || 'this tool'}: ` +
      'only pnpm rewrites the "workspace:^" ranges of @ssokit/* dependencies to versions.',
  );
  process.exit(1);
}
// pnpm's own entry, run by this Node: `pnpm` may not be on PATH (corepack, an absolute path). The
// build's output goes to stderr, so that stdout stays what `pnpm pack` prints (tools read the name there).
const stdio = ['ignore', 2, 2] as const;
const run = /\.[cm]?js$/.test(pnpm)
  ? spawnSync(process.execPath, [pnpm, 'run', 'build'], { stdio: [...stdio] })
  : spawnSync(pnpm, ['run', 'build'], { stdio: [...stdio] });
if (run.status !== 0) {
  console.error(`prepack: the build failed (exit ${run.status ?? run.signal}); nothing was packed.`);
  process.exit(1);
}
