/**
 * W&B Server-style configuration from the environment, the "environment wins over the UI" merge with
 * the source of every field, and LOCAL_RESTORE's restore mode.
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock, ConfigIssue, OidcSettings } from '@ssokit/core';
import { ConfigError, checkIdpUrl, now as nowSymbol } from '@ssokit/core';
import { didYouMean } from './internal/suggest.ts';

/** The OIDC fields the W&B variables set. */
export type WandbOidcFields = Pick<OidcSettings, 'issuer' | 'clientId' | 'clientSecret' | 'flow' | 'pkce'>;

/** What {@link loadWandbEnv} read. */
export interface WandbEnv {
  /** The fields the environment sets (only those whose variable is present). */
  oidc: Partial<WandbOidcFields>;
  /** Present with `LOCAL_RESTORE=true`. */
  restore?: RestoreMode;
}

/** Where an effective setting came from. */
export type SettingSource = 'environment' | 'file' | 'stored' | 'default';

/**
 * Restore mode (W&B's `LOCAL_RESTORE`): SSO logins are refused, and a temporary admin password is
 * accepted until `expiresAt`. `password` is to be logged once at start-up and never kept. It is 144
 * random bits, so guessing it is hopeless whatever the rate; `verify` is a keyed hash compared in
 * constant time (microseconds, not a password hash's tens of milliseconds, so that anonymous guesses
 * cannot spend the server's CPU).
 */
export interface RestoreMode {
  readonly password: string;
  readonly expiresAt: Date;
  /** Whether `candidate` is the temporary password and restore mode has not expired. Constant time. */
  verify(candidate: string): boolean;
}

/** Options of {@link loadWandbEnv}. */
export interface WandbEnvOptions {
  /** How long restore mode lasts, in ms. Default: 3600000 (1 hour). */
  restoreTtlMs?: number;
  [nowSymbol]?: Clock;
}

const VARIABLES = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_AUTH_METHOD', 'OIDC_SECRET', 'LOCAL_RESTORE'];

/**
 * Reads `OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_AUTH_METHOD` (`implicit` or `pkce`; W&B's default is
 * implicit with form_post), `OIDC_SECRET` and `LOCAL_RESTORE`. Misspelt `OIDC_*` variables and bad values
 * are a {@link ConfigError} (the path is the variable's name); secrets never appear in messages.
 *
 * @example
 * ```ts
 * import { loadWandbEnv } from '@ssokit/config';
 *
 * const { oidc, restore } = loadWandbEnv(process.env);
 * if (restore) console.warn(`SSO is off until ${restore.expiresAt.toISOString()}; temporary admin password: ${restore.password}`);
 * ```
 */
