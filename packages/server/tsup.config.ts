import { ssokitPackage } from '../../tools/tsup-preset.ts';

// Code splitting in both formats: the SAML flow and @ssokit/config stay in chunks loaded on first use
// (src/lazy.ts). Without it the CJS build would hoist their require() calls to the top of index.cjs.
export default ssokitPackage({ index: 'src/index.ts', node: 'src/node/index.ts' }, [], { splitting: true });
