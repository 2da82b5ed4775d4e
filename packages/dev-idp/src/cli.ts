#!/usr/bin/env node
/**
 * `ssokit-dev-idp [--realm <realm-export.json>] [--port 8080] [--host 127.0.0.1]`: runs the local IdP
 * until interrupted, printing its issuer, SAML metadata URL and users. Without `--realm` it serves the
 * realm the package ships (`@ssokit/dev-idp/realm-export.json`, the repository's example realm).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDevIdp } from './index.ts';

// One folder up from src/cli.ts and from dist/cli.js alike: the package's root.
const bundledRealm = fileURLToPath(new URL('../realm-export.json', import.meta.url));

const usage =
  'usage: ssokit-dev-idp [--realm <realm-export.json>] [--port 8080] [--host 127.0.0.1]\n' +
  `  --realm  a Keycloak realm export; default: the example realm this package ships (${bundledRealm})`;
const options = {
  realm: { type: 'string' },
  port: { type: 'string', default: '8080' },
  host: { type: 'string', default: '127.0.0.1' },
  help: { type: 'boolean', default: false },
} as const;
let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
try {
  ({ values } = parseArgs({ options }));
} catch (error) {
  // An unknown option or a missing value: say which, then how to call it (no stack trace).
  console.error(`ssokit-dev-idp: ${error instanceof Error ? error.message : String(error)}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`ssokit-dev-idp: --port must be a port number, not "${values.port}".`);
  process.exit(2);
}
const realmPath = values.realm === undefined ? bundledRealm : resolve(values.realm);
if (!existsSync(realmPath)) {
  console.error(
    values.realm === undefined
      ? `ssokit-dev-idp: the bundled realm is missing at ${realmPath}; reinstall @ssokit/dev-idp, or pass --realm <realm-export.json>.`
      : `ssokit-dev-idp: no realm file at ${realmPath} (--realm is relative to ${process.cwd()}). Leave --realm out for the bundled example realm.`,
  );
  process.exit(2);
}
async function main(): Promise<void> {
  try {
    const idp = await startDevIdp({ realmFile: realmPath, port, host: values.host as string });
    console.log(`dev-idp: realm ${idp.realm.name} (${realmPath})`);
    console.log(`  OIDC issuer    ${idp.issuer}`);
    console.log(`  SAML metadata  ${idp.samlMetadataUrl}`);
    for (const user of idp.realm.users)
      console.log(`  user ${user.username.padEnd(8)} groups ${user.groups.join(', ') || '(none)'}`);
    const stop = () => void idp.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    const busy = (error as { code?: string }).code === 'EADDRINUSE';
    console.error(
      `ssokit-dev-idp: ${error instanceof Error ? error.message : String(error)}` +
        (busy
          ? ` (another process holds port ${port}; the demo's dev-idp and the Keycloak container use 8080 by default: stop it, or pass another --port)`
          : ''),
    );
    process.exit(1);
  }
}

void main();
