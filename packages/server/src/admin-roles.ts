/**
 * `/admin/roles`: Arthur's custom roles through the admin API, behind its checks (admin.ts: the
 * host's `authorizeAdmin`, same-origin writes).
 *
 * - `GET /admin/roles`: every role (code's, the role files', the store's) with where it comes from,
 *   the IdP groups that grant it now from recent logins, and the recent groups that grant none
 *   (role-listing.ts); with the app groups group sync matches onto.
 * - `POST /admin/roles`: creates a role in the role store (`storage.roles`).
 * - `GET | PATCH | DELETE /admin/roles/:name`: one role; names compare case-insensitively. PATCH
 *   replaces the fields it names; PATCH and DELETE take `If-Match` (or `updatedAt` in the body) for
 *   optimistic concurrency. Roles from code or a role file are refused: they change there.
 *
 * A write counts at once on this instance (the catalog is reloaded) and within `roleCacheMs` on the
 * others; sessions carry role names only, so a changed permission applies to them at once.
 *
 * @module
 */
import { ConfigError, emitAudit, foldCase, type RoleDefinition, SsoError } from '@ssokit/core';
import { checkRole, type RolePatch, type RoleStore, type StoredRole } from '@ssokit/storage';
import { type AdminContext, ifMatchDate } from './admin.ts';
import { decodePathSegment, json, notAllowed } from './respond.ts';
import type { RoleSnapshot } from './role-catalog.ts';
import { type ListedRole, listRoles } from './role-listing.ts';

/** The fields of a role definition a client may send. */
const DEFINITION = ['name', 'description', 'scope', 'organizationId', 'permissions', 'grantedBy'] as const;
/** Fields `GET` answers that a client may send back unchanged (a form sends what it loaded). */
const SHOWN = ['source', 'origin', 'createdAt', 'updatedAt', 'editable', 'groups', 'recentGroups'] as const;

/** What the roles routes need of the admin API. */
export interface RolesRequest {
  request: Request;
  /** `/admin/roles` or `/admin/roles/:name`, relative to the base path. */
  path: string;
  actor: string | undefined;
  readJson: (optional?: boolean) => Promise<Record<string, unknown>>;
}

/** Serves `/admin/roles[/:name]` for an admin (already authorized). */
export async function handleRoles(ctx: AdminContext, { request, path, actor, readJson }: RolesRequest) {
  const catalog = ctx.context.roles;
  const method = request.method;
  const named = /^\/admin\/roles\/([^/]+)$/.exec(path);
  if (!named && path !== '/admin/roles') throw new SsoError('invalid_request', 'No such admin route.');
  const name = named ? decodePathSegment(named[1] as string) : undefined;
  const audit = (type: 'role.created' | 'role.updated' | 'role.deleted', role: string, changed?: string[]) =>
    emitAudit(ctx.audit, {
      type,
      at: new Date(ctx.clock()),
      role,
      ...(actor ? { actor } : {}),
      ...(changed ? { changedFields: changed } : {}),
    });

  if (name === undefined) {
    if (method === 'GET') return json(await listing(ctx, await catalog.load({ fresh: true })));
    if (method !== 'POST') throw notAllowed(`${method} is not allowed here.`, 'GET, POST');
    const store = writableStore(ctx);
    const body = await readJson();
    refuseUnknown(body, DEFINITION);
    const definition = checked(() => checkRole(body as unknown as RoleDefinition));
    const taken = (await catalog.load({ fresh: true })).definitions.find(
      (r) => foldCase(r.name) === foldCase(definition.name),
    );
    if (taken)
      throw new SsoError(
        'storage_conflict',
        `A role named "${taken.name}" exists already${whereDefined(catalog.current(), taken.name)}: role names are unique, whatever their case.`,
        { details: { reason: 'role_name' } },
      );
    const created = await store.create(definition);
    await catalog.load({ fresh: true });
    await audit('role.created', created.name);
    return json(shown(created), 201);
  }

  const snapshot = await catalog.load({ fresh: true });
  const current = snapshot.definitions.find((r) => foldCase(r.name) === foldCase(name));
  if (!current) throw new SsoError('role_not_found', `No role is named "${name}".`);
  if (method === 'GET') {
    const { roles } = await listing(ctx, snapshot);
    return json(roles.find((r) => r.name === current.name));
  }
  if (method !== 'PATCH' && method !== 'DELETE')
    throw notAllowed(`${method} is not allowed here.`, 'GET, PATCH, DELETE');
  const store = writableStore(ctx);
  const origin = snapshot.origins.get(current.name);
  if (origin?.source !== 'api')
    throw new ConfigError([
      {
        path: 'name',
        message: `the role "${current.name}" is defined${whereDefined(snapshot, current.name)}; change it there.`,
      },
    ]);
  const stored = await store.get(current.name);
  if (!stored) throw new SsoError('role_not_found', `No role is named "${name}".`);
  // The store's word, not the snapshot's: a role file may have taken the name since it was read.
  if (stored.source !== 'api')
    throw new ConfigError([
      {
        path: 'name',
        message: `the role "${stored.name}" is defined in the role file "${stored.origin}" (roleFiles); change it there.`,
      },
    ]);
  if (method === 'DELETE') {
    await store.delete(stored.name, { expectedUpdatedAt: expectedUpdatedAt(request, undefined, stored) });
    await catalog.load({ fresh: true });
    await audit('role.deleted', stored.name);
    return new Response(null, { status: 204 });
  }
  const body = await readJson();
  refuseUnknown(body, [...DEFINITION, ...SHOWN]);
  const patch: Record<string, unknown> = {};
  for (const key of DEFINITION) if (Object.hasOwn(body, key)) patch[key] = body[key];
  const changed = Object.keys(patch).filter(
    (key) =>
      JSON.stringify(patch[key]) !== JSON.stringify((stored as unknown as Record<string, unknown>)[key]),
  );
  const updated = await checkedAsync(() =>
    store.update(stored.name, patch as RolePatch, {
      expectedUpdatedAt: expectedUpdatedAt(request, body.updatedAt, stored),
    }),
  );
  await catalog.load({ fresh: true });
  await audit('role.updated', updated.name, changed);
  return json(shown(updated));
}

