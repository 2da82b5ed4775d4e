import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// One project per package folder: `pnpm test` runs them all, `vitest --project core` one of them. The
// `dev-source` condition makes `@ssokit/*` resolve to each package's src/ so no build is needed.
const packages = readdirSync(new URL('packages/', import.meta.url)).filter((name) =>
  existsSync(new URL(`packages/${name}/package.json`, import.meta.url)),
);
// The examples with tests (the browser tests of the demo app) are projects too: `example-express`.
const examples = readdirSync(new URL('examples/', import.meta.url)).filter((name) =>
  existsSync(new URL(`examples/${name}/test`, import.meta.url)),
);
// No 'import' or 'module' here: Vitest applies these conditions to require() calls in node_modules too,
// and router's require('is-promise') then got the ESM entry (a namespace, not the function).
const conditions = ['dev-source', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    reporters: ['default', './tools/summary-reporter.ts'],
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name,
          root: `packages/${name}`,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // The console's tests drive Chromium through whole sign-ins: minutes of CI load, not a hang.
          ...(name === 'admin-ui' ? { testTimeout: 60_000 } : {}),
        },
      })),
      ...examples.map((name) => ({
        extends: true as const,
        test: {
          name: `example-${name}`,
          root: `examples/${name}`,
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
        },
      })),
      {
        extends: true,
        test: {
          name: 'tools',
          root: '.',
          include: ['tools/**/*.test.ts', 'test-fixtures/**/*.test.ts', 'bench/**/*.test.ts'],
        },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      // The console's browser code runs in Chromium (its own tests), where Node's coverage cannot see it;
      // its bundle is generated.
      exclude: [
        '**/*.test.ts',
        '**/index.ts',
        'packages/storage/src/testkit/**',
        'packages/admin-ui/src/ui/**',
        'packages/admin-ui/src/generated/**',
      ],
      reporter: ['text-summary', 'json-summary'],
      thresholds: {
        'packages/core/src/**': { lines: 90, branches: 85, functions: 90, statements: 90 },
      },
    },
  },
});
