/**
 * `pnpm demo`: the local IdP (@ssokit/dev-idp, seeded from examples/keycloak/realm-export.json) on
 * http://127.0.0.1:8080 (IDP_PORT) and the Express example on http://127.0.0.1:3000 (PORT) with three ready connections
 * (OIDC code + PKCE, OIDC implicit form_post, SAML), and the Identity providers console of
 * `@ssokit/admin-ui` at /sso/admin for the admin user. Prints where to start (sign in as ada, open the
 * console), the URLs and the demo users; Ctrl-C stops.
 *
 * `--check` starts both, runs Test Provider on each connection (discovery/metadata, no browser), checks
 * that the console refuses a visitor who is not signed in, and exits: a smoke test of the demo wiring.
 */
import { createServer } from 'node:http';
import { startDevIdp } from '@ssokit/dev-idp';
import { createExampleApp, DEMO_DB_FILE, openDemoStorage } from 'ssokit-example-express/app';

const idpPort = Number(process.env.IDP_PORT ?? 8080);
const appPort = Number(process.env.PORT ?? 3000);
const realmFile = new URL('../examples/keycloak/realm-export.json', import.meta.url).pathname;
const appUrl = `http://127.0.0.1:${appPort}`;

let idp: Awaited<ReturnType<typeof startDevIdp>>;
try {
  // The realm's redirect URIs and SAML entity id follow the app's port (its SSOKIT_APP_URL placeholder).
  idp = await startDevIdp({ realmFile, port: idpPort, env: { ...process.env, SSOKIT_APP_URL: appUrl } });
} catch (error) {
  console.error(
    `demo: the IdP could not listen on 127.0.0.1:${idpPort} (${(error as Error).message}). Stop what uses it, or set IDP_PORT.`,
  );
  process.exit(1);
}
const storage = await openDemoStorage();
const { app, baseUrl, sso } = await createExampleApp({ baseUrl: appUrl, idpUrl: idp.url, storage });
const server = createServer(app);
await new Promise<void>((resolve, reject) => {
  server.once('error', (error) =>
    reject(new Error(`the app could not listen on 127.0.0.1:${appPort} (${error.message}); set PORT`)),
  );
  server.listen(appPort, '127.0.0.1', resolve);
}).catch((error: Error) => {
  console.error(`demo: ${error.message}`);
  process.exit(1);
});

const consoleUrl = `${baseUrl}${sso.basePath}/admin`;
console.log(`
ssokit demo
  Start here: sign in as ada / ada-demo-password at ${baseUrl}/ (any of the three buttons),
  then open the Identity providers console: ${consoleUrl}
  (or the "Identity providers" link in the app's header).

  app         ${baseUrl}            (sign in, profile; for admins the console and manual memberships)
  console     ${consoleUrl}  (@ssokit/admin-ui: connections, guided forms, Test Provider; admins only)
  IdP         ${idp.url}            (dev-idp, realm ${idp.realm.name}: ${idp.issuer})
  OIDC        ${idp.issuer}/.well-known/openid-configuration
  SAML        IdP metadata ${idp.samlMetadataUrl}
              SP metadata  ${baseUrl}${sso.basePath}/saml/metadata/keycloak-saml
  data        ${DEMO_DB_FILE}
              (SQLite: connections, users and sessions survive a restart; delete it to start over)

  Sign in with any of the three connections as:
    ada    / ada-demo-password     groups admins, ml-engineers (the console is hers)
    grace  / grace-demo-password   group ml-engineers (the console says "Administrators only")
    linus  / linus-demo-password   group viewers

  Ctrl-C stops both.
`);

if (process.argv.includes('--check')) {
  let failed = false;
  for (const c of await sso.connections.list()) {
    const report = await sso.testConnection(c.id);
    console.log(`  Test Provider ${c.id}: ${report.status}`);
    for (const f of report.findings.filter((x) => x.status === 'error'))
      console.log(`    ${f.check}: ${f.message}`);
    if (report.status === 'error') failed = true;
  }
  // The console is mounted, and refuses a visitor who is not signed in.
  const refused = await fetch(consoleUrl);
  const refusal = await refused.text();
  console.log(`  Console ${consoleUrl} without a session: ${refused.status}`);
  if (refused.status !== 403 || !refusal.includes('Administrators only')) failed = true;
  server.close();
  await idp.close();
  await storage.close();
  process.exit(failed ? 1 : 0);
}

const stop = () => {
  server.close();
  void Promise.all([idp.close(), storage.close()]).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
