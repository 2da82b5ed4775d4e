/**
 * `createSso({ settings })`: connection fields from the environment, a configuration file or a
 * product's defaults, applied field by field over what the admin stored, with W&B's precedence
 * (environment, file, stored, default). Every reader of connections sees the effective connection,
 * because the context's storage is wrapped here; a write that would change a field the environment or
 * a file fixes is refused, naming what fixes it.
 *
 * @module
 */
import type { SettingSource, SettingsLayer } from '@ssokit/config';
import type { ConfigIssue, Connection } from '@ssokit/core';

/** The sections whose fields are layered one by one; other keys are top-level fields. */
const SECTIONS = ['oidc', 'saml', 'claimMapping', 'provisioning', 'groupSync'] as const;
const TOP = ['name', 'provider', 'active', 'protocol'] as const;
const RANK: Record<SettingsLayer['source'], number> = { default: 0, file: 2, environment: 3 };
/** The `createdAt` / `updatedAt` of a connection no store holds (only layers define it). */
export const UNSTORED = new Date(0);

/** Where an effective field came from, and for a fixed one, what fixes it (a variable, a file). */
export interface FieldSource {
  source: SettingSource;
  origin?: string;
}

/**
 * Fields that name the same identity provider as another: when a layer fixes the key, these are fixed
 * with it. An issuer pinned by the environment whose endpoints an admin could point elsewhere would
 * pin nothing (keys from another JWKS could sign for the pinned issuer).
 */
const TIED: Readonly<Record<string, readonly string[]>> = {
  'oidc.issuer': ['oidc.endpoints', 'oidc.tenants', 'oidc.idTokenSigningAlgorithms', 'oidc.audience'],
  'saml.idpMetadataUrl': ['saml.idpMetadataXml', 'saml.idp', 'saml.idpEntityId'],
  'saml.idpMetadataXml': ['saml.idpMetadataUrl', 'saml.idp', 'saml.idpEntityId'],
  'saml.idp': ['saml.idpMetadataUrl', 'saml.idpMetadataXml', 'saml.idpEntityId'],
};

/** A fixed field: what fixes it, and, for a tied one, the field it is tied to. */
export interface FixedField extends FieldSource {
  tiedTo?: string;
}

/** Checks `settings` at start-up: a list of layers, each with a source, a connection id and fields. */
export function settingsIssues(settings: unknown): ConfigIssue[] {
  if (settings === undefined) return [];
  if (!Array.isArray(settings))
    return [
      {
        path: 'settings',
        message: 'must be a list of settings layers, such as wandbSettings(loadWandbEnv(process.env)).',
      },
    ];
  const issues: ConfigIssue[] = [];
  for (const [i, layer] of (settings as (Partial<SettingsLayer> | null)[]).entries()) {
    const at = `settings[${i}]`;
    if (typeof layer !== 'object' || layer === null) {
      issues.push({ path: at, message: 'must be an object.' });
      continue;
    }
    if (!['environment', 'file', 'default'].includes(layer.source as string))
      issues.push({ path: `${at}.source`, message: 'must be "environment", "file" or "default".' });
    if (typeof layer.connectionId !== 'string' || layer.connectionId === '')
      issues.push({ path: `${at}.connectionId`, message: 'must name the connection the fields belong to.' });
    if (typeof layer.fields !== 'object' || layer.fields === null)
      issues.push({ path: `${at}.fields`, message: 'must be an object of connection fields.' });
    else
      for (const key of Object.keys(layer.fields))
        if (!(TOP as readonly string[]).includes(key) && !(SECTIONS as readonly string[]).includes(key))
          issues.push({
            path: `${at}.fields.${key}`,
            message: `is not a connection field a layer can set (${[...TOP, ...SECTIONS].join(', ')}).`,
          });
  }
  return issues;
}

/** The layers of one connection, lowest first. */
export function layersOf(settings: readonly SettingsLayer[], id: string): SettingsLayer[] {
  return settings.filter((l) => l.connectionId === id).sort((a, b) => RANK[a.source] - RANK[b.source]);
}

