import { defineConfig } from 'vitest/config';

const conditions = ['dev-source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: { root: import.meta.dirname, include: ['broken-stores.conformance.ts'] },
});
