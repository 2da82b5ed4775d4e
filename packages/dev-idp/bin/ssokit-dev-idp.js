#!/usr/bin/env node
// The `ssokit-dev-idp` command. Published, it runs the built CLI. In a checkout of the ssokit repository,
// where the package is not built, it runs the TypeScript source (Node 22.18+ / 23.6+ strip types).
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  try {
    await import(new URL('../src/cli.ts', import.meta.url).href);
  } catch (error) {
    console.error(
      'ssokit-dev-idp: the package is not built and this Node.js cannot run its TypeScript source ' +
        `(${error instanceof Error ? error.message : String(error)}). Run "pnpm --filter @ssokit/dev-idp build", ` +
        'or use Node.js 24.',
    );
    process.exit(1);
  }
}
