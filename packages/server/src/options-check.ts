/**
 * The checks of `createSso()`'s options, run once at construction: every problem is collected into one
 * `ConfigError` (path and a fix), so a mistake shows at start-up, not as a 500 on the first login.
 *
 * @module
 */
import {
  ConfigError,
  type ConfigIssue,
  checkIdpUrl,
  compileRoleMatcher,
  foldCase,
  type RoleMatcher,
  type RoleMatchingOptions,
} from '@ssokit/core';
import { checkRoleFile } from '@ssokit/storage';
import type { SsoOptions, SsoRoutes } from './options.ts';
import { isSitePath } from './respond.ts';
import { settingsIssues } from './settings-layers.ts';

/** What the checks yield for the context: the parsed base URL and path, the compiled role matcher. */
export interface CheckedOptions {
  base: URL;
  basePath: string;
  roles: RoleMatcher;
  /** The moved routes: route path under `basePath` (`/oidc/callback`) → its site path. */
  moved: ReadonlyMap<string, string>;
}

/** The routes `SsoOptions.routes` can move, and their path under `basePath`. */
export const MOVABLE_ROUTES: Readonly<Record<keyof SsoRoutes, string>> = {
  oidcCallback: '/oidc/callback',
  samlAcs: '/saml/acs',
  logout: '/logout',
};

/** A path such as /sso or /oidc/callback: no trailing slash, no query, only unreserved characters. */
const SITE_PATH = /^\/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$/;

const STORES = ['connections', 'users', 'groups', 'memberships', 'login', 'transactions', 'replay'] as const;
const HOOKS = ['audit', 'onWarning', 'onError', 'authorizeAdmin', 'clientKey'] as const;

