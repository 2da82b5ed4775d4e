/**
 * The public shapes of `@ssokit/server`: the options of `createSso()`, the object it returns and the
 * session a host reads (with `ssoUser`, the one projection of a user onto it). `create-sso.ts` checks
 * the options and `context.ts` reads them.
 *
 * @module
 */
import type { RestoreMode, SettingsLayer } from '@ssokit/config';
import {
  type AuditHook,
  type Clock,
  customFetch,
  now as nowSymbol,
  type RoleMatcher,
  type RoleMatchingOptions,
  type WarningHook,
} from '@ssokit/core';
import type { SessionFilter, SsoStorage } from '@ssokit/storage';
import type { AuthorizeAdmin } from './admin.ts';
import type { CanOptions, PermissionSubject } from './authorization.ts';
import type { RoleFile } from './role-catalog.ts';
import type { ConnectionTestReport, TestSample } from './test-connection/report.ts';

/** Options of {@link createSso}. */
export interface SsoOptions {
  /** The app's external origin, e.g. `https://app.example.com`. https, or http on a loopback host. */
  baseUrl: string;
  /** Where ssokit's routes live. Default: `'/sso'`. */
  basePath?: string;
  /**
   * Site paths for the routes an IdP (or a product you replace) already has registered, instead of
   * their place under `basePath`; a route moved here is served only at its new path. Each is a path on
   * this site outside `basePath`. Test Provider, SP metadata and the redirect URIs sent to the IdP use
   * them. Default: every route under `basePath`.
   *
   * @example
   * ```ts
   * // W&B Server's registrations: redirect URI /oidc/callback, sign-out at /logout.
   * const routes = { oidcCallback: '/oidc/callback', logout: '/logout' };
   * ```
   */
  routes?: SsoRoutes;
  storage: SsoStorage;
  /**
   * Connection fields set outside the admin's reach, applied field by field over what is stored, with
   * W&B's precedence: `environment`, then `file`, then stored, then `default` layers. Every login and
   * the admin API see the effective connection; the admin API shows each field's source
   * (`GET /admin/connections/:id` → `sources`) and refuses to change a field the environment or a
   * file fixes, naming the variable or file. A connection only an environment or file layer defines
   * exists without being stored (W&B configured by its variables alone). Build the layers with
   * `wandbSettings(loadWandbEnv(process.env))` or `fileSettings(connection, 'arthur.yaml')` from
   * `@ssokit/config`. Default: none.
   *
   * @example
   * ```ts
   * import { loadWandbEnv, wandbSettings } from '@ssokit/config';
   *
   * const settings = wandbSettings(loadWandbEnv(process.env)); // OIDC_ISSUER, OIDC_CLIENT_ID, ... win
   * ```
   */
  settings?: readonly SettingsLayer[];
  /**
   * At least 32 characters; sessions are encrypted with a key derived from it. Typed to take
   * `process.env.SSO_SECRET` as it is: a missing one is refused by `createSso` (a `ConfigError`), not
   * by the compiler.
   *
   * @example
   * ```ts
   * const secret = process.env.SSO_SECRET; // string | undefined; `openssl rand -base64 32`
   * ```
   */
  secret: string | undefined;
  /**
   * Role matching for every login, and the roles defined in code. With matching options, the role
   * store's roles (`storage.roles`: the admin API's and the `roleFiles`') join these definitions; with
   * the host's own matcher, that matcher alone decides. Default: no roles defined in code.
   */
  roles?: RoleMatcher | RoleMatchingOptions;
  /**
   * Role files applied to the role store (`storage.roles.applyFromFile`) once per instance, before
   * the first login or session read (or at `await sso.ready()`): Arthur's `globalRoleDefs`. The
   * file's roles are created, updated to what it says, or deleted when it stops defining them; the
   * admin API shows them as the file's and refuses to edit them. Without a role store they count as
   * written. Default: none.
   *
   * @example
   * ```ts
   * import { readFileSync } from 'node:fs';
   * import { loadArthurConfig } from '@ssokit/config';
   *
   * const { roleDefinitions } = loadArthurConfig(readFileSync('oidc.yaml', 'utf8'));
   * const roleFiles = [{ origin: 'oidc.yaml', roles: roleDefinitions }];
   * ```
   */
  roleFiles?: readonly RoleFile[];
  /**
   * How long, in milliseconds, the stored roles read from `storage.roles` are reused before they are
   * read again. A role written through this instance counts at once; one written through another
   * instance counts within this time. Default: `5000`.
   */
  roleCacheMs?: number;
  audit?: AuditHook;
  onWarning?: WarningHook;
  /**
   * Receives every failure the server answers, in full (the message, `details`, `cause`, IdP URLs):
   * what visitors are not shown. Log it. `status` is the HTTP status sent. The framework adapters hand
   * it their own failures too (a body over `bodyLimit`, a bearer token refused by `requireAuth`), but
   * not `unauthenticated`, a visitor who presented no credential at all, which is no failure. What the
   * hook throws or rejects with is ignored. Default: none, and then a failure that is not an
   * `SsoError` (a 500) is written to `console.error`.
   *
   * @example
   * ```ts
   * const onError = (error: unknown, { status }: { status: number }) => {
   *   if (status >= 500) console.error('[sso]', error);
   * };
   * ```
   */
  onError?: (error: unknown, context: { request: Request; status: number }) => void;
  /**
   * Guards the admin API (`/admin/connections...`): `true` or the admin's name allows; anything else
   * (`false`, `undefined`, `null`, `''`) refuses, so a hook that finds no session fails closed. Without
   * it the admin API does not exist (404). Default: none.
   */
  authorizeAdmin?: AuthorizeAdmin;
  /**
   * An admin console served at `{basePath}/admin` (its page) and `{basePath}/admin/ui/*` (its assets),
   * behind `authorizeAdmin`, which it needs: `adminConsole()` from `@ssokit/admin-ui`. Default: none.
   *
   * @example
   * ```ts
   * import { adminConsole } from '@ssokit/admin-ui';
   *
   * const options = { adminConsole: adminConsole(), authorizeAdmin: async () => true };
   * ```
   */
  adminConsole?: AdminConsoleMount;
  /** Session lifetime in seconds: a session ends then, however active. Default: 28800 (8 hours). */
  sessionTtlSec?: number;
  /**
   * Where sessions live. `'server'`: in `storage.sessions`, the cookie holding only a random token, so
   * a session can end everywhere at once (logout, `revokeSessions`, back-channel logout, a deleted
   * connection). `'cookie'`: sealed into the cookie itself, for a store without sessions; such a
   * session cannot be revoked, keeps no ID token and at most 2048 characters of group names
   * (`groupsTruncated` says when some were left out). Default: `'server'` when the storage has a
   * session store (every ssokit store does), else `'cookie'`.
   */
  sessionMode?: 'server' | 'cookie';
  /**
   * Server-side sessions end after this many seconds without a request (a request moves the idle
   * expiry at most once a minute). Cookie sessions have only `sessionTtlSec`. Default: 7200 (2 hours).
   */
  sessionIdleTimeoutSec?: number;
  /**
   * Reuse a resolved server-side session for up to this many milliseconds in this process, so
   * `getSession` reads neither store on most requests. The staleness bound: a logout, revocation or
   * disabled user on another instance takes effect here within this time (on this instance, at once).
   * At most 60000. Default: 0 (every request reads the session store and the user).
   */
  sessionCacheMs?: number;
  /** How long a login may take, in seconds. Default: 600 (10 minutes). */
  transactionTtlSec?: number;
  /**
   * The IdP key cache: `maxAgeMs` (default 600000, 10 minutes) before a key set is fetched again, and
   * `cooldownMs` (default 30000) between two fetches caused by tokens with an unknown `kid`, which
   * bounds how often forged `kid`s make ssokit call the IdP. A rotation at the IdP is picked up on the
   * first token with the new `kid` once the cooldown since the last fetch has passed.
   */
  jwks?: { maxAgeMs?: number; cooldownMs?: number };
  /**
   * Restore mode (W&B's `LOCAL_RESTORE`), from `loadWandbEnv(process.env).restore` or
   * `startRestoreMode()`: until it expires, every SSO login is refused (`sso_disabled`), `GET /providers`
   * lists none, and `POST /restore` with the temporary password gives an administrator a session with
   * `restoreRoles`. Every attempt is audited; five wrong passwords a minute from one client (see
   * `clientKey`), then `rate_limited` for that client only.
   * Default: off.
   */
  restore?: RestoreMode;
  /** The roles of a restore-mode session. Default: `['admin']`. */
  restoreRoles?: readonly string[];
  /**
   * Where the browser lands after logout: a path on this site. With IdP logout, `baseUrl` + this path is
   * the post-logout redirect URI to register at the IdP (Test Provider shows it). Default: `'/'`.
   */
  postLogoutPath?: string;
  /**
   * Call identity providers on this machine or a private network (localhost, private, loopback and
   * link-local addresses, by the URL and by what its name resolves to). Off, the admin API refuses such
   * URLs and every request to them fails alike (`idp_unreachable`), so an admin-typed URL cannot make
   * the server probe its own network or a cloud metadata service. Turn it on for an IdP inside your
   * network (a Keycloak at https://keycloak.internal). Default: on when `baseUrl` is http on a loopback
   * host (development), off otherwise.
   */
  allowPrivateNetworks?: boolean;
  /**
   * Who sent a request, for limits kept per client (wrong restore passwords, login starts). Behind a
   * reverse proxy, take the address your proxy adds, never one the client could write: proxies that
   * append to `X-Forwarded-For` (nginx's `$proxy_add_x_forwarded_for`, AWS ALB) put it last, after
   * whatever the client sent. Default: the address the Express, Koa and Nest adapters know (`req.ip`,
   * `ctx.ip`, which follow the framework's trust-proxy setting; else the socket's); with `sso.handle`
   * called directly and no hook, every request counts as one client.
   *
   * @example
   * ```ts
   * // One trusted proxy in front: the last X-Forwarded-For entry is the address it saw.
   * const clientKey = (request: Request) => request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
   * ```
   */
  clientKey?: (request: Request) => string | undefined;
  /**
   * Login starts (`GET /login/:id`) one client may make per minute, counted only when `clientKey`
   * names the client: beyond it, `rate_limited`, so one client cannot fill the transaction store with
   * abandoned logins. Default: 30.
   */
  loginStartsPerMinute?: number;
  [customFetch]?: (input: string, init: RequestInit) => Promise<Response>;
  [nowSymbol]?: Clock;
}

