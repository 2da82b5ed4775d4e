import { ssokitPackage } from '../../tools/tsup-preset.ts';

export default ssokitPackage({ index: 'src/index.ts', cli: 'src/cli.ts' }, [
  'oidc-provider',
  'samlify',
  'selfsigned',
]);