export function loadWandbEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: WandbEnvOptions = {},
): WandbEnv {
  const issues: ConfigIssue[] = [];
  for (const name of Object.keys(env)) {
    if (name.startsWith('OIDC_') && !VARIABLES.includes(name)) {
      const guess = didYouMean(name, VARIABLES);
      issues.push({
        path: name,
        message: `unknown variable${guess ? `; did you mean ${guess}?` : ''} ssokit reads ${VARIABLES.join(', ')}.`,
      });
    }
  }
  const oidc: Partial<WandbOidcFields> = {};
  const issuer = env.OIDC_ISSUER?.trim();
  if (issuer) {
    // Core holds the rule (https, or http on loopback); the messages are this loader's, phrased for a variable.
    const check = checkIdpUrl(issuer);
    if (!check.ok && check.problem === 'not_absolute') {
      issues.push({
        path: 'OIDC_ISSUER',
        message: `"${issuer}" is not a URL; set the issuer, e.g. https://sso.example.com/realms/acme.`,
      });
    } else if (check.url?.pathname.replace(/\/$/, '').endsWith('/.well-known/openid-configuration')) {
      issues.push({
        path: 'OIDC_ISSUER',
        message:
          'remove "/.well-known/openid-configuration": OIDC_ISSUER is the issuer, and the discovery path is added to it.',
      });
    } else if (!check.ok) {
      // insecure_http, or another scheme (not_http): the fix is the same, https.
      issues.push({
        path: 'OIDC_ISSUER',
        message: `"${issuer}" must use https (http only for localhost, 127.0.0.1 and ::1).`,
      });
    }
    oidc.issuer = issuer;
  }
  if (env.OIDC_CLIENT_ID?.trim()) oidc.clientId = env.OIDC_CLIENT_ID.trim();
  if (env.OIDC_SECRET) oidc.clientSecret = env.OIDC_SECRET;
  const method = env.OIDC_AUTH_METHOD?.trim();
  if (method) {
    if (method.toLowerCase() === 'implicit') Object.assign(oidc, { flow: 'implicit', pkce: 'none' });
    else if (method.toLowerCase() === 'pkce') Object.assign(oidc, { flow: 'code', pkce: 'S256' });
    else {
      const guess = didYouMean(method, ['implicit', 'pkce']);
      issues.push({
        path: 'OIDC_AUTH_METHOD',
        message: `"${method}" is not an auth method${guess ? `; did you mean "${guess}"?` : ''} Use "implicit" or "pkce".`,
      });
    }
  }
  const restoreFlag = env.LOCAL_RESTORE?.trim().toLowerCase();
  if (restoreFlag !== undefined && !['true', 'false', '1', '0', ''].includes(restoreFlag)) {
    issues.push({ path: 'LOCAL_RESTORE', message: `"${env.LOCAL_RESTORE}" is not true or false.` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const result: WandbEnv = { oidc };
  if (restoreFlag === 'true' || restoreFlag === '1') result.restore = startRestoreMode(options);
  return result;
}

/**
 * Starts restore mode with a fresh random password (24 characters, 144 bits).
 *
 * @example
 * ```ts
 * const restore = startRestoreMode({ restoreTtlMs: 30 * 60_000 });
 * ```
 */
export function startRestoreMode(options: WandbEnvOptions = {}): RestoreMode {
  const clock = options[nowSymbol] ?? Date.now;
  const password = randomBytes(18).toString('base64url');
  const key = randomBytes(32);
  const digest = (text: string) => createHmac('sha256', key).update(text).digest();
  const hash = digest(password);
  const expiresAt = new Date(clock() + (options.restoreTtlMs ?? 3_600_000));
  return Object.freeze({
    password,
    expiresAt,
    verify(candidate: string) {
      if (typeof candidate !== 'string' || clock() >= expiresAt.getTime()) return false;
      return timingSafeEqual(digest(candidate), hash);
    },
  });
}

/** The effective settings, and where each field came from. */
export interface MergedSettings<T> {
  effective: Partial<T>;
  sources: Partial<Record<keyof T, SettingSource>>;
}

/**
 * Merges settings field by field with W&B's rule, the environment winning: environment, then a
 * configuration file, then what the admin UI stored, then defaults. Returns the effective settings and
 * the source of every field: the "effective configuration" view for an admin page.
 *
 * @example
 * ```ts
 * import { loadWandbEnv, mergeSettings } from '@ssokit/config';
 *
 * const { effective, sources } = mergeSettings({ environment: loadWandbEnv(process.env).oidc, stored: connection.oidc });
 * sources.issuer; // 'environment'
 * ```
 */
export function mergeSettings<T extends object>(layers: {
  environment?: Partial<T>;
  file?: Partial<T>;
  stored?: Partial<T>;
  defaults?: Partial<T>;
}): MergedSettings<T> {
  const effective: Partial<T> = {};
  const sources: Partial<Record<keyof T, SettingSource>> = {};
  const order: [SettingSource, Partial<T> | undefined][] = [
    ['default', layers.defaults],
    ['stored', layers.stored],
    ['file', layers.file],
    ['environment', layers.environment],
  ];
  for (const [source, layer] of order) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue;
      (effective as Record<string, unknown>)[key] = value;
      (sources as Record<string, SettingSource>)[key] = source;
    }
  }
  return { effective, sources };
}