/** The fields the environment or a file fixes for a connection, and the fields tied to them. */
export function fixedFields(layers: readonly SettingsLayer[]): Map<string, FixedField> {
  const map = new Map<string, FixedField>();
  for (const layer of layers) {
    if (layer.source === 'default') continue;
    for (const [key, value] of Object.entries(layer.fields)) {
      if (value === undefined) continue;
      if (isSection(key, value)) {
        for (const [field, v] of Object.entries(value))
          if (v !== undefined)
            map.set(`${key}.${field}`, withOrigin(layer.source, layer.origins?.[`${key}.${field}`]));
      } else map.set(key, withOrigin(layer.source, layer.origins?.[key]));
    }
  }
  for (const [path, fixer] of [...map]) {
    for (const tied of TIED[path] ?? []) if (!map.has(tied)) map.set(tied, { ...fixer, tiedTo: path });
  }
  return map;
}

/**
 * The effective connection of `id` and each field's source: defaults, then what is stored, then the
 * file and environment layers; a field tied to a fixed one keeps only a layer's value. Null when
 * neither the store nor an environment or file layer defines it.
 */
export function resolveConnection(
  id: string,
  stored: Connection | null,
  layers: readonly SettingsLayer[],
): { connection: Connection; sources: Record<string, FieldSource> } | null {
  if (layers.length === 0) return stored && { connection: stored, sources: storedSourcesOf(stored) };
  if (!stored && !layers.some((l) => l.source !== 'default')) return null;
  const result: Record<string, unknown> = {};
  const sources: Record<string, FieldSource> = {};
  const apply = (
    fields: object,
    source: FieldSource['source'],
    origins?: Readonly<Record<string, string>>,
  ) => {
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (isSection(key, value)) {
        const section = { ...(result[key] as Record<string, unknown> | undefined) };
        for (const [field, v] of Object.entries(value)) {
          if (v === undefined) continue;
          section[field] = v;
          sources[`${key}.${field}`] = withOrigin(source, origins?.[`${key}.${field}`]);
        }
        result[key] = section;
      } else if ((TOP as readonly string[]).includes(key)) {
        result[key] = value;
        sources[key] = withOrigin(source, origins?.[key]);
      }
    }
  };
  for (const layer of layers) if (layer.source === 'default') apply(layer.fields, 'default');
  if (stored) apply(stored, 'stored');
  for (const layer of layers)
    if (layer.source !== 'default') apply(layer.fields, layer.source, layer.origins);
  // A tied field set below the layer that fixes its key (stored, default) is not the layer's: dropped.
  for (const [path, fixed] of fixedFields(layers)) {
    if (fixed.tiedTo === undefined || sources[path] === undefined) continue;
    if (sources[path].source === 'environment' || sources[path].source === 'file') continue;
    const [key, field] = path.split('.') as [string, string];
    delete (result[key] as Record<string, unknown>)[field];
    delete sources[path];
  }
  result.id = id;
  result.protocol ??= result.saml && !result.oidc ? 'saml' : 'oidc';
  result.name ??= id;
  result.provider ??= result.protocol === 'saml' ? 'generic-saml' : 'custom';
  result.active ??= true;
  result.createdAt = stored?.createdAt ?? UNSTORED;
  result.updatedAt = stored?.updatedAt ?? UNSTORED;
  return { connection: result as unknown as Connection, sources };
}

/** Whether a layer's key holds a section (its fields layered one by one). */
function isSection(key: string, value: unknown): value is Record<string, unknown> {
  return (SECTIONS as readonly string[]).includes(key) && typeof value === 'object' && value !== null;
}

function withOrigin(source: FieldSource['source'], origin: string | undefined): FieldSource {
  return origin === undefined ? { source } : { source, origin };
}

/** Every field of a connection no layer touches: all stored. */
export function storedSourcesOf(connection: Connection): Record<string, FieldSource> {
  const sources: Record<string, FieldSource> = {};
  for (const [key, value] of Object.entries(connection)) {
    if ((SECTIONS as readonly string[]).includes(key) && typeof value === 'object' && value !== null)
      for (const field of Object.keys(value)) sources[`${key}.${field}`] = { source: 'stored' };
    else if ((TOP as readonly string[]).includes(key)) sources[key] = { source: 'stored' };
  }
  return sources;
}
