/** Runs the Nest example on http://127.0.0.1:3000 against the IdP at IDP_URL (default: dev-idp on :8080). */
import { createServer } from 'node:http';
import { openDemoStorage } from 'ssokit-example-express/demo-storage';
import { createNestExample } from './app.ts';

const port = Number(process.env.PORT ?? 3000);
const { expressApp, baseUrl } = await createNestExample({
  baseUrl: process.env.BASE_URL ?? `http://127.0.0.1:${port}`,
  idpUrl: process.env.IDP_URL ?? 'http://127.0.0.1:8080',
  // Connections, users and sessions in a SQLite file that survives a restart (SSOKIT_DB_FILE to move it).
  storage: await openDemoStorage(),
});
createServer(expressApp).listen(port, '127.0.0.1', () => console.log(`ssokit Nest example on ${baseUrl}`));