/** Checks the options of `createSso`; throws a ConfigError naming every problem. */
export function checkOptions(options: SsoOptions): CheckedOptions {
  const issues: ConfigIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  let base: URL | undefined;
  try {
    base = new URL(options?.baseUrl);
  } catch {
    add('baseUrl', 'must be an absolute URL such as https://app.example.com.');
  }
  // The app's own origin follows the rule of IdP URLs: https, or http on a loopback host.
  if (base && !checkIdpUrl(base).ok)
    add('baseUrl', 'must use https (http only on localhost, 127.0.0.1 and ::1).');
  if (base && (base.pathname !== '/' || base.search !== '' || base.hash !== ''))
    add(
      'baseUrl',
      `must be an origin only (${base.origin}): the app's routes are under basePath, e.g. basePath: '${base.pathname.replace(/\/$/, '')}/sso'.`,
    );
  const basePath = options?.basePath ?? '/sso';
  if (!SITE_PATH.test(basePath)) add('basePath', 'must be a path such as /sso (no trailing slash).');
  const moved = checkRoutes(options?.routes, basePath, add);
  if (options?.postLogoutPath !== undefined && !isSitePath(options.postLogoutPath))
    add('postLogoutPath', 'must be a path on this site, such as / or /signed-out.');
  else if (options?.postLogoutPath !== undefined && options.postLogoutPath === moved.get('/logout'))
    add(
      'postLogoutPath',
      'is the sign-out route itself: the browser would land on sign-out again. Use a page such as / or /signed-out.',
    );
  if (options?.secret === undefined || options.secret === '')
    add(
      'secret',
      'is missing: set it to a string of at least 32 characters kept out of your code, e.g. SSO_SECRET from `openssl rand -base64 32`.',
    );
  else if (typeof options.secret !== 'string' || options.secret.length < 32)
    add('secret', 'must be a string of at least 32 characters (e.g. `openssl rand -base64 32`).');
  const storage = options?.storage;
  for (const member of STORES)
    if (!storage || typeof storage[member] !== 'object')
      add(`storage.${member}`, 'is missing: pass memoryStorage() or a storage adapter.');
  for (const hook of HOOKS)
    if (options?.[hook] !== undefined && typeof options[hook] !== 'function')
      add(hook, 'must be a function.');
  if (options?.allowPrivateNetworks !== undefined && typeof options.allowPrivateNetworks !== 'boolean')
    add(
      'allowPrivateNetworks',
      'must be true or false (a string such as "false" from the environment is neither).',
    );
  wholeNumber(options?.sessionTtlSec, 'sessionTtlSec', 60, 31 * 86_400, 'seconds', add);
  wholeNumber(options?.sessionIdleTimeoutSec, 'sessionIdleTimeoutSec', 120, 31 * 86_400, 'seconds', add);
  wholeNumber(options?.sessionCacheMs, 'sessionCacheMs', 0, 60_000, 'milliseconds', add);
  wholeNumber(options?.roleCacheMs, 'roleCacheMs', 0, 3_600_000, 'milliseconds', add);
  const mode = options?.sessionMode;
  if (mode !== undefined && mode !== 'server' && mode !== 'cookie')
    add('sessionMode', 'must be "server" or "cookie".');
  else if (mode === 'server' && options?.storage && !options.storage.sessions)
    add(
      'sessionMode',
      'is "server", and the storage has no session store: use a store with sessions (memoryStorage, @ssokit/storage-sql, @ssokit/storage-redis) or sessionMode "cookie".',
    );
  wholeNumber(options?.transactionTtlSec, 'transactionTtlSec', 30, 3600, 'seconds', add);
  wholeNumber(options?.loginStartsPerMinute, 'loginStartsPerMinute', 1, 100_000, 'login starts', add);
  if (options?.loginStartsPerMinute !== undefined && options.clientKey === undefined)
    add(
      'loginStartsPerMinute',
      'counts login starts per client, and clientKey says who the client is: set clientKey too (behind a proxy, from the header your proxy sets).',
    );
  if (
    options?.restoreRoles !== undefined &&
    (!Array.isArray(options.restoreRoles) ||
      !options.restoreRoles.every((r) => typeof r === 'string' && r !== ''))
  )
    add('restoreRoles', 'must be a list of role names.');
  issues.push(...settingsIssues(options?.settings));
  const console = options?.adminConsole;
  if (
    console !== undefined &&
    (typeof console?.serve !== 'function' || typeof console?.refusal !== 'function')
  )
    add('adminConsole', "must be a console such as @ssokit/admin-ui's adminConsole().");
  else if (console !== undefined && options?.authorizeAdmin === undefined)
    add(
      'adminConsole',
      'needs authorizeAdmin: the console is for administrators, and authorizeAdmin says who they are.',
    );
  const roles = compileRoles(options?.roles, add);
  checkRoleFiles(options?.roleFiles, options?.roles, add);
  if (issues.length > 0) throw new ConfigError(issues);
  return { base: base as URL, basePath, roles: roles as RoleMatcher, moved };
}

/**
 * Checks `roleFiles`: each file as the role store will (`checkRoleFile`), no role name twice across
 * files or shared with a role defined in code (case-insensitively), and none beside the host's own
 * matcher, which decides alone.
 */
function checkRoleFiles(
  files: SsoOptions['roleFiles'],
  roles: SsoOptions['roles'],
  add: (path: string, message: string) => void,
): void {
  checkCodeScopes(roles, add);
  if (files === undefined) return;
  if (!Array.isArray(files)) {
    add('roleFiles', "must be a list such as [{ origin: 'oidc.yaml', roles: [...] }].");
    return;
  }
  if (files.length > 0 && roles !== undefined && typeof (roles as RoleMatcher).match === 'function') {
    add(
      'roleFiles',
      "cannot be used with your own role matcher (roles), which decides every login's roles alone.",
    );
    return;
  }
  const owner = new Map<string, string>();
  for (const r of (roles as RoleMatchingOptions | undefined)?.roleDefinitions ?? [])
    if (typeof r?.name === 'string') owner.set(foldCase(r.name), 'roles.roleDefinitions');
  for (const [i, file] of files.entries()) {
    try {
      const checked = checkRoleFile(file?.roles, file?.origin);
      for (const role of checked.roles) {
        const other = owner.get(foldCase(role.name));
        if (other !== undefined)
          add(`roleFiles[${i}]`, `defines the role "${role.name}", which ${other} defines too: keep one.`);
        owner.set(foldCase(role.name), `roleFiles[${i}] (${checked.origin})`);
      }
    } catch (error) {
      add(`roleFiles[${i}]`, (error as Error).message);
    }
  }
}

