/**
 * What every flow needs, built once by `createSso()` from its checked options: the storage, the clock,
 * the IdP caches, URLs on this site, cookie attributes and lifetimes. Flows receive this context and
 * nothing else, so a feature's dependencies are visible in its signature.
 *
 * @module
 */
import {
  type Clock,
  type Connection,
  customFetch,
  isLoopbackHost,
  now as nowSymbol,
  type RoleDefinition,
  SsoError,
  type SsoWarningCode,
} from '@ssokit/core';
import { createDiscoveryCache, createJwksCache, type DiscoveryCache, type JwksCache } from '@ssokit/oidc';
import type { SessionStore, SsoStorage } from '@ssokit/storage';
import { validateConnection } from './connections.ts';
import type { CookieAttributes } from './cookies.ts';
import { callHook } from './hooks.ts';
import { layeredConnections } from './layered-connections.ts';
import type { SsoOptions } from './options.ts';
import type { CheckedOptions } from './options-check.ts';
import { createOutboundFetch } from './outbound.ts';
import { createRoleCatalog, type RoleCatalog } from './role-catalog.ts';
import { createSessionCodec, type SessionCodec } from './session.ts';
import { createSessionCache, type SessionCache } from './session-cache.ts';
import { type FieldSource, storedSourcesOf } from './settings-layers.ts';

/** The runtime context of one `createSso()` instance. */
export interface SsoContext {
  readonly options: SsoOptions;
  /** The host's storage, its connections seen through the settings layers (`SsoOptions.settings`). */
  readonly storage: SsoStorage;
  /** Where each effective field of a connection comes from (all `stored` without settings layers). */
  sources(id: string): Promise<Record<string, FieldSource>>;
  /**
   * The roles: code's, the role files' and the role store's (role-catalog.ts). Logins and session
   * reads `load()` it; synchronous questions (`sso.can`) read `current()`.
   */
  readonly roles: RoleCatalog;
  /**
   * The role definitions as they are now: what every permission question (`sso.can`, a session's
   * `organizations`) reads. The same list until the definitions change: a list is indexed once
   * (authorization.ts).
   */
  roleDefinitions(): readonly RoleDefinition[];
  /** The origin of `baseUrl`. */
  readonly origin: string;
  readonly basePath: string;
  readonly clock: Clock;
  /** The fetch for every request to an IdP: the outbound rule over the host's `customFetch`, if any. */
  readonly http: { [customFetch]: (input: string, init: RequestInit) => Promise<Response> };
  /** Whether IdPs on private networks may be called (`SsoOptions.allowPrivateNetworks`). */
  readonly allowPrivateNetworks: boolean;
  readonly discovery: DiscoveryCache;
  readonly keys: JwksCache;
  readonly codec: SessionCodec;
  /** Where sessions live: the store's session store (server-side sessions), or none (cookie sessions). */
  readonly sessionStore: SessionStore | undefined;
  readonly sessionTtlSec: number;
  /** Server-side sessions end after this many seconds without a request. */
  readonly sessionIdleSec: number;
  /** Resolved sessions reused for `sessionCacheMs` (server mode; keeps nothing by default). */
  readonly sessionCache: SessionCache;
  readonly transactionTtlMs: number;
  /** Where the browser lands after logout (a site path). */
  readonly postLogoutPath: string;
  /** Attributes of the transaction cookie (see transactions.ts). */
  readonly txCookie: CookieAttributes;
  /** Attributes of the session cookies (see session.ts). */
  readonly sessionCookie: CookieAttributes;
  /** The site path of a route given by its path under `basePath` (`'/logout'`), moved or not. */
  path(route: string): string;
  /** The absolute URL of a route given by its path under `basePath`: `url('/saml/acs')`. */
  url(route: string): string;
  /** The connection with this id, which must exist (`connection_not_found`). */
  connection(id: string): Promise<Connection>;
  /** The connection with this id, which must exist and be active. */
  activeConnection(id: string): Promise<Connection>;
  /**
   * Hands a warning to `onWarning` (see hooks.ts: what the hook throws or rejects with is ignored). With `once`, a warning of that key is
   * given once per instance: what repeats on every login is said the first time.
   */
  warn(code: SsoWarningCode, message: string, details: Record<string, unknown>, once?: string): void;
}

