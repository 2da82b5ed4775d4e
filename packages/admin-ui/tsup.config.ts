import { ssokitPackage } from '../../tools/tsup-preset.ts';

export default ssokitPackage({ index: 'src/index.ts' });
