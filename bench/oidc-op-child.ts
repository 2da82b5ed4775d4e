/**
 * The oidc-provider harness in a process of its own, so that a suite measuring CPU with
 * process.cpuUsage() counts the relying party's work only. Prints `{"issuer": ...}` once listening;
 * redirect URIs come as arguments. Ends when its parent closes stdin (or goes away).
 */
import { startProvider } from 'ssokit-test-fixtures/oidc-provider';

const op = await startProvider({ redirectUris: process.argv.slice(2) });
process.stdout.write(`${JSON.stringify({ issuer: op.issuer })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await op.close();
  process.exit(0);
});