/** The listing with the app groups (what the console's "Roles and groups" page shows). */
async function listing(ctx: AdminContext, snapshot: RoleSnapshot) {
  const catalog = ctx.context.roles;
  const matching = catalog.matching;
  const [connections, groups] = await Promise.all([
    ctx.storage.connections.list(),
    ctx.storage.groups.list(),
  ]);
  const { roles, unmatchedGroups } = await listRoles(
    snapshot,
    matching,
    { store: ctx.storage.loginActivity, connectionIds: connections.map((c) => c.id) },
    catalog.store !== undefined,
  );
  return {
    custom: matching === undefined,
    editable: catalog.store !== undefined,
    recording: ctx.storage.loginActivity !== undefined,
    matchGroupNames: matching?.matchGroupNames !== false,
    caseInsensitive: matching?.caseInsensitive === true,
    ...(matching?.defaultRole ? { defaultRole: matching.defaultRole } : {}),
    roles,
    unmatchedGroups,
    groups: groups.map((g) => ({
      id: g.id,
      name: g.name,
      ...(g.externalId ? { externalId: g.externalId } : {}),
    })),
  };
}

/** The role store writes go to, or the reason there is none. */
function writableStore(ctx: AdminContext): RoleStore {
  const catalog = ctx.context.roles;
  if (catalog.store) return catalog.store;
  throw new ConfigError([
    catalog.matching === undefined
      ? {
          path: 'roles',
          message:
            'roles come from your own role matcher (createSso({ roles })), which decides alone: change them in your code.',
        }
      : {
          path: 'storage.roles',
          message:
            'the storage keeps no roles: give createSso a storage with a role store (memoryStorage(), sqlStorage()) to create roles here.',
        },
  ]);
}

/** Where a role not from the admin API is defined, for a message: " in code (...)" or " in the file ...". */
function whereDefined(snapshot: RoleSnapshot, name: string): string {
  const origin = snapshot.origins.get(name);
  if (origin?.source === 'file') return ` in the role file "${origin.origin}" (roleFiles)`;
  if (origin?.source === 'code') return ' in code (createSso({ roles }))';
  return '';
}

/** A stored role as the API shows it. */
function shown(role: StoredRole): Partial<ListedRole> {
  const { createdAt, updatedAt, ...rest } = role;
  return { ...rest, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString(), editable: true };
}

/** Fields a client may not send, named. */
function refuseUnknown(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    throw new ConfigError(
      unknown.map((key) => ({
        path: key,
        message: `is not a field of a role; these are: ${DEFINITION.join(', ')}.`,
      })),
    );
}

/** The `updatedAt` a write expects: `If-Match`, else the body's, else the current one. */
function expectedUpdatedAt(request: Request, given: unknown, current: StoredRole): Date {
  const tag = request.headers.get('if-match') ?? (given === undefined ? undefined : String(given));
  return ifMatchDate(tag, "If-Match (or updatedAt) must be the role's updatedAt.") ?? current.updatedAt;
}

/** A role check's coded `TypeError` as the admin API's `ConfigError`, naming the field. */
function asConfigError(error: unknown): unknown {
  if (!(error instanceof TypeError)) return error;
  const path = (error as TypeError & { path?: unknown }).path;
  if (typeof path !== 'string') return error;
  const field = path.replace(/^(?:role|patch)\.?/, '') || 'role';
  const quoted = `"${path}" `;
  const text = error.message.startsWith(quoted) ? error.message.slice(quoted.length) : error.message;
  const message = text.replace(/\.$/, '');
  return new ConfigError([{ path: field, message: `${message}.` }]);
}

function checked<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw asConfigError(error);
  }
}

async function checkedAsync<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asConfigError(error);
  }
}