/** What `SsoOptions.adminConsole` is: `@ssokit/admin-ui`'s `adminConsole()`, or a console of your own. */
export interface AdminConsoleMount {
  /**
   * Answers a GET of the console's page (`path` is `'/admin'`) or one of its assets (`'/admin/ui/...'`)
   * for an admin `authorizeAdmin` allowed (`admin` is the name it gave, if any); `undefined` for a path
   * it does not serve (404).
   */
  serve(
    request: Request,
    site: { path: string; basePath: string; admin?: string },
  ): Response | undefined | Promise<Response | undefined>;
  /** The page a visitor `authorizeAdmin` refused gets at `{basePath}/admin` (status 403). */
  refusal(request: Request, site: { basePath: string }): Response;
}

/** Routes whose path can be set (see `SsoOptions.routes`). */
export interface SsoRoutes {
  /** The OIDC redirect URI's path. Default: `basePath + '/oidc/callback'`. W&B: `/oidc/callback`; Arthur: `/login/callback`. */
  oidcCallback?: string;
  /** The SAML Assertion Consumer Service's path. Default: `basePath + '/saml/acs'`. */
  samlAcs?: string;
  /** The sign-out route's path (`GET|POST`). Default: `basePath + '/logout'`. W&B: `/logout`. */
  logout?: string;
}

