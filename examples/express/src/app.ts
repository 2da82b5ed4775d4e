/**
 * The Express example: a login page listing the providers, a profile page (the mapped profile, roles
 * and group memberships with their source), and, for administrators, ssokit's Identity providers
 * console at /sso/admin (`@ssokit/admin-ui`, mounted in `createDemoSso`: the connections table, a
 * guided form per provider, Test Provider) and the host's own page of manual group memberships.
 * ssokit serves /sso/*, the console included; this file is what a host app writes around it.
 */
import { requireAuth, ssoRouter } from '@ssokit/express';
import type { Sso } from '@ssokit/server';
import { memoryStorage, type SsoStorage } from '@ssokit/storage';
import express from 'express';
import { APP_GROUPS, createDemoSso, seedDemo } from './demo-data.ts';
import {
  layout,
  listManualMemberships,
  listUsers,
  loginPage,
  MEMBERSHIPS_PATH,
  membershipRows,
  membershipsPage,
  profilePage,
} from './pages.ts';

export { APP_GROUPS, seedDemo } from './demo-data.ts';
export { DEMO_DB_FILE, openDemoStorage } from './demo-storage.ts';

export interface ExampleOptions {
  /** Where the app is reached. Default: http://127.0.0.1:3000 */
  baseUrl?: string;
  /** The IdP (dev-idp or Keycloak) base URL. Default: http://127.0.0.1:8080 */
  idpUrl?: string;
  /** The realm of the example. Default: ssokit-demo */
  realm?: string;
  /**
   * Where the data lives; the demo connections and groups are added when missing. Default: a fresh
   * memoryStorage() (the tests); `pnpm demo` and `src/server.ts` pass the SQLite file of
   * `openDemoStorage()`.
   */
  storage?: SsoStorage;
  /** Session-cookie secret. Default: a demo value (set SSO_SECRET in real deployments). */
  secret?: string;
}

/** The example, ready to listen. */
export interface ExampleApp {
  app: express.Express;
  sso: Sso;
  storage: SsoStorage;
  baseUrl: string;
  issuer: string;
}

/** Builds the example app. */
export async function createExampleApp(options: ExampleOptions = {}): Promise<ExampleApp> {
  const baseUrl = options.baseUrl ?? 'http://127.0.0.1:3000';
  const issuer = `${options.idpUrl ?? 'http://127.0.0.1:8080'}/realms/${options.realm ?? 'ssokit-demo'}`;
  const storage = options.storage ?? memoryStorage();
  await seedDemo(storage, baseUrl, issuer);
  const sso = createDemoSso(storage, baseUrl, options.secret);

  const app = express();
  app.use(ssoRouter(sso));
  app.use(express.urlencoded({ extended: false }));

  app.get('/', async (req, res) => {
    const request = new Request(new URL(req.originalUrl, baseUrl), {
      headers: { cookie: req.headers.cookie ?? '' },
    });
    const session = await sso.getSession(request);
    const providers = (await storage.connections.list()).filter((c) => c.active);
    res.type('html').send(layout('Sign in', session, loginPage(providers, session)));
  });

  // Signed out, a browser goes to the sign-in page (and comes back after); a script gets 401 JSON.
  app.get('/profile', requireAuth({ redirectTo: '/' }), async (req, res) => {
    const auth = req.sso;
    if (!auth?.session) return res.redirect('/');
    const rows = await membershipRows(storage, auth.user.id);
    const user = await storage.users.get(auth.user.id);
    res.type('html').send(layout('Profile', auth.session, profilePage(auth.session, user, rows)));
  });

  // The identity providers are managed in ssokit's console at /sso/admin (served by ssoRouter above).
  // The host's own admin feature: manual memberships, which group sync never touches.
  app.get(MEMBERSHIPS_PATH, requireAuth({ roles: ['admins'] }), async (req, res) => {
    const page = membershipsPage(APP_GROUPS, await listUsers(storage), await listManualMemberships(storage));
    res.type('html').send(layout('Manual group memberships', req.sso?.session ?? null, page));
  });

  app.post(MEMBERSHIPS_PATH, requireAuth({ roles: ['admins'] }), async (req, res) => {
    if (req.headers.origin !== undefined && req.headers.origin !== new URL(baseUrl).origin)
      return res.status(403).send('Forbidden');
    const user = await storage.users.findByEmail(String(req.body.email ?? ''));
    const group = (await storage.groups.list()).find((g) => g.name === req.body.group);
    if (!user || !group) return res.status(400).send('Unknown user or group.');
    await storage.memberships.add({ userId: user.id, groupId: group.id, source: 'manual' });
    res.redirect(303, MEMBERSHIPS_PATH);
  });

  return { app, sso, storage, baseUrl, issuer };
}