/** Refuses a code role whose scope would not say where it applies (a typo is not global). */
function checkCodeScopes(roles: SsoOptions['roles'], add: (path: string, message: string) => void): void {
  if (roles === undefined || typeof (roles as RoleMatcher).match === 'function') return;
  const definitions = (roles as RoleMatchingOptions).roleDefinitions;
  if (!Array.isArray(definitions)) return;
  for (const [i, role] of definitions.entries()) {
    const scope = role?.scope;
    if (scope !== undefined && scope !== 'global' && scope !== 'organization')
      add(`roles.roleDefinitions[${i}].scope`, 'must be "global" or "organization".');
    else if (
      scope === 'organization' &&
      (typeof role.organizationId !== 'string' || role.organizationId === '')
    )
      add(
        `roles.roleDefinitions[${i}].organizationId`,
        'is needed for a role of scope "organization": the id of the organization it applies to.',
      );
  }
}

/** Checks `routes`: known names, site paths outside `basePath`, no two alike. */
function checkRoutes(
  routes: SsoRoutes | undefined,
  basePath: string,
  add: (path: string, message: string) => void,
): Map<string, string> {
  const moved = new Map<string, string>();
  if (routes === undefined) return moved;
  if (typeof routes !== 'object' || routes === null) {
    add('routes', 'must be an object such as { oidcCallback: "/oidc/callback" }.');
    return moved;
  }
  const taken = new Set<string>();
  for (const [name, path] of Object.entries(routes)) {
    if (path === undefined) continue;
    const where = `routes.${name}`;
    const route = MOVABLE_ROUTES[name as keyof SsoRoutes];
    if (route === undefined) {
      add(where, `is not a route that can move; these can: ${Object.keys(MOVABLE_ROUTES).join(', ')}.`);
    } else if (typeof path !== 'string' || !SITE_PATH.test(path)) {
      add(where, `must be a path on this site such as ${route} (no trailing slash, no query).`);
    } else if (path === basePath || path.startsWith(`${basePath}/`)) {
      add(
        where,
        `is under basePath (${basePath}), where ssokit's own routes are: give a path outside it, or leave it unset for ${basePath}${route}.`,
      );
    } else if (taken.has(path)) {
      add(where, `is the path of another route: each route needs its own.`);
    } else {
      taken.add(path);
      moved.set(route, path);
    }
  }
  return moved;
}

function wholeNumber(
  value: unknown,
  path: string,
  min: number,
  max: number,
  unit: string,
  add: (path: string, message: string) => void,
): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    add(path, `must be a whole number of ${unit} from ${min} to ${max}.`);
}

/** The role matcher: compiled here once (a mistake in the rules is a start-up error), or the host's own. */
function compileRoles(
  roles: SsoOptions['roles'],
  add: (path: string, message: string) => void,
): RoleMatcher | undefined {
  if (roles !== undefined && typeof (roles as RoleMatcher).match === 'function') return roles as RoleMatcher;
  try {
    return compileRoleMatcher(roles ?? {});
  } catch (error) {
    // compileRoleMatcher names its argument "options"; here it is createSso's "roles".
    add('roles', (error as Error).message.replace(/"options\./g, '"roles.').replace(/"options"/g, '"roles"'));
    return undefined;
  }
}
