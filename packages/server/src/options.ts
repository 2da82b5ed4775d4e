/**
 * The options of `createSso()`: `create-sso.ts` checks them and `context.ts` reads them. What it
 * returns, and the session a host reads, are in sso.ts.
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
import type { SsoStorage } from '@ssokit/storage';
import type { AuthorizeAdmin } from './admin.ts';
import type { RoleFile } from './role-catalog.ts';

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
  /**
   * The fetch every request to an IdP goes through (discovery, JWKS, token, metadata), under the
   * outbound rule (`allowPrivateNetworks`): for a corporate proxy or tests. Default: the global fetch.
   */
  [customFetch]?: (input: string, init: RequestInit) => Promise<Response>;
  /** The clock, in epoch milliseconds (tests). Default: `Date.now`. */
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
