// pnpm hooks of the ssokit workspace.
//
// beforePacking: what `pnpm pack` and `pnpm publish` put in a published package.json. The workspace's
// devDependencies (among them the private, unscoped `ssokit-test-fixtures`, a name anyone could claim on
// the registry) and its scripts (`prepack` runs a tool of this repository) mean nothing to a user, so
// they stay out. tools/check-packaging.ts checks the packed manifests.
module.exports = {
  hooks: {
    beforePacking(manifest) {
      delete manifest.devDependencies;
      delete manifest.scripts;
      return manifest;
    },
  },
};
