/**
 * Settings layers: connection fields set outside the admin's reach (the environment, a configuration
 * file) or beneath it (a product's defaults), which `createSso({ settings })` applies field by field
 * over what the admin stored, with W&B's precedence: environment, file, stored, default.
 *
 * @module
 */
import type {
  ClaimMapping,
  GroupSyncSettings,
  OidcSettings,
  ProviderId,
  ProvisioningSettings,
  SamlSettings,
} from '@ssokit/core';
import { isCognitoIssuer } from '@ssokit/core';
import { oidcPresets, type PresetResult } from './presets.ts';
import type { WandbEnv } from './wandb.ts';

/** The connection fields a layer may set: top-level ones, and the sections field by field. */
export interface LayerFields {
  name?: string;
  provider?: ProviderId;
  active?: boolean;
  protocol?: 'oidc' | 'saml';
  oidc?: Partial<OidcSettings>;
  saml?: Partial<SamlSettings>;
  claimMapping?: Partial<ClaimMapping>;
  provisioning?: Partial<ProvisioningSettings>;
  groupSync?: Partial<GroupSyncSettings>;
}

/**
 * Fields of one connection from one source. `environment` and `file` layers win over what an admin
 * stores, and the admin API refuses to change what they set; `default` layers lie beneath it. A
 * connection that only an environment or file layer names exists without being stored.
 */
export interface SettingsLayer {
  source: 'environment' | 'file' | 'default';
  /** The connection the fields belong to. */
  connectionId: string;
  fields: LayerFields;
  /**
   * What set each field, by its path (`'oidc.issuer'` → `'OIDC_ISSUER'`), for the admin's "fixed by"
   * message. Default: the source's name.
   */
  origins?: Readonly<Record<string, string>>;
}

/**
 * The connection id of {@link wandbSettings} (unless `options.connectionId` names another).
 *
 * @example
 * ```ts
 * import { WANDB_CONNECTION_ID } from '@ssokit/config';
 *
 * // The login page's link for the connection W&B's variables define.
 * const signIn = `/sso/login/${WANDB_CONNECTION_ID}?returnTo=/home`;
 * ```
 */
export const WANDB_CONNECTION_ID = 'wandb';

/**
 * W&B Server's environment as settings layers for `createSso({ settings })`: the variables set win
 * over the admin's stored settings (each field says which variable fixes it), and W&B's defaults lie
 * beneath them. With `OIDC_ISSUER` and `OIDC_CLIENT_ID` set, the connection exists without being
 * stored, named `name` (default `'SSO'`), id `connectionId` (default `'wandb'`).
 *
 * @example
 * ```ts
 * import { loadWandbEnv, wandbSettings } from '@ssokit/config';
 * import { createSso } from '@ssokit/server';
 * import { memoryStorage } from '@ssokit/storage';
 *
 * const env = loadWandbEnv(process.env);
 * const sso = createSso({
 *   baseUrl: 'https://wandb.example.com',
 *   storage: memoryStorage(),
 *   secret: process.env.SSO_SECRET ?? '',
 *   settings: wandbSettings(env),
 *   routes: { oidcCallback: '/oidc/callback', logout: '/logout' },
 *   ...(env.restore ? { restore: env.restore } : {}),
 * });
 * ```
 */
export function wandbSettings(
  env: Pick<WandbEnv, 'oidc' | 'defaults' | 'variables'>,
  options: { connectionId?: string; name?: string } = {},
): SettingsLayer[] {
  const connectionId = options.connectionId ?? WANDB_CONNECTION_ID;
  // The provider W&B's guide names (Entra, Okta, Cognito) is known by its issuer: its preset's claim
  // mapping, group sync and provisioning are the defaults (Entra sends no email_verified, say).
  const known = env.oidc.issuer === undefined ? undefined : presetOfIssuer(env.oidc.issuer);
  const layers: SettingsLayer[] = [
    {
      source: 'default',
      connectionId,
      fields: {
        name: options.name ?? 'SSO',
        protocol: 'oidc',
        provider: known?.provider ?? 'custom',
        active: true,
        ...(known?.result.claimMapping ? { claimMapping: known.result.claimMapping } : {}),
        ...(known?.result.groupSync ? { groupSync: known.result.groupSync } : {}),
        ...(known?.result.provisioning ? { provisioning: known.result.provisioning } : {}),
        oidc: { ...presetOidcDefaults(known?.result), ...env.defaults },
      },
    },
  ];
  if (Object.keys(env.oidc).length > 0)
    layers.push({
      source: 'environment',
      connectionId,
      fields: { oidc: env.oidc },
      origins: Object.fromEntries(
        Object.entries(env.variables).map(([field, variable]) => [`oidc.${field}`, variable]),
      ),
    });
  return layers;
}

/** The OIDC fields of a preset that are defaults, not the IdP's address (the issuer is the environment's). */
function presetOidcDefaults(result: PresetResult | undefined): Partial<OidcSettings> {
  if (!result?.oidc) return {};
  const { issuer: _issuer, ...rest } = result.oidc;
  return rest;
}

/** The preset an issuer URL belongs to (Entra ID, Okta, Cognito), built from the issuer itself. */
function presetOfIssuer(issuer: string): { provider: ProviderId; result: PresetResult } | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  const entraTenant = /^\/([^/]+)\/v2\.0\/?$/.exec(url.pathname)?.[1];
  if (url.hostname === 'login.microsoftonline.com' && entraTenant)
    return {
      provider: 'entra',
      result: oidcPresets.entra.build({ tenant: decodeURIComponent(entraTenant) }),
    };
  if (/\.okta(preview)?\.com$/i.test(url.hostname)) {
    const server = /^\/oauth2\/([^/]+)\/?$/.exec(url.pathname)?.[1];
    return {
      provider: 'okta',
      result: oidcPresets.okta.build({
        domain: url.host,
        ...(server ? { authorizationServer: decodeURIComponent(server) } : {}),
      }),
    };
  }
  if (isCognitoIssuer(url)) {
    const [, region] = /^cognito-idp\.([a-z0-9-]+)\./i.exec(url.hostname) ?? [];
    const pool = url.pathname.split('/')[1];
    if (region && pool)
      return { provider: 'cognito', result: oidcPresets.cognito.build({ region, userPoolId: pool }) };
  }
  return undefined;
}

/**
 * A connection read from a configuration file (Arthur's YAML through `loadArthurConfig`, a JSON file
 * through `importConnection`) as a `file` layer: what the file sets wins over the admin's stored
 * settings, and the admin API says it is fixed by `origin` (the file's name).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { fileSettings, loadArthurConfig } from '@ssokit/config';
 *
 * const { connection } = loadArthurConfig(readFileSync('arthur.yaml', 'utf8'));
 * const settings = [fileSettings(connection, 'arthur.yaml')];
 * ```
 */
export function fileSettings(
  connection: LayerFields & { id?: string },
  origin: string,
  connectionId = connection.id,
): SettingsLayer {
  if (!connectionId) throw new TypeError('fileSettings(connection, origin): the connection needs an id.');
  const { id: _id, ...fields } = connection as LayerFields & {
    id?: string;
    createdAt?: unknown;
    updatedAt?: unknown;
  };
  delete (fields as { createdAt?: unknown }).createdAt;
  delete (fields as { updatedAt?: unknown }).updatedAt;
  const origins: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      for (const field of Object.keys(value)) origins[`${key}.${field}`] = origin;
    else origins[key] = origin;
  }
  return { source: 'file', connectionId, fields, origins };
}
