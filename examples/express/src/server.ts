/**
 * Runs the Express example on http://127.0.0.1:3000 against the IdP at IDP_URL (default: the bundled
 * dev-idp's http://127.0.0.1:8080; a Keycloak started from examples/keycloak serves the same paths).
 */
import { createServer } from 'node:http';
import { createExampleApp } from './app.ts';
import { DEMO_DB_FILE, openDemoStorage } from './demo-storage.ts';

const port = Number(process.env.PORT ?? 3000);
const { app, baseUrl, issuer } = await createExampleApp({
  baseUrl: process.env.BASE_URL ?? `http://127.0.0.1:${port}`,
  idpUrl: process.env.IDP_URL ?? 'http://127.0.0.1:8080',
  ...(process.env.SSO_SECRET ? { secret: process.env.SSO_SECRET } : {}),
  storage: await openDemoStorage(),
});
createServer(app).listen(port, '127.0.0.1', () => {
  console.log(`ssokit Express example on ${baseUrl} (IdP issuer ${issuer}; data in ${DEMO_DB_FILE})`);
});
