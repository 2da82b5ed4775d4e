import { ssokitPackage } from '../../tools/tsup-preset.ts';

// Two entries: the programmatic `run()` (index) and the `ssokit` command (cli.js, which bin/ssokit.js
// imports). Code splitting keeps one copy of the commands in a shared chunk; `shims` gives the CJS
// build `import.meta.url` (the version and `migrate` read files beside the package). storage-sql and
// the database drivers stay external: `ssokit migrate` loads them when it runs.
export default ssokitPackage(
  { index: 'src/index.ts', cli: 'src/cli.ts' },
  ['@ssokit/storage-sql', 'pg', 'mysql2'],
  { splitting: true, shims: true },
);
