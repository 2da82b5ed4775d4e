#!/usr/bin/env node
/**
 * The `ssokit` command (bin/ssokit.js runs this file, built or as source): `run()` with the process's
 * arguments, then its exit code. Node's compile cache is turned on first, so that the second run of a
 * command loads the SAML and OIDC stacks from cached code.
 *
 * @module
 */
import module from 'node:module';

module.enableCompileCache?.();
void import('./run.ts')
  .then(({ run }) => run(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
    // Idle keep-alive sockets to an IdP, or a store's timers, must not hold the command open.
    setTimeout(() => process.exit(code), 200).unref();
  });
