#!/usr/bin/env node
// The `ssokit` command. Installed from the registry, it runs the built CLI (dist/cli.js). In a checkout
// of the ssokit repository where the package is not built, it runs the TypeScript source with the
// "dev-source" condition (so the other @ssokit packages are read from their src/ too), which needs a
// Node.js that strips types (22.18+, 23.6+, 24).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli.js', import.meta.url);
const source = new URL('../src/cli.ts', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else if (existsSync(source)) {
  const child = spawnSync(
    process.execPath,
    ['--conditions=dev-source', fileURLToPath(source), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  if (child.error) {
    console.error(
      `ssokit: the package is not built and its source could not run (${child.error.message}). Run "pnpm --filter @ssokit/cli build".`,
    );
    process.exit(2);
  }
  process.exit(child.status ?? 2);
} else {
  console.error('ssokit: this installation has neither dist/cli.js nor src/cli.ts; reinstall @ssokit/cli.');
  process.exit(2);
}
