#!/usr/bin/env node
/**
 * `ssokit-dev-idp --realm <realm-export.json> [--port 8080] [--host 127.0.0.1]`: runs the local IdP
 * until interrupted, printing its issuer, SAML metadata URL and users.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startDevIdp } from './index.ts';

const { values } = parseArgs({
  options: {
    realm: { type: 'string' },
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || !values.realm) {
  console.log('usage: ssokit-dev-idp --realm <realm-export.json> [--port 8080] [--host 127.0.0.1]');
  process.exit(values.help ? 0 : 2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`ssokit-dev-idp: --port must be a port number, not "${values.port}".`);
  process.exit(2);
}
const realmPath = resolve(values.realm);
if (!existsSync(realmPath)) {
  console.error(
    `ssokit-dev-idp: no realm file at ${realmPath} (--realm is relative to ${process.cwd()}). From the ssokit repository's root: --realm examples/keycloak/realm-export.json`,
  );
  process.exit(2);
}
async function main(): Promise<void> {
  try {
    const idp = await startDevIdp({ realmFile: realmPath, port, host: values.host as string });
    console.log(`dev-idp: realm ${idp.realm.name}`);
    console.log(`  OIDC issuer    ${idp.issuer}`);
    console.log(`  SAML metadata  ${idp.samlMetadataUrl}`);
    for (const user of idp.realm.users)
      console.log(`  user ${user.username.padEnd(8)} groups ${user.groups.join(', ') || '(none)'}`);
    const stop = () => void idp.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    console.error(`ssokit-dev-idp: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

void main();
