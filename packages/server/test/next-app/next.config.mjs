/**
 * The Next.js configuration of the recipe's test app (../next.test.ts). An app that installs ssokit
 * needs none of it: here the packages are this repository's sources, which the build reads through
 * aliases (Turbopack has no `dev-source` condition), and the build goes outside the source tree.
 */
const source = (name) => `../../../${name}/src/index.ts`; // from this folder

export default {
  turbopack: {
    resolveAlias: Object.fromEntries(
      ['core', 'storage', 'oidc', 'saml', 'config', 'server'].map((name) => [
        `@ssokit/${name}`,
        source(name),
      ]),
    ),
  },
  distDir: process.env.SSOKIT_NEXT_DIST_DIR ?? '.next',
  experimental: { turbopackFileSystemCacheForBuild: false },
};
