/**
 * `createSso()`: the object a host app mounts. Options are checked once, here; the route table sends
 * each request to its flow (oidc-flow.ts, saml-flow/, logout.ts, restore.ts, admin.ts), and failures
 * are mapped to HTTP once (`respond.ts`, `statusFor`).
 *
 * @module
 */
import { type RoleMatcher, SsoError } from '@ssokit/core';
import type { SessionFilter, SessionStore } from '@ssokit/storage';
import { recordLoginFailure } from './activity.ts';
import { type AuthorizeAdmin, authorizeAdminRequest, handleAdmin } from './admin.ts';
import { can, hasRoles, organizationsOf } from './authorization.ts';
import { backchannelLogout } from './backchannel-logout.ts';
import { createSharedLimiter } from './client.ts';
import { managedConnections, withSessionsEnded } from './connections.ts';
import { createContext, type SsoContext } from './context.ts';
import { frontchannelLogout } from './frontchannel-logout.ts';
import { loadSamlFlow } from './lazy.ts';
import { logout } from './logout.ts';
import { oidcCallback, startOidcLogin } from './oidc-flow.ts';
import type { AdminConsoleMount, SsoOptions } from './options.ts';
import { checkOptions, MOVABLE_ROUTES } from './options-check.ts';
import { type ErrorReporter, REPORT_ERROR, reportError } from './report-error.ts';
import { decodePathSegment, errorResponse, isSitePath, json, notAllowed, wantsJson } from './respond.ts';
import { createRestore, type Restore } from './restore.ts';
import { type Revocation, revokeSessions } from './revocation.ts';
import { getSession } from './session-cookie.ts';
import type { Sso } from './sso.ts';
import { testConnection } from './test-connection/index.ts';
import type { ConnectionTestReport, TestSample } from './test-connection/report.ts';

/**
 * Creates the SSO handler. Options are checked once, here: a `ConfigError` (from `@ssokit/core`) lists every problem.
 *
 * @example
 * ```ts
 * import { createSso } from '@ssokit/server';
 * import { memoryStorage } from '@ssokit/storage';
 *
 * const sso = createSso({ baseUrl: 'https://app.example.com', storage: memoryStorage(), secret: process.env.SSO_SECRET });
 * const response = await sso.handle(request); // GET /sso/login/:id, /sso/oidc/callback, /sso/saml/acs, ...
 * ```
 */
export function createSso(options: SsoOptions): Sso {
  const checked = checkOptions(options);
  const { basePath } = checked;
  const ctx = createContext(options, checked);
  const restore = createRestore(ctx);
  // Login starts per client, when the host says who the client is (behind a proxy the socket address
  // is the proxy's, so it is not used here): one client cannot fill the transaction store. Counted by
  // every instance together when the store has shared counters.
  const loginStarts = createSharedLimiter(ctx, 'login-start', options.loginStartsPerMinute ?? 30);
  const test = async (id: string, sample?: TestSample): Promise<ConnectionTestReport> =>
    testConnection(ctx, await ctx.connection(id), sample);
  // A moved route is served at its site path only; its old place under basePath answers 404.
  const movedFrom = new Map([...checked.moved].map(([route, path]) => [path, route]));
  const routeOf = (path: string): string | undefined => {
    const moved = movedFrom.get(path);
    if (moved !== undefined) return moved;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return undefined;
    const relative = path.slice(basePath.length);
    return checked.moved.has(relative) ? undefined : relative;
  };
  const sso: Sso = {
    origin: ctx.origin,
    basePath,
    routes: Object.freeze(
      Object.fromEntries(
        Object.entries(MOVABLE_ROUTES).flatMap(([name, route]) => {
          const path = checked.moved.get(route);
          return path === undefined ? [] : [[name, path]];
        }),
      ),
    ),
    serves: (path) => routeOf(path) !== undefined,
    connections: managedConnections(ctx),
    getSession: (request) => getSession(ctx, request, restore.active),
    revokeSessions: (filter) => revokeSessions(ctx, filter),
    ready: () => ctx.roles.ready(),
    can: (subject, resource, action, options) => {
      if (hasRoles(subject)) ctx.roles.touch();
      return can(ctx.roleDefinitions(), subject, resource, action, options, ctx.roles.policy);
    },
    organizationsOf: (subject) => {
      if (hasRoles(subject)) ctx.roles.touch();
      return organizationsOf(ctx.roleDefinitions(), subject, ctx.roles.policy);
    },
    roleMatcher: (connectionId) => roleMatcherFor(ctx, connectionId),
    testConnection: test,
    async handle(request) {
      const relative = routeOf(new URL(request.url).pathname);
      if (relative === undefined) return new Response('Not found', { status: 404 });
      try {
        return await route(ctx, { restore, test, loginStarts }, request, relative);
      } catch (error) {
        const response = errorResponse(error, {
          // APIs answer JSON whatever the client accepts: the admin API, the session route, and the
          // IdP's server-to-server calls (Back-Channel Logout §2.8). Browser routes may get a page.
          json: wantsJson(request) || isApiRoute(relative),
          // Only a failed login (or SAML logout) ends its transaction: another route's failure (an admin
          // call, a refused sign-out) must not break a login in progress in this browser.
          ...(isTransactionRoute(relative) ? { clearTransaction: ctx.txCookie } : {}),
          // The admin API's caller is an admin: its errors keep their details (URLs, issues).
          expose: relative.startsWith('/admin/'),
        });
        reportError(ctx, error, request, response.status);
        await recordLoginFailure(ctx, request, relative, error, response.status);
        return response;
      }
    },
  };
  // For the Node adapters' own failures (server/node replyToError); not part of the typed surface.
  Object.defineProperty(sso, REPORT_ERROR, {
    value: ((error, request, status) => reportError(ctx, error, request, status)) satisfies ErrorReporter,
  });
  return sso;
}

