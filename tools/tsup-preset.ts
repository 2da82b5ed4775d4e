/**
 * The build every published package shares: ESM + CJS + `.d.ts`/`.d.cts` from its entry points,
 * targeting Node 22, with `@ssokit/*` and the package's peers left external.
 *
 * @example
 * ```ts
 * // packages/storage/tsup.config.ts
 * import { ssokitPackage } from '../../tools/tsup-preset.ts';
 * export default ssokitPackage({ index: 'src/index.ts', testkit: 'src/testkit/index.ts' }, ['vitest']);
 * ```
 */
import { defineConfig, type Options } from 'tsup';

/** `extra` adds or overrides options for one package (code splitting, shims). */
export function ssokitPackage(
  entry: Record<string, string>,
  external: string[] = [],
  extra: Options = {},
): Options {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node22',
    platform: 'neutral',
    treeshake: true,
    external: [/^@ssokit\//, ...external],
    ...extra,
  }) as Options;
}
