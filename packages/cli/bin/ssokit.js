#!/usr/bin/env node
// The `ssokit` command. Installed from the registry, it runs the built CLI (dist/cli.js).
//
// In a checkout of the ssokit repository it always runs the TypeScript source with the "dev-source"
// condition, so that the other @ssokit packages are read from their src/ too: a dist/ left from an
// earlier build may be stale, and the packages it imports may have no dist/ at all. This needs a
// Node.js that strips types (22.18+, 23.6+, 24).
//
// A checkout is told from an installation by the workspace around the package, not by src/ (the
// published package ships src/ for source maps): relative to the package folder, both
// ../../pnpm-workspace.yaml (the repository's root, above packages/cli) and ../core/src/index.ts (a
// sibling package's source) exist. An installed copy sits in node_modules/@ssokit/cli (or pnpm's
// node_modules/.pnpm/…/node_modules/@ssokit/cli), where neither does.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli.js', import.meta.url);
const source = new URL('../src/cli.ts', import.meta.url);
const checkout =
  existsSync(new URL('../../../pnpm-workspace.yaml', import.meta.url)) &&
  existsSync(new URL('../../core/src/index.ts', import.meta.url)) &&
  existsSync(source);

if (checkout) {
  const child = spawnSync(
    process.execPath,
    ['--conditions=dev-source', fileURLToPath(source), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  if (child.error) {
    console.error(
      `ssokit: the command's source could not run (${child.error.message}); it needs Node.js 22.18 or later.`,
    );
    process.exit(2);
  }
  process.exit(child.status ?? 2);
} else if (existsSync(built)) {
  await import(built.href);
} else {
  // Node.js strips no types under node_modules, so an installed copy cannot fall back to src/.
  console.error(
    'ssokit: this installation of @ssokit/cli has no dist/cli.js (packed without a build?); reinstall it.',
  );
  process.exit(2);
}
