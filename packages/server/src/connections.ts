/**
 * Connections as the host changes them: `sso.connections` and the admin API save only what a login
 * could use (one validation: the connection JSON Schema and its rules through `importConnection`, the
 * outbound rule for IdP URLs, inline SAML metadata that names one IdP), and a connection deleted or
 * deactivated takes its sessions with it, on every instance.
 *
 * @module
 */
import type { ConnectionInput } from '@ssokit/config';
import { ConfigError, type Connection, type SamlConnection } from '@ssokit/core';
import type { ConnectionStore } from '@ssokit/storage';
import type { SsoContext } from './context.ts';
import { loadConfig, loadSamlFlow } from './lazy.ts';
import { privateUrlIssues } from './outbound.ts';
import { type Revocation, revokeSessions } from './revocation.ts';

const STAMPED = ['id', 'createdAt', 'updatedAt'] as const;

/**
 * A connection as it may be saved, or a `ConfigError` listing every problem: the schema's, a URL this
 * server would refuse to call, inline metadata a login could not use (several IdPs and none chosen).
 */
export async function validateConnection(
  ctx: Pick<SsoContext, 'allowPrivateNetworks'>,
  body: Record<string, unknown>,
): Promise<ConnectionInput> {
  const { importConnection } = await loadConfig();
  const { connection } = importConnection(body, { allowReferences: false });
  const issues = ctx.allowPrivateNetworks ? [] : privateUrlIssues(connection as Connection);
  if (connection.protocol === 'saml')
    issues.push(...(await loadSamlFlow()).inlineMetadataIssues(connection as SamlConnection));
  if (issues.length > 0) throw new ConfigError(issues);
  return connection;
}

/**
 * Runs `change` (a delete, or an update that deactivates) between two revocations of the
 * connection's sessions: before, so a store failure leaves the connection as it was for a retry; and
 * after, for a login that finished in between. Without server-side sessions, only `change` runs.
 */
export async function withSessionsEnded<T>(
  ctx: SsoContext,
  connectionId: string,
  why: Revocation,
  change: () => Promise<T>,
): Promise<T> {
  if (!ctx.sessionStore) return change();
  await revokeSessions(ctx, { connectionId }, why);
  const result = await change();
  await revokeSessions(ctx, { connectionId }, why);
  return result;
}

/**
 * `sso.connections`: the store's connections, validated on `create` and `update` like the admin
 * API's, and ending a connection's sessions when it is deleted or deactivated.
 */
export function managedConnections(ctx: SsoContext): ConnectionStore {
  const store = ctx.storage.connections;
  return {
    list: () => store.list(),
    get: (id) => store.get(id),
    findByName: (name) => store.findByName(name),
    async create(input) {
      const valid = await validateConnection(ctx, input as unknown as Record<string, unknown>);
      return store.create({ ...valid, ...(input.id !== undefined ? { id: input.id } : {}) } as never);
    },
    async update(id, patch, options) {
      const current = await store.get(id);
      // A missing connection is the store's to report (connection_not_found).
      if (!current) return store.update(id, patch, options);
      const merged: Record<string, unknown> = { ...JSON.parse(JSON.stringify(current)), ...patch };
      for (const key of STAMPED) delete merged[key];
      await validateConnection(ctx, merged);
      const deactivating = current.active && patch.active === false;
      if (!deactivating) return store.update(id, patch, options);
      return withSessionsEnded(ctx, id, { reason: 'connection_deactivated' }, () =>
        store.update(id, patch, options),
      );
    },
    delete: (id, options) =>
      withSessionsEnded(ctx, id, { reason: 'connection_deleted' }, () => store.delete(id, options)),
  };
}
