import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', testkit: 'src/testkit/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  platform: 'neutral',
  treeshake: true,
  external: ['vitest', '@ssokit/core'],
});
