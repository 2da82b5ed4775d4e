/**
 * The Koa example: the same pages as the Express example (login, profile, the host's manual group
 * memberships) on Koa 3 with @ssokit/koa. `ssoRouter(sso)` serves /sso/*, and with it the Identity
 * providers console at /sso/admin that `createDemoSso` mounts (`adminConsole()` of `@ssokit/admin-ui`).
 */
import { bodyParser } from '@koa/bodyparser';
import { requireAuth, ssoRouter } from '@ssokit/koa';
import type { Sso } from '@ssokit/server';
import { memoryStorage, type SsoStorage } from '@ssokit/storage';
import Koa, { type Middleware } from 'koa';
import { APP_GROUPS, createDemoSso, seedDemo } from 'ssokit-example-express/demo-data';
import {
  layout,
  listManualMemberships,
  listUsers,
  loginPage,
  MEMBERSHIPS_PATH,
  membershipRows,
  membershipsPage,
  profilePage,
} from 'ssokit-example-express/pages';

export interface KoaExample {
  app: Koa;
  sso: Sso;
  storage: SsoStorage;
  baseUrl: string;
}

/** Builds the Koa example (defaults as the Express example: app on :3000, IdP on :8080). */
export async function createKoaExample(
  options: { baseUrl?: string; idpUrl?: string; storage?: SsoStorage } = {},
): Promise<KoaExample> {
  const baseUrl = options.baseUrl ?? 'http://127.0.0.1:3000';
  // Default: memory (the tests); src/server.ts passes the demo's SQLite file.
  const storage = options.storage ?? memoryStorage();
  await seedDemo(storage, baseUrl, `${options.idpUrl ?? 'http://127.0.0.1:8080'}/realms/ssokit-demo`);
  const sso = createDemoSso(storage, baseUrl);

  const route =
    (method: string, path: string, ...chain: Middleware[]): Middleware =>
    async (ctx, next) => {
      if (ctx.method !== method || ctx.path !== path) return next();
      const run = async (i: number): Promise<void> => {
        const step = chain[i];
        if (step) await step(ctx, () => run(i + 1));
      };
      await run(0);
    };

  const app = new Koa();
  app.use(ssoRouter(sso));
  app.use(bodyParser());
  app.use(
    route('GET', '/', async (ctx) => {
      const session = await sso.getSession(
        new Request(new URL(ctx.originalUrl, baseUrl), { headers: { cookie: ctx.get('cookie') } }),
      );
      const providers = (await storage.connections.list()).filter((c) => c.active);
      ctx.type = 'html';
      ctx.body = layout('Sign in', session, loginPage(providers, session));
    }),
  );
  app.use(
    route('GET', '/profile', requireAuth(), async (ctx) => {
      const session = ctx.state.sso?.session;
      if (!session) return ctx.redirect('/');
      ctx.type = 'html';
      ctx.body = layout(
        'Profile',
        session,
        profilePage(
          session,
          await storage.users.get(session.user.id),
          await membershipRows(storage, session.user.id),
        ),
      );
    }),
  );
  // The identity providers are managed in ssokit's console at /sso/admin (served by ssoRouter above);
  // the host keeps its own admin page: manual memberships, which group sync never touches.
  app.use(
    route('GET', MEMBERSHIPS_PATH, requireAuth({ roles: ['admins'] }), async (ctx) => {
      ctx.type = 'html';
      ctx.body = layout(
        'Manual group memberships',
        ctx.state.sso?.session ?? null,
        membershipsPage(APP_GROUPS, await listUsers(storage), await listManualMemberships(storage)),
      );
    }),
  );
  app.use(
    route('POST', MEMBERSHIPS_PATH, requireAuth({ roles: ['admins'] }), async (ctx) => {
      const origin = ctx.get('origin');
      if (origin && origin !== new URL(baseUrl).origin) ctx.throw(403, 'Forbidden');
      const body = ctx.request.body as { email?: string; group?: string };
      const user = await storage.users.findByEmail(String(body.email ?? ''));
      const group = (await storage.groups.list()).find((g) => g.name === body.group);
      if (!user || !group) {
        ctx.status = 400;
        ctx.body = 'Unknown user or group.';
        return;
      }
      await storage.memberships.add({ userId: user.id, groupId: group.id, source: 'manual' });
      ctx.status = 303;
      ctx.redirect(MEMBERSHIPS_PATH);
    }),
  );
  return { app, sso, storage, baseUrl };
}
