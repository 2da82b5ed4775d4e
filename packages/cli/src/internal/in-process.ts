/**
 * The app, as the command imagines it: `createSso()` in this process with an in-memory store and a
 * throw-away secret, the connection put in through `sso.connections` (so it is validated as the admin
 * API validates it). Test Provider, the SP metadata and a login start then come from the server
 * itself, with the values the real app would show.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, isLoopbackHost } from '@ssokit/core';
import { createSso, type Sso, type SsoOptions, type SsoRoutes } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import { type ParsedArgs, stringFlag } from '../args.ts';
import { CliError } from '../errors.ts';
import { ConfigProblems, type LoadedSource, locate } from './source.ts';

/** A warning `createSso` or a check reported through `onWarning`. */
export interface SsoWarning {
  code: string;
  message: string;
}

/** The in-process app. */
export interface InProcess {
  sso: Sso;
  baseUrl: string;
  connectionId: string;
  warnings: SsoWarning[];
  /** Whether it may call hosts on this machine or a private network, as `createSso()` decided. */
  allowPrivateNetworks: boolean;
}

/** Which flag sets an option of `createSso`, for its errors. */
const FLAG_OF: Record<string, string> = {
  baseUrl: '--base-url',
  basePath: '--base-path',
  'routes.oidcCallback': '--callback-path',
  'routes.samlAcs': '--acs-path',
  'routes.logout': '--callback-path',
};

/** The base URL from `--base-url`, else the one the source names (W&B's HOST), else `fallback`. */
export function baseUrlOf(
  args: ParsedArgs,
  source: LoadedSource,
  fallback?: string,
): { value: string; from: string } | undefined {
  const flag = stringFlag(args, 'base-url');
  if (flag !== undefined) return { value: flag, from: '--base-url' };
  return source.baseUrl ?? (fallback ? { value: fallback, from: 'a placeholder' } : undefined);
}

/**
 * Starts the in-process app for `source`. `sessionMode` and the groups are what `doctor` and `test`
 * describe; the rest comes from the flags (paths, private networks).
 */
export async function startInProcess(
  source: LoadedSource,
  args: ParsedArgs,
  options: {
    baseUrl: string;
    sessionMode?: 'server' | 'cookie';
    appGroups?: { name: string; externalId?: string }[];
  },
): Promise<InProcess> {
  const warnings: SsoWarning[] = [];
  const storage = memoryStorage();
  const basePath = stringFlag(args, 'base-path');
  const callback = stringFlag(args, 'callback-path');
  const acs = stringFlag(args, 'acs-path');
  // A path given as its place under the base path is no move: the route stays there.
  const under = basePath ?? '/sso';
  const routes: SsoRoutes = { ...source.routes };
  if (callback !== undefined) routes.oidcCallback = callback;
  if (acs !== undefined) routes.samlAcs = acs;
  if (routes.oidcCallback === `${under}/oidc/callback`) delete routes.oidcCallback;
  if (routes.samlAcs === `${under}/saml/acs`) delete routes.samlAcs;
  const ssoOptions: SsoOptions = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    storage,
    secret: randomBytes(32).toString('base64url'),
    onWarning: (code, message) => void warnings.push({ code, message }),
    ...(basePath !== undefined ? { basePath } : {}),
    ...(Object.keys(routes).length > 0 ? { routes } : {}),
    ...(source.roles ? { roles: source.roles } : {}),
    ...(source.settings ? { settings: source.settings } : {}),
    ...(options.sessionMode ? { sessionMode: options.sessionMode } : {}),
    ...(args.flags['allow-private-networks'] === true ? { allowPrivateNetworks: true } : {}),
  };
  let sso: Sso;
  try {
    sso = createSso(ssoOptions);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new CliError(
        error.issues
          .map((issue) => {
            const flag =
              FLAG_OF[issue.path] ??
              (issue.path.startsWith('roles') ? `--roles (${issue.path})` : issue.path);
            return `${flag} ${issue.message}`;
          })
          .join('\n'),
      );
    if (error instanceof TypeError) throw new CliError(`--roles: ${error.message}`);
    throw error;
  }
  for (const group of options.appGroups ?? []) await storage.groups.create(group);
  if (source.connection) {
    try {
      await sso.connections.create(source.connection as never);
    } catch (error) {
      if (error instanceof ConfigError)
        throw new ConfigProblems(source.label, locate(source.label, error, false));
      throw error;
    }
  }
  return {
    sso,
    baseUrl: sso.origin,
    connectionId: source.connectionId,
    warnings,
    allowPrivateNetworks: privateNetworksAllowed(args, sso.origin),
  };
}

/**
 * `createSso()`'s rule for private networks, for the requests the command makes itself:
 * `--allow-private-networks`, else only an app served over plain http on a loopback host
 * (development).
 */
export function privateNetworksAllowed(args: ParsedArgs, origin: string): boolean {
  if (args.flags['allow-private-networks'] === true) return true;
  const base = new URL(origin);
  return base.protocol !== 'https:' && isLoopbackHost(base.hostname);
}
