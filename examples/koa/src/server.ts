/** Runs the Koa example on http://127.0.0.1:3000 against the IdP at IDP_URL (default: dev-idp on :8080). */
import { openDemoStorage } from 'ssokit-example-express/demo-storage';
import { createKoaExample } from './app.ts';

const port = Number(process.env.PORT ?? 3000);
const { app, baseUrl } = await createKoaExample({
  baseUrl: process.env.BASE_URL ?? `http://127.0.0.1:${port}`,
  idpUrl: process.env.IDP_URL ?? 'http://127.0.0.1:8080',
  // Connections, users and sessions in a SQLite file that survives a restart (SSOKIT_DB_FILE to move it).
  storage: await openDemoStorage(),
});
app.listen(port, '127.0.0.1', () => console.log(`ssokit Koa example on ${baseUrl}`));
