import { ssokitPackage } from '../../tools/tsup-preset.ts';

// shims: the CJS build gets an import.meta.url (the CLI finds the bundled realm from it).
export default ssokitPackage(
  { index: 'src/index.ts', cli: 'src/cli.ts' },
  ['oidc-provider', 'samlify', 'selfsigned'],
  { shims: true },
);