/** `sso.roleMatcher(id)`: the context's matcher, always with the connection a login there would name. */
function roleMatcherFor(ctx: SsoContext, connectionId: string): RoleMatcher {
  if (typeof connectionId !== 'string' || connectionId === '')
    throw Object.assign(new TypeError('roleMatcher(connectionId): "connectionId" must be a connection id.'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  const connection = { id: connectionId };
  return {
    get roleDefinitions() {
      return ctx.roleDefinitions();
    },
    match: (groups, context) => {
      ctx.roles.touch();
      return ctx.roles.current().matcher.match(groups, { ...context, connection });
    },
  };
}

/** The longest `returnTo` kept, in characters. */
const MAX_RETURN_TO = 2048;

/** The route table: `path` is relative to the base path. */
async function route(
  ctx: SsoContext,
  parts: {
    restore: Restore;
    test: (id: string, sample?: TestSample) => Promise<ConnectionTestReport>;
    loginStarts: ReturnType<typeof createSharedLimiter>;
  },
  request: Request,
  path: string,
): Promise<Response> {
  const { restore, test } = parts;
  const method = request.method;
  if (method === 'GET' && path === '/providers') {
    if (restore.active()) return json([]);
    const list = (await ctx.storage.connections.list())
      .filter((c) => c.active)
      .map((c) => ({ id: c.id, name: c.name, protocol: c.protocol, provider: c.provider }));
    return json(list);
  }
  const login = /^\/login\/([^/]+)$/.exec(path);
  if (method === 'GET' && login) {
    restore.refuseSso();
    const client = ctx.options.clientKey?.(request);
    if (client && !(await parts.loginStarts(client)))
      throw new SsoError(
        'rate_limited',
        'Too many sign-ins were started from here; wait a minute and try again.',
      );
    const c = await ctx.activeConnection(decodePathSegment(login[1] as string));
    const returnTo = new URL(request.url).searchParams.get('returnTo') ?? '/';
    if (!isSitePath(returnTo))
      throw new SsoError('invalid_return_to', 'returnTo must be a path on this site, such as /projects.');
    // Stored with the transaction: a long one is memory anyone could make the store hold.
    if (returnTo.length > MAX_RETURN_TO)
      throw new SsoError('invalid_return_to', `returnTo is longer than ${MAX_RETURN_TO} characters.`);
    return c.protocol === 'oidc'
      ? startOidcLogin(ctx, c, returnTo)
      : (await loadSamlFlow()).startSamlLogin(ctx, c, returnTo);
  }
  if (path === '/oidc/callback' && (method === 'GET' || method === 'POST')) {
    restore.refuseSso();
    return oidcCallback(ctx, request);
  }
  const frontchannel = /^\/oidc\/frontchannel-logout\/([^/]+)$/.exec(path);
  if (frontchannel) {
    if (method !== 'GET') throw notAllowed('The identity provider loads this URL in a frame.', 'GET');
    return frontchannelLogout(ctx, request, decodePathSegment(frontchannel[1] as string));
  }
  const backchannel = /^\/oidc\/backchannel-logout\/([^/]+)$/.exec(path);
  if (backchannel) {
    if (method !== 'POST') throw notAllowed('The identity provider posts logout tokens here.', 'POST');
    return backchannelLogout(ctx, request, decodePathSegment(backchannel[1] as string));
  }
  if (path === '/saml/acs') {
    restore.refuseSso();
    return (await loadSamlFlow()).samlAcs(ctx, request);
  }
  const metadata = /^\/saml\/metadata\/([^/]+)$/.exec(path);
  if (method === 'GET' && metadata)
    return (await loadSamlFlow()).spMetadata(ctx, decodePathSegment(metadata[1] as string));
  if (path === '/restore' && ctx.options.restore !== undefined) {
    if (method !== 'POST') throw notAllowed('Restore sign-in accepts only POST.', 'POST');
    return restore.login(request);
  }
  if (method === 'GET' && path === '/session')
    return json({ session: await getSession(ctx, request, restore.active) });
  if (path === '/logout' && (method === 'GET' || method === 'POST')) return logout(ctx, request);
  const slo = /^\/saml\/slo\/([^/]+)$/.exec(path);
  if (method === 'GET' && slo)
    return (await loadSamlFlow()).samlSlo(ctx, request, decodePathSegment(slo[1] as string));
  if (ctx.options.adminConsole && (path === '/admin' || path.startsWith('/admin/ui/')))
    return serveConsole(ctx, ctx.options.adminConsole, request, path);
  if (path.startsWith('/admin/') && ctx.options.authorizeAdmin) {
    return handleAdmin(request, path, {
      storage: ctx.storage,
      origin: ctx.origin,
      allowPrivateNetworks: ctx.allowPrivateNetworks,
      authorize: ctx.options.authorizeAdmin,
      test,
      ...(ctx.options.audit ? { audit: ctx.options.audit } : {}),
      clock: ctx.clock,
      ...(ctx.sessionStore ? { sessions: adminSessions(ctx, ctx.sessionStore) } : {}),
      endingSessions: (connectionId, why, change) => withSessionsEnded(ctx, connectionId, why, change),
      context: ctx,
    });
  }
  return new Response('Not found', { status: 404 });
}

/** The admin console's page and assets, for admins only; a refused visitor gets the console's refusal page. */
async function serveConsole(
  ctx: SsoContext,
  console: AdminConsoleMount,
  request: Request,
  path: string,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    throw notAllowed('The console answers GET.', 'GET');
  const admin = await authorizeAdminRequest(ctx.options.authorizeAdmin as AuthorizeAdmin, request);
  if (admin === false) {
    if (path === '/admin') return console.refusal(request, { basePath: ctx.basePath });
    throw new SsoError('forbidden', 'Only administrators may load the console.', {
      details: { reason: 'admin' },
    });
  }
  const served = await console.serve(request, { path, basePath: ctx.basePath, ...(admin ? { admin } : {}) });
  return served ?? new Response('Not found', { status: 404 });
}

/** The admin API's view of the session store: listing as stored, revoking through revocation.ts. */
function adminSessions(ctx: SsoContext, store: SessionStore) {
  return {
    list: (filter: SessionFilter) => store.list(filter),
    revoke: (filter: SessionFilter, why: Revocation) => revokeSessions(ctx, filter, why),
  };
}

/** Routes that start or finish a transaction (the `sso_tx` cookie): login starts, callbacks, SAML logout. */
function isTransactionRoute(path: string): boolean {
  return (
    path.startsWith('/login/') ||
    path === '/oidc/callback' ||
    path === '/saml/acs' ||
    path.startsWith('/saml/slo/') ||
    /^\/admin\/connections\/[^/]+\/test-login\/start$/.test(path)
  );
}

/** Routes called by programs, never by a browser navigating: their failures are always JSON. */
function isApiRoute(path: string): boolean {
  return (
    (path.startsWith('/admin/') && !path.startsWith('/admin/ui/')) ||
    path === '/session' ||
    path === '/providers' ||
    path.startsWith('/oidc/backchannel-logout/')
  );
}
