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
import { ConfigError, type ConfigIssue, type Connection, SsoError } from '@ssokit/core';
import type { ConnectionStore } from '@ssokit/storage';

/** The sections whose fields are layered one by one; other keys are top-level fields. */
const SECTIONS = ['oidc', 'saml', 'claimMapping', 'provisioning', 'groupSync'] as const;
const TOP = ['name', 'provider', 'active', 'protocol'] as const;
const RANK: Record<SettingsLayer['source'], number> = { default: 0, file: 2, environment: 3 };
/** The `createdAt` / `updatedAt` of a connection no store holds (only layers define it). */
const UNSTORED = new Date(0);

/** Where an effective field came from, and for a fixed one, what fixes it (a variable, a file). */
export interface FieldSource {
  source: SettingSource;
  origin?: string;
}

/** The connection store, layered; `sources` explains each effective field of a connection. */
export interface LayeredConnections extends ConnectionStore {
  /** Each field path (`name`, `oidc.issuer`) of `id`'s effective connection and its source. */
  sources(id: string): Promise<Record<string, FieldSource>>;
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

/** Wraps `store` so that every read is the effective connection and every write respects the layers. */
export function layeredConnections(
  store: ConnectionStore,
  settings: readonly SettingsLayer[],
): LayeredConnections {
  const layersOf = (id: string) =>
    settings.filter((l) => l.connectionId === id).sort((a, b) => RANK[a.source] - RANK[b.source]);
  const defines = (id: string) => layersOf(id).some((l) => l.source !== 'default');

  /** The effective connection and its sources; null when neither the store nor a layer defines it. */
  const resolve = (id: string, stored: Connection | null) => {
    const layers = layersOf(id);
    if (layers.length === 0) return stored && { connection: stored, sources: storedSourcesOf(stored) };
    if (!stored && !layers.some((l) => l.source !== 'default')) return null;
    const result: Record<string, unknown> = {};
    const sources: Record<string, FieldSource> = {};
    const apply = (
      fields: Record<string, unknown>,
      source: FieldSource['source'],
      origins?: Readonly<Record<string, string>>,
    ) => {
      for (const [key, value] of Object.entries(fields)) {
        if (value === undefined) continue;
        if ((SECTIONS as readonly string[]).includes(key) && typeof value === 'object' && value !== null) {
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
    for (const layer of layers.filter((l) => l.source === 'default'))
      apply(layer.fields as Record<string, unknown>, 'default');
    if (stored) apply(stored as unknown as Record<string, unknown>, 'stored');
    for (const layer of layers.filter((l) => l.source !== 'default'))
      apply(layer.fields as Record<string, unknown>, layer.source, layer.origins);
    result.id = id;
    result.protocol ??= result.saml && !result.oidc ? 'saml' : 'oidc';
    result.name ??= id;
    result.provider ??= result.protocol === 'saml' ? 'generic-saml' : 'custom';
    result.active ??= true;
    result.createdAt = stored?.createdAt ?? UNSTORED;
    result.updatedAt = stored?.updatedAt ?? UNSTORED;
    return { connection: result as unknown as Connection, sources };
  };

  /** The fields the environment or a file fixes for `id`, with what fixes each. */
  const fixed = (id: string): Map<string, FieldSource> => {
    const map = new Map<string, FieldSource>();
    for (const layer of layersOf(id)) {
      if (layer.source === 'default') continue;
      for (const [key, value] of Object.entries(layer.fields)) {
        if (value === undefined) continue;
        if ((SECTIONS as readonly string[]).includes(key) && typeof value === 'object' && value !== null) {
          for (const [field, v] of Object.entries(value))
            if (v !== undefined)
              map.set(`${key}.${field}`, withOrigin(layer.source, layer.origins?.[`${key}.${field}`]));
        } else map.set(key, withOrigin(layer.source, layer.origins?.[key]));
      }
    }
    return map;
  };

  /** Refuses a write that gives a fixed field another value than the one that fixes it. */
  const checkWrite = (id: string, write: Record<string, unknown>, effective: Connection | null) => {
    const issues: ConfigIssue[] = [];
    for (const [path, { source, origin }] of fixed(id)) {
      const [key, field] = path.split('.') as [string, string | undefined];
      const section = write[key];
      const given = field === undefined ? section : (section as Record<string, unknown> | undefined)?.[field];
      if (given === undefined) continue;
      const current = pick(effective, key, field);
      if (JSON.stringify(given) === JSON.stringify(current)) continue;
      issues.push({
        path,
        message: `is fixed by the ${source}${origin ? ` (${origin})` : ''}, which wins over what is saved here: change it there, or leave this field out.`,
      });
    }
    if (issues.length > 0) throw new ConfigError(issues);
  };

  const get = async (id: string) => resolve(id, await store.get(id))?.connection ?? null;
  const unstored = async () => {
    const ids = [...new Set(settings.filter((l) => l.source !== 'default').map((l) => l.connectionId))];
    const out: Connection[] = [];
    for (const id of ids)
      if (!(await store.get(id))) out.push((resolve(id, null) as { connection: Connection }).connection);
    return out;
  };
  return {
    async list() {
      const stored = (await store.list()).map(
        (c) => (resolve(c.id, c) as { connection: Connection }).connection,
      );
      return [...stored, ...(await unstored())];
    },
    get,
    async findByName(name) {
      const found = await store.findByName(name);
      if (found) return get(found.id);
      const folded = name.toLowerCase();
      return (await unstored()).find((c) => c.name.toLowerCase() === folded) ?? null;
    },
    async create(input) {
      if (input.id !== undefined)
        checkWrite(input.id, input as unknown as Record<string, unknown>, await get(input.id));
      const created = await store.create(input);
      return (await get(created.id)) ?? created;
    },
    async update(id, patch, options) {
      const stored = await store.get(id);
      const effective = resolve(id, stored)?.connection ?? null;
      checkWrite(id, patch as Record<string, unknown>, effective);
      if (stored || !effective) {
        await store.update(id, patch, options);
        return (await get(id)) as Connection;
      }
      // Defined by layers only: the first change stores it (with the top-level fields a store needs).
      if (options.expectedUpdatedAt.getTime() !== UNSTORED.getTime())
        throw new SsoError('concurrent_update', 'The connection changed since it was read; reload it.');
      const { id: _, createdAt: _c, updatedAt: _u, ...fields } = effective;
      await store.create({ ...(fields as object), ...patch, id } as never);
      return (await get(id)) as Connection;
    },
    async delete(id, options) {
      if (!(await store.get(id)) && defines(id)) {
        const [what] = [...fixed(id).values()];
        throw new ConfigError([
          {
            path: 'id',
            message: `this connection is defined by the ${what?.source ?? 'environment'}${what?.origin ? ` (${what.origin})` : ''}, not stored: remove it there.`,
          },
        ]);
      }
      return store.delete(id, options);
    },
    async sources(id) {
      return resolve(id, await store.get(id))?.sources ?? {};
    },
  };
}

function withOrigin(source: FieldSource['source'], origin: string | undefined): FieldSource {
  return origin === undefined ? { source } : { source, origin };
}

function pick(connection: Connection | null, key: string, field: string | undefined): unknown {
  const value = (connection as unknown as Record<string, unknown> | null)?.[key];
  return field === undefined ? value : (value as Record<string, unknown> | undefined)?.[field];
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