/** Who a session or token is, as the host sees it. */
export interface SsoUser {
  id: string;
  email?: string;
  name?: string;
  username?: string;
}

/** The session of a request, as the host sees it. */
export interface SsoSession {
  user: SsoUser;
  roles: string[];
  groups: string[];
  /**
   * The organizations the session's roles apply to (their `organizationId`s, see `RoleDefinition`), in
   * the order of `roles`. Derived from the role definitions when the session is read, so a role moved
   * to another organization shows without a new login. Global roles add none.
   */
  organizations: string[];
  connectionId: string;
  expiresAt: Date;
  /** A cookie session left some group names out to stay small (see `SsoOptions.sessionMode`). */
  groupsTruncated?: true;
  /** A restore-mode administrator (`connectionId` is then `'restore'`); see `SsoOptions.restore`. */
  restore?: true;
}

/** The host's view of a user or token profile: the id and whichever display fields are set. */
export function ssoUser(
  id: string,
  fields: { email?: string | undefined; name?: string | undefined; username?: string | undefined },
): SsoUser {
  return {
    id,
    ...(fields.email ? { email: fields.email } : {}),
    ...(fields.name ? { name: fields.name } : {}),
    ...(fields.username ? { username: fields.username } : {}),
  };
}

/** What {@link createSso} returns. */
export interface Sso {
  /** The origin of `baseUrl` (`https://app.example.com`), for adapters building Web requests. */
  readonly origin: string;
  /** Where ssokit's routes live (`/sso` by default); adapters pass other paths on to the host. */
  readonly basePath: string;
  /** The routes moved out of `basePath` (`SsoOptions.routes`), as set. */
  readonly routes: Readonly<SsoRoutes>;
  /**
   * Whether `handle` serves this path (a URL's pathname): one under `basePath` or a moved route.
   * Adapters pass every other request on to the host.
   *
   * @example
   * ```ts
   * declare const sso: import('@ssokit/server').Sso;
   * sso.serves('/sso/login/okta'); // true
   * sso.serves('/projects'); // false
   * ```
   */
  serves(path: string): boolean;
  /** Serves every ssokit route; any other path answers 404. */
  handle(request: Request): Promise<Response>;
  /** The request's session, or `null`. */
  getSession(request: Request): Promise<SsoSession | null>;
  /**
   * Applies `roleFiles` to the role store and reads the stored roles, failing when a file's role has
   * the name of a role created through the admin API (`storage_conflict`) or the store cannot be read.
   * Optional: the first login or session read does the same, warning (`role-file-conflict`) instead
   * of failing. Call it once at start-up to fail fast.
   *
   * @example
   * ```ts
   * declare const sso: import('@ssokit/server').Sso;
   *
   * await sso.ready(); // before app.listen()
   * ```
   */
  ready(): Promise<void>;
  /**
   * Ends sessions on every instance: all of a user's (`{ userId }`), all at a connection
   * (`{ connectionId }`), or one IdP user's or IdP session's there (`{ connectionId, subject }`,
   * `{ connectionId, idpSessionId }`). Returns how many ended. Needs server-side sessions
   * (`sessionMode: 'server'`); with cookie sessions it throws `config_invalid`.
   *
   * @example
   * ```ts
   * // The user was disabled in the app: sign them out everywhere now.
   * await sso.revokeSessions({ userId: user.id });
   * ```
   */
  revokeSessions(filter: SessionFilter): Promise<number>;
  /**
   * Whether `subject` (a session, an adapter's `SsoAuth`, a verified bearer token, or role names) may
   * do `action` on `resource`: true when one of its roles grants it, a global role anywhere, an
   * organization role only when `options.organization` is its `organizationId`. Role names without a
   * definition grant nothing, `null` is never allowed, and there are no wildcards (Arthur has none).
   * Synchronous: the definitions are indexed once per version.
   *
   * @example
   * ```ts
   * declare const sso: import('@ssokit/server').Sso;
   * declare const request: Request;
   *
   * const session = await sso.getSession(request);
   * if (!sso.can(session, 'models', 'write', { organization: 'org-1' })) {
   *   // answer 403
   * }
   * ```
   */
  can(subject: PermissionSubject, resource: string, action: string, options?: CanOptions): boolean;
  /**
   * The organizations `subject`'s roles apply to, as `SsoSession.organizations` lists them: for a
   * bearer token or a list of role names.
   *
   * @example
   * ```ts
   * declare const sso: import('@ssokit/server').Sso;
   *
   * sso.organizationsOf(['idp-admin', 'org-1-model-owner']); // ['org-1']
   * ```
   */
  organizationsOf(subject: PermissionSubject): string[];
  /**
   * The role matching a login through connection `connectionId` does (`grantedBy` included), for
   * `createAccessTokenVerifier({ roles })`: bearer tokens from that connection's IdP then get the roles,
   * and so the permissions, a browser session of the same person gets. The connection need not exist
   * yet; a role whose `grantedBy` does not name it is never granted.
   *
   * @example
   * ```ts
   * import { createAccessTokenVerifier } from '@ssokit/oidc';
   * declare const sso: import('@ssokit/server').Sso;
   *
   * const bearer = createAccessTokenVerifier({
   *   issuer: 'https://dev.okta.com/oauth2/default',
   *   audience: ['api://default'],
   *   claimMapping: { roles: 'Groups' },
   *   roles: sso.roleMatcher('okta-prod'),
   * });
   * ```
   */
  roleMatcher(connectionId: string): RoleMatcher;
  /**
   * The connections, as the admin API changes them: `create` and `update` save only a connection a
   * login could use (else a `ConfigError` listing every problem: the JSON Schema's, an IdP URL this
   * server may not call, aggregate metadata with no `idpEntityId`), and deleting or deactivating one
   * ends its sessions on every instance. The storage's own `connections` does neither.
   *
   * @example
   * ```ts
   * await sso.connections.create({
   *   name: 'Okta',
   *   protocol: 'oidc',
   *   provider: 'okta',
   *   active: true,
   *   oidc: { issuer: 'https://acme.okta.com', clientId: '0oa1b2c3' },
   * });
   * ```
   */
  readonly connections: SsoStorage['connections'];
  /**
   * "Test Provider": checks a connection against its IdP (OIDC: discovery, issuer, JWKS, endpoints,
   * clock skew; SAML: metadata, certificates and their expiry, endpoints) and, given a sample answer,
   * previews the mapped profile, roles and group-sync plan against the current user. No side effects.
   */
  testConnection(id: string, sample?: TestSample): Promise<ConnectionTestReport>;
}
