import type { Options } from 'tsup';
import { ssokitPackage } from '../../tools/tsup-preset.ts';

// shims: the CJS build gets an import.meta.url, which the lazy require() of ajv and yaml is made from.
const options: Options = { ...(ssokitPackage({ index: 'src/index.ts' }) as Options), shims: true };
export default options;
