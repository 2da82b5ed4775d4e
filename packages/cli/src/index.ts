/**
 * `@ssokit/cli`: the `ssokit` command (doctor, test, keygen, sp-metadata, decode, migrate, secret),
 * and `run()` to call it from code.
 *
 * @packageDocumentation
 */
export type { CliIo, OutputStream } from './output.ts';
export type { RunOptions } from './run.ts';
export { run } from './run.ts';
