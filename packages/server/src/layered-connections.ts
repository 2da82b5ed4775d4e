/**
 * The connection store seen through the settings layers (`SsoOptions.settings`): every read is the
 * effective connection (settings-layers.ts resolves it); a write may not change what the environment
 * or a file fixes, and never stores it (a secret kept in the environment stays out of the database);
 * a connection the layers define is checked like a saved one before it is used.
 *
 * @module
 */
import type { SettingsLayer } from '@ssokit/config';
import { ConfigError, type ConfigIssue, type Connection, SsoError } from '@ssokit/core';
import type { ConnectionStore } from '@ssokit/storage';
import {
  type FieldSource,
  type FixedField,
  fixedFields,
  layersOf,
  resolveConnection,
  UNSTORED,
} from './settings-layers.ts';

/** The connection store, layered; `sources` explains each effective field of a connection. */
export interface LayeredConnections extends ConnectionStore {
  /** Each field path (`name`, `oidc.issuer`) of `id`'s effective connection and its source. */
  sources(id: string): Promise<Record<string, FieldSource>>;
  /** Refuses a write to `id` that changes what a layer fixes (a `ConfigError` naming what fixes it). */
  checkWrite(id: string, write: Record<string, unknown>): Promise<void>;
}

/**
 * Wraps `store`. `validate` checks an effective connection an environment or file layer shapes, as a
 * saved one is checked (a `ConfigError` at its first use, not a late `discovery_failed`); its outcome
 * is kept per connection version.
 */
export function layeredConnections(
  store: ConnectionStore,
  settings: readonly SettingsLayer[],
  validate: (connection: Connection) => Promise<void>,
): LayeredConnections {
  const layered = (id: string) => layersOf(settings, id).some((l) => l.source !== 'default');
  const checked = new Map<string, { stamp: number; error?: unknown }>();

  const effective = async (id: string, stored: Connection | null): Promise<Connection | null> => {
    const layers = layersOf(settings, id);
    const resolved = resolveConnection(id, stored, layers);
    if (!resolved || !layered(id)) return resolved?.connection ?? null;
    const stamp = resolved.connection.updatedAt.getTime();
    let outcome = checked.get(id);
    if (outcome?.stamp !== stamp) {
      outcome = { stamp };
      try {
        await validate(resolved.connection);
      } catch (error) {
        outcome.error = error;
      }
      checked.set(id, outcome);
    }
    if (outcome.error !== undefined) throw outcome.error;
    return resolved.connection;
  };
  const get = async (id: string) => effective(id, await store.get(id));
  /** The connections only layers define (none stored under their id). */
  const unstored = async () => {
    const ids = [...new Set(settings.filter((l) => l.source !== 'default').map((l) => l.connectionId))];
    const out: Connection[] = [];
    for (const id of ids) {
      if (await store.get(id)) continue;
      const found = resolveConnection(id, null, layersOf(settings, id));
      if (found) out.push(found.connection);
    }
    return out;
  };
  /** Refuses a name another connection, stored or not, already has (case-insensitively). */
  const checkName = async (id: string | undefined, name: unknown) => {
    if (typeof name !== 'string') return;
    const folded = name.toLowerCase();
    const taken = (await unstored()).find((c) => c.id !== id && c.name.toLowerCase() === folded);
    if (taken)
      throw new SsoError('connection_name_taken', `Another connection is already named "${taken.name}".`);
  };
  /** The fields of a write the store may keep: not those the layers fix. */
  const storable = (id: string, write: Record<string, unknown>, current: Connection | null) => {
    const fixed = fixedFields(layersOf(settings, id));
    refuseChanges(fixed, write, current);
    const out: Record<string, unknown> = { ...write };
    for (const path of fixed.keys()) {
      const [key, field] = path.split('.') as [string, string | undefined];
      if (field === undefined || typeof out[key] !== 'object' || out[key] === null) continue;
      const { [field]: _dropped, ...rest } = out[key] as Record<string, unknown>;
      out[key] = rest;
    }
    return out;
  };

  return {
    async list() {
      const stored = await store.list();
      const all = [
        ...(await Promise.all(stored.map((c) => effective(c.id, c)))),
        ...(await Promise.all((await unstored()).map((c) => get(c.id)))),
      ];
      return all.filter((c): c is Connection => c !== null);
    },
    get,
    async findByName(name) {
      const found = await store.findByName(name);
      if (found) return get(found.id);
      const folded = name.toLowerCase();
      const layer = (await unstored()).find((c) => c.name.toLowerCase() === folded);
      return layer ? get(layer.id) : null;
    },
    async create(input) {
      await checkName(input.id, input.name);
      const fields =
        input.id === undefined
          ? input
          : storable(input.id, input as unknown as Record<string, unknown>, await get(input.id));
      const created = await store.create(fields as typeof input);
      return (await get(created.id)) ?? created;
    },
    async update(id, patch, options) {
      const stored = await store.get(id);
      const current = resolveConnection(id, stored, layersOf(settings, id))?.connection ?? null;
      await checkName(id, patch.name);
      const fields = storable(id, patch as Record<string, unknown>, current);
      if (stored || !current) {
        await store.update(id, fields, options);
        return (await get(id)) as Connection;
      }
      // Defined by layers only: the first change stores what it changes, with the top-level fields a
      // store needs, and nothing a layer sets.
      if (options.expectedUpdatedAt.getTime() !== UNSTORED.getTime())
        throw new SsoError('concurrent_update', 'The connection changed since it was read; reload it.');
      const { name, protocol, provider, active } = current;
      await store.create({ name, protocol, provider, active, ...fields, id } as never);
      return (await get(id)) as Connection;
    },
    async delete(id, options) {
      if (!(await store.get(id)) && layered(id)) {
        const [what] = [...fixedFields(layersOf(settings, id)).values()];
        throw new ConfigError([
          {
            path: 'id',
            message: `this connection is defined by the ${what?.source ?? 'environment'}${what?.origin ? ` (${what.origin})` : ''}, not stored: remove it there.`,
          },
        ]);
      }
      return store.delete(id, options);
    },
    async checkWrite(id, write) {
      const current = resolveConnection(id, await store.get(id), layersOf(settings, id))?.connection ?? null;
      refuseChanges(fixedFields(layersOf(settings, id)), write, current);
    },
    async sources(id) {
      return resolveConnection(id, await store.get(id), layersOf(settings, id))?.sources ?? {};
    },
  };
}

/** Refuses a write that gives a fixed (or tied) field another value than its effective one. */
function refuseChanges(
  fixed: ReadonlyMap<string, FixedField>,
  write: Record<string, unknown>,
  current: Connection | null,
): void {
  const issues: ConfigIssue[] = [];
  for (const [path, { source, origin, tiedTo }] of fixed) {
    const [key, field] = path.split('.') as [string, string | undefined];
    const given =
      field === undefined ? write[key] : (write[key] as Record<string, unknown> | undefined)?.[field];
    if (given === undefined) continue;
    const value = (current as unknown as Record<string, unknown> | null)?.[key];
    const now = field === undefined ? value : (value as Record<string, unknown> | undefined)?.[field];
    if (JSON.stringify(given) === JSON.stringify(now)) continue;
    const by = `the ${source}${origin ? ` (${origin})` : ''}`;
    issues.push({
      path,
      message: tiedTo
        ? `names the identity provider with ${tiedTo}, which ${by} fixes: set it there too, or leave this field out.`
        : `is fixed by ${by}, which wins over what is saved here: change it there, or leave this field out.`,
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
}