/** How many `once` keys are remembered before the memory starts over (a bound, not a policy). */
const MAX_ONCE_KEYS = 1000;

/** Builds the context from options that `createSso()` has already checked. */
export function createContext(options: SsoOptions, checked: CheckedOptions): SsoContext {
  const { base, basePath, moved } = checked;
  const origin = base.origin;
  const secure = base.protocol === 'https:';
  // Development (http on loopback) calls local IdPs; production only public ones unless allowed.
  const allowPrivateNetworks = options.allowPrivateNetworks ?? (!secure && isLoopbackHost(base.hostname));
  // Settings layers (the environment, a file, defaults) apply to every reader of connections.
  const connections =
    options.settings && options.settings.length > 0
      ? layeredConnections(options.storage.connections, options.settings, async (c) => {
          // Checked as a saved connection is (connections.ts), with this server's outbound rule.
          const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = c;
          await validateConnection({ allowPrivateNetworks }, fields);
        })
      : undefined;
  const storage: SsoStorage = connections
    ? (Object.create(options.storage, {
        connections: { value: connections, enumerable: true },
      }) as SsoStorage)
    : options.storage;
  const http = {
    [customFetch]: createOutboundFetch({ allowPrivateNetworks, custom: options[customFetch] }),
  };
  const transactionTtlMs = (options.transactionTtlSec ?? 600) * 1000;
  const warned = new Set<string>();
  const path = (route: string) => moved.get(route) ?? `${basePath}${route}`;
  // The transaction cookie must reach the callbacks: a callback moved out of basePath needs path /.
  const txPath = moved.has('/oidc/callback') || moved.has('/saml/acs') ? '/' : basePath;
  const warn: SsoContext['warn'] = (code, message, details, once) => {
    if (!options.onWarning) return;
    if (once !== undefined) {
      const key = `${code}\u0000${once}`;
      if (warned.has(key)) return;
      if (warned.size >= MAX_ONCE_KEYS) warned.clear();
      warned.add(key);
    }
    callHook(options.onWarning, code, message, details);
  };
  const clock = options[nowSymbol] ?? Date.now;
  const roles = createRoleCatalog({
    given: options.roles,
    compiled: checked.roles,
    store: storage.roles,
    files: options.roleFiles ?? [],
    cacheMs: options.roleCacheMs ?? 5000,
    clock,
    warn,
  });
  const connection = async (id: string): Promise<Connection> => {
    const found = await storage.connections.get(id);
    if (!found) throw new SsoError('connection_not_found', 'No identity provider connection has this id.');
    return found;
  };
  return {
    options,
    storage,
    roles,
    roleDefinitions: () => roles.current().definitions,
    origin,
    basePath,
    clock,
    http,
    allowPrivateNetworks,
    discovery: createDiscoveryCache(http),
    keys: createJwksCache({ ...http, ...(options.jwks ?? {}) }),
    codec: createSessionCodec(options.secret as string),
    sessionStore: options.sessionMode === 'cookie' ? undefined : storage.sessions,
    sessionTtlSec: options.sessionTtlSec ?? 28_800,
    sessionIdleSec: options.sessionIdleTimeoutSec ?? 7200,
    sessionCache: createSessionCache(options.sessionCacheMs ?? 0),
    transactionTtlMs,
    postLogoutPath: options.postLogoutPath ?? '/',
    // Cross-site POSTs (form_post, the SAML ACS) drop SameSite=Lax cookies: on https the transaction
    // cookie is SameSite=None; Secure. On http loopback, IdP and app are same-site, so Lax suffices.
    txCookie: { secure, sameSite: secure ? 'None' : 'Lax', path: txPath, maxAge: transactionTtlMs / 1000 },
    sessionCookie: { secure, sameSite: 'Lax', path: '/' },
    path,
    url: (route) => `${origin}${path(route)}`,
    connection,
    sources: async (id) => {
      if (connections) return connections.sources(id);
      const found = await storage.connections.get(id);
      return found ? storedSourcesOf(found) : {};
    },
    async activeConnection(id) {
      const found = await connection(id);
      if (!found.active)
        throw new SsoError('connection_inactive', `The connection "${found.name}" is disabled.`);
      return found;
    },
    warn,
  };
}
