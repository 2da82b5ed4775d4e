import { ssokitPackage } from '../../tools/tsup-preset.ts';

// shims: the CJS build gets an import.meta.url, which the lazy require() of ajv and yaml is made from.
export default ssokitPackage({ index: 'src/index.ts' }, [], { shims: true });
