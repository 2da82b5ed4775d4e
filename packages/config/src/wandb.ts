/**
 * W&B Server-style configuration from the environment, the "environment wins over the UI" merge with
 * the source of every field, and LOCAL_RESTORE's restore mode.
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock, ConfigIssue, OidcSettings } from '@ssokit/core';
import {
  ConfigError,
  checkIdpUrl,
  didYouMean,
  isCognitoDomain,
  isCognitoIssuer,
  now as nowSymbol,
} from '@ssokit/core';

/** The OIDC fields the W&B variables set. */
export type WandbOidcFields = Pick<OidcSettings, 'issuer' | 'clientId' | 'clientSecret' | 'flow' | 'pkce'>;

/** The OIDC fields W&B gives a default when nothing sets them. */
export type WandbOidcDefaults = Pick<OidcSettings, 'flow' | 'pkce' | 'scopes'>;

/** A variable {@link loadWandbEnv} reads an OIDC field from. */
export type WandbVariable = 'OIDC_ISSUER' | 'OIDC_CLIENT_ID' | 'OIDC_SECRET' | 'OIDC_AUTH_METHOD';

/** What {@link loadWandbEnv} read. */
export interface WandbEnv {
  /**
   * The fields the environment sets (only those whose variable is present): the top layer of
   * {@link mergeSettings}, which beats what an admin stored.
   */
  oidc: Partial<WandbOidcFields>;
  /**
   * W&B's defaults: the bottom layer of {@link mergeSettings}, which anything stored or set beats.
   * Always `scopes: ['openid', 'profile', 'email']` (the scopes W&B requires), and the flow of
   * wandb/local: `flow: 'implicit'` (`id_token` with `form_post`), or, for an AWS Cognito
   * `OIDC_ISSUER` (`cognito-idp.<region>.amazonaws.com`), `flow: 'code', pkce: 'S256'` (W&B's "pkce",
   * which Cognito needs). The implicit default leaves `pkce` out on purpose: the implicit flow sends no
   * code challenge, and a `pkce: 'none'` default would turn PKCE off for an admin who stores
   * `flow: 'code'` alone.
   */
  defaults: Partial<WandbOidcDefaults>;
  /**
   * The variable that set each field of `oidc` (only those set), for an admin page that says why a
   * field cannot be edited ("fixed by OIDC_ISSUER"). `OIDC_AUTH_METHOD` sets both `flow` and `pkce`.
   */
  variables: Partial<Record<keyof WandbOidcFields, WandbVariable>>;
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
 * Reads W&B Server's variables: `OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_AUTH_METHOD` (`implicit`, the
 * `id_token` with `form_post`, or `pkce`, the code flow with S256), `OIDC_SECRET` and `LOCAL_RESTORE`.
 * Returns what they set (`oidc`), W&B's defaults for what they leave out (`defaults`: the implicit
 * flow, or pkce for an AWS Cognito issuer, and the scopes `openid profile email`), which variable set
 * each field (`variables`), and restore mode. Hand `oidc` and `defaults` to {@link mergeSettings} with
 * what the admin stored: the environment wins over the admin, who wins over the defaults.
 *
 * Misspelt `OIDC_*` variables and bad values are one {@link ConfigError} listing every issue (the path
 * is the variable's name); secrets never appear in messages. Refused as well, as W&B's guide warns:
 * the Cognito domain as `OIDC_ISSUER` (`*.auth.<region>.amazoncognito.com`; the issuer is
 * `https://cognito-idp.<region>.amazonaws.com/<user pool id>`), and `OIDC_AUTH_METHOD=implicit` with a
 * Cognito issuer (Cognito needs pkce).
 *
 * @example
 * ```ts
 * import { loadWandbEnv, mergeSettings } from '@ssokit/config';
 *
 * const { oidc, defaults, variables, restore } = loadWandbEnv(process.env);
 * const { effective, sources } = mergeSettings({ environment: oidc, stored: connection.oidc, defaults });
 * if (sources.issuer === 'environment') console.info(`The issuer is fixed by ${variables.issuer}.`);
 * if (restore) console.warn(`SSO is off until ${restore.expiresAt.toISOString()}; temporary admin password: ${restore.password}`);
 * ```
 * @see https://docs.wandb.ai/guides/hosting/iam/sso W&B Server: Configure SSO with OIDC
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
  const variables: WandbEnv['variables'] = {};
  let cognito = false;
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
    } else if (isCognitoDomain(check.url)) {
      const region = /\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazoncognito\.com$/i.exec(check.url.hostname)?.[1];
      issues.push({
        path: 'OIDC_ISSUER',
        message: `"${issuer}" is the Cognito domain, which serves no discovery document; set the user pool's issuer, https://cognito-idp.${region ?? '$REGION'}.amazonaws.com/$USER_POOL_ID.`,
      });
    }
    cognito = check.url !== undefined && isCognitoIssuer(check.url);
    oidc.issuer = issuer;
    variables.issuer = 'OIDC_ISSUER';
  }
  if (env.OIDC_CLIENT_ID?.trim()) {
    oidc.clientId = env.OIDC_CLIENT_ID.trim();
    variables.clientId = 'OIDC_CLIENT_ID';
  }
  if (env.OIDC_SECRET) {
    oidc.clientSecret = env.OIDC_SECRET;
    variables.clientSecret = 'OIDC_SECRET';
  }
  const method = env.OIDC_AUTH_METHOD?.trim();
  if (method) {
    const known = method.toLowerCase();
    if (known === 'implicit' && cognito) {
      issues.push({
        path: 'OIDC_AUTH_METHOD',
        message:
          'AWS Cognito needs "pkce": it does not offer the implicit flow (response_type=id_token with form_post). Set OIDC_AUTH_METHOD=pkce, or remove it: pkce is the default for a Cognito issuer.',
      });
    } else if (known === 'implicit' || known === 'pkce') {
      Object.assign(
        oidc,
        known === 'implicit' ? { flow: 'implicit', pkce: 'none' } : { flow: 'code', pkce: 'S256' },
      );
      variables.flow = 'OIDC_AUTH_METHOD';
      variables.pkce = 'OIDC_AUTH_METHOD';
    } else {
      const guess = didYouMean(method, ['implicit', 'pkce']);
      issues.push({
        path: 'OIDC_AUTH_METHOD',
        message: `"${method}" is not an auth method${guess ? `; did you mean "${guess}"?` : '.'} Use "implicit" or "pkce".`,
      });
    }
  }
  const restoreFlag = env.LOCAL_RESTORE?.trim().toLowerCase();
  if (restoreFlag !== undefined && !['true', 'false', '1', '0', ''].includes(restoreFlag)) {
    issues.push({ path: 'LOCAL_RESTORE', message: `"${env.LOCAL_RESTORE}" is not true or false.` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const defaults: Partial<WandbOidcDefaults> = {
    ...(cognito ? { flow: 'code', pkce: 'S256' } : { flow: 'implicit' }),
    scopes: ['openid', 'profile', 'email'],
  };
  const result: WandbEnv = { oidc, defaults, variables };
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
 * const env = loadWandbEnv(process.env);
 * const { effective, sources } = mergeSettings({ environment: env.oidc, stored: connection.oidc, defaults: env.defaults });
 * sources.issuer; // 'environment' with OIDC_ISSUER set, else 'stored'
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
