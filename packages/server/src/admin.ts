import { type AuditHook, ConfigError, type Connection, emitAudit, SsoError } from '@ssokit/core';
import type { ConnectionPatch, SsoStorage } from '@ssokit/storage';
import { expiriesOf } from './admin-expiry.ts';
import { type AdminSessions, handleAdminSessions } from './admin-sessions.ts';
import { handleTestLogin } from './admin-test-login.ts';
import { validateConnection } from './connections.ts';
import type { SsoContext } from './context.ts';
import type { LayeredConnections } from './layered-connections.ts';
import { loadConfig } from './lazy.ts';
import { BODY_LIMITS, decodePathSegment, isCrossSite, json, notAllowed, readBody } from './respond.ts';
import type { Revocation } from './revocation.ts';
import type { ConnectionTestReport, TestSample } from './test-connection/report.ts';

/**
 * Decides whether a request may use the admin API: `true` or a non-empty string (the admin's name, for
 * audit events) allows; anything else (`false`, `undefined`, `null`, `''`, a thrown error) refuses.
 */
export type AuthorizeAdmin = (request: Request) => boolean | string | Promise<boolean | string>;

const STAMPED = ['id', 'createdAt', 'updatedAt'] as const;
/** Fields the admin API adds to a connection it shows, which a client may send back unchanged. */
const READ_ONLY = ['sources', 'secretsSet'] as const;

/** A connection as the admin API shows it: secrets left out, with the list of those that are set. */
export function redactSecrets(
  connection: Connection,
  secretFields: readonly string[],
): Record<string, unknown> {
  const data = JSON.parse(JSON.stringify(connection)) as Record<string, Record<string, unknown>>;
  const secretsSet: string[] = [];
  for (const field of secretFields) {
    const [section, key] = field.split('.') as [string, string];
    if (data[section]?.[key] !== undefined) {
      delete (data[section] as Record<string, unknown>)[key];
      secretsSet.push(field);
    }
  }
  return { ...data, secretsSet };
}

/**
 * Asks the host's `authorizeAdmin`: the admin's name, `undefined` for an unnamed admin, or `false`.
 * Fails closed: anything but `true` or a non-empty string (a hook that returns undefined for "nobody
 * signed in", or throws) refuses.
 */
export async function authorizeAdminRequest(
  authorize: AuthorizeAdmin,
  request: Request,
): Promise<string | undefined | false> {
  const allowed = await authorize(request);
  if (allowed === true) return undefined;
  return typeof allowed === 'string' && allowed !== '' ? allowed : false;
}

export interface AdminContext {
  storage: SsoStorage;
  /** Whether IdP URLs on private networks may be saved (`SsoOptions.allowPrivateNetworks`). */
  allowPrivateNetworks: boolean;
  origin: string;
  authorize: AuthorizeAdmin;
  audit?: AuditHook;
  clock: () => number;
  test: (id: string, sample?: TestSample) => Promise<ConnectionTestReport>;
  /** Ends sessions (revocation.ts); absent with cookie sessions, which cannot be ended. */
  sessions?: AdminSessions;
  /** Runs a change that removes or deactivates a connection between revocations of its sessions. */
  endingSessions: <T>(connectionId: string, why: Revocation, change: () => Promise<T>) => Promise<T>;
  /** The server's context: what test logins start logins with, and where each field comes from. */
  context: SsoContext;
}

/**
 * Serves `/admin/connections[/:id]`, `/admin/connections/:id/test[-login]` and `/admin/sessions`;
 * `path` is relative to the base path.
 */
export async function handleAdmin(request: Request, path: string, ctx: AdminContext): Promise<Response> {
  const method = request.method;
  if (method !== 'GET' && isCrossSite(request, ctx.origin)) {
    throw new SsoError(
      'forbidden',
      'Admin changes must come from this site (the Origin header names another).',
      { details: { reason: 'origin' } },
    );
  }
  const actor = await authorizeAdminRequest(ctx.authorize, request);
  if (actor === false)
    throw new SsoError('forbidden', 'You may not use the admin API.', { details: { reason: 'admin' } });
  const by = actor ? { actor } : {};
  const { secretFields } = await loadConfig();
  const redact = (c: Connection) => redactSecrets(c, secretFields);
  if (path === '/admin/sessions' || path.startsWith('/admin/sessions/'))
    return handleAdminSessions(request, path, ctx.sessions, by);
  if (/^\/admin\/(?:forms(?:\/|$)|connections\/[^/]+\/form$)/.test(path))
    return (await import('./admin-forms.ts')).handleForms(request, path, ctx);
  const store = ctx.storage.connections;
  if (/^\/admin\/connections\/[^/]+\/activity$/.test(path))
    return (await import('./admin-activity.ts')).activity(request, path, ctx);
  const roles = path === '/admin/roles' || path.startsWith('/admin/roles/');
  const testRoute = /^\/admin\/connections\/([^/]+)\/test$/.exec(path);
  const testLogin = /^\/admin\/connections\/([^/]+)\/test-login(?:\/([^/]+))?$/.exec(path);
  const match = /^\/admin\/connections(?:\/([^/]+))?$/.exec(path);
  if (!match && !testRoute && !testLogin && !roles)
    throw new SsoError('invalid_request', 'No such admin route.');
  const id = match?.[1] === undefined ? undefined : decodePathSegment(match[1]);

  const readJson = async (optional = false): Promise<Record<string, unknown>> => {
    const text = await readBody(request, BODY_LIMITS.admin, 'The admin request body');
    if (optional && text.trim() === '') return {};
    if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
      throw new SsoError('invalid_request', 'Send the body as application/json.');
    }
    try {
      const body = JSON.parse(text) as unknown;
      if (typeof body === 'object' && body !== null && !Array.isArray(body))
        return body as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new SsoError('invalid_request', 'The body is not a JSON object.');
  };
  if (roles) return (await import('./admin-roles.ts')).handleRoles(ctx, { request, path, actor, readJson });
  if (testLogin)
    return handleTestLogin(ctx, {
      request,
      connectionId: decodePathSegment(testLogin[1] as string),
      rest: testLogin[2] === undefined ? undefined : decodePathSegment(testLogin[2]),
      actor,
      readJson,
    });
  if (testRoute) {
    if (method !== 'POST') throw notAllowed('Run a test with POST.', 'POST');
    const sample = pickSample(await readJson(true));
    return json(await ctx.test(decodePathSegment(testRoute[1] as string), sample));
  }
  const validate = (body: Record<string, unknown>) =>
    validateConnection({ allowPrivateNetworks: ctx.allowPrivateNetworks }, body);
  const expectedUpdatedAt = (current: Connection): Date =>
    ifMatchDate(request.headers.get('if-match'), "If-Match must be the connection's updatedAt.") ??
    current.updatedAt;
  const audit = (
    type: 'connection.created' | 'connection.updated' | 'connection.deleted',
    c: Connection,
    changedFields?: string[],
  ) =>
    emitAudit(ctx.audit, {
      type,
      at: new Date(ctx.clock()),
      connectionId: c.id,
      name: c.name,
      ...(actor ? { actor } : {}),
      ...(changedFields ? { changedFields } : {}),
    });

  if (id === undefined) {
    // With what expires in each (a certificate, a secret), for the console's table.
    if (method === 'GET')
      return json((await store.list()).map((c) => ({ ...redact(c), expiries: expiriesOf(c) })));
    if (method === 'POST') {
      const created = await store.create((await validate(await readJson())) as never);
      await audit('connection.created', created);
      return json(redact(created), 201);
    }
    throw notAllowed(`${method} is not allowed here.`, 'GET, POST');
  }
  const current = await store.get(id);
  if (!current) throw new SsoError('connection_not_found', 'No connection has this id.');
  // With each effective field's source: environment, file, stored or default (SsoOptions.settings).
  if (method === 'GET') return json({ ...redact(current), sources: await ctx.context.sources(id) });
  if (method === 'DELETE') {
    // Its sessions end with it (connections.ts: before and after the delete).
    await ctx.endingSessions(id, { reason: 'connection_deleted', ...by }, async () => {
      await store.delete(id, { expectedUpdatedAt: expectedUpdatedAt(current) });
      await audit('connection.deleted', current);
    });
    return new Response(null, { status: 204 });
  }
  if (method === 'PATCH') {
    const patch = await readJson();
    // What GET answers may come back whole (a form sends every field): its read-only fields are
    // dropped, and the ones that cannot change pass when they did not.
    for (const key of READ_ONLY) delete patch[key];
    const now = JSON.parse(JSON.stringify(current)) as Record<string, unknown>;
    for (const key of [...STAMPED, 'protocol']) {
      if (!(key in patch) || key === 'updatedAt') continue;
      if (JSON.stringify(patch[key]) !== JSON.stringify(now[key]))
        throw new ConfigError([{ path: key, message: 'cannot be changed.' }]);
      delete patch[key];
    }
    // What the environment or a file fixes is refused first, naming it (settings layers), before any
    // other rule about the same fields.
    await (store as Partial<LayeredConnections>).checkWrite?.(id, patch);
    // Secrets are write-only: a patch that leaves them out keeps them.
    const merged: Record<string, unknown> = { ...JSON.parse(JSON.stringify(current)), ...patch };
    for (const section of ['oidc', 'saml'] as const) {
      const given = patch[section];
      if (given === undefined) continue;
      if (typeof given !== 'object' || given === null || Array.isArray(given))
        throw new ConfigError([{ path: section, message: 'must be an object of settings.' }]);
      if ((current as unknown as Record<string, unknown>)[section])
        merged[section] = {
          ...given,
          ...keptSecrets(current, section, given as Record<string, unknown>, secretFields),
        };
    }
    for (const key of STAMPED) delete merged[key];
    const valid = (await validate(merged)) as Record<string, unknown>;
    const changed = Object.keys(patch).filter((key) => key !== 'updatedAt');
    const fields = Object.fromEntries(changed.map((key) => [key, valid[key]])) as ConnectionPatch;
    const save = async () => {
      const updated = await store.update(id, fields, {
        expectedUpdatedAt: patch.updatedAt ? new Date(String(patch.updatedAt)) : expectedUpdatedAt(current),
      });
      await audit('connection.updated', updated, changed);
      return updated;
    };
    // Deactivating ends the connection's sessions (connections.ts: before and after the change).
    const updated =
      current.active && fields.active === false
        ? await ctx.endingSessions(id, { reason: 'connection_deactivated', ...by }, save)
        : await save();
    return json(redact(updated));
  }
  throw notAllowed(`${method} is not allowed here.`, 'GET, PATCH, DELETE');
}

/**
 * The `updatedAt` an `If-Match` names (a weak or quoted tag is read too), for optimistic concurrency on
 * the admin API's writes; `undefined` without one. A tag that is not a date is `invalid_request` with
 * `message`.
 */
export function ifMatchDate(tag: string | null | undefined, message: string): Date | undefined {
  if (!tag) return undefined;
  const when = new Date(tag.replace(/^W\//, '').replace(/"/g, ''));
  if (Number.isNaN(when.getTime())) throw new SsoError('invalid_request', message);
  return when;
}

/** The sample of a test request: `{ claims }`, `{ idToken }` or `{ samlResponse }`, with `subject`. */
function pickSample(body: Record<string, unknown>): TestSample | undefined {
  const sample: TestSample = {};
  if (body.claims !== undefined) {
    if (typeof body.claims !== 'object' || body.claims === null || Array.isArray(body.claims))
      throw new ConfigError([{ path: 'claims', message: 'must be a JSON object of claims.' }]);
    sample.claims = body.claims as Record<string, unknown>;
  }
  for (const key of ['idToken', 'samlResponse', 'subject'] as const) {
    if (body[key] === undefined) continue;
    if (typeof body[key] !== 'string' || body[key] === '')
      throw new ConfigError([{ path: key, message: 'must be a non-empty string.' }]);
    sample[key] = body[key] as string;
  }
  const given = ['claims', 'idToken', 'samlResponse'].filter((k) => body[k] !== undefined);
  if (given.length > 1)
    throw new ConfigError([
      { path: given[1] as string, message: 'give one sample: claims, idToken or samlResponse.' },
    ]);
  return given.length === 0 ? undefined : sample;
}

/**
 * Whether a patch of the `oidc` section points the client secret at another place: a new issuer
 * (discovery, hence the token endpoint) or any changed endpoint override (token, revocation, ...).
 * A stored secret must then be sent again with the patch: otherwise whoever may edit a connection but
 * not read its secret (write-only) could have it sent to a server of theirs at the next login. SAML
 * needs no such rule: its secret, the SP private key, only signs and decrypts and is never sent.
 */
/**
 * The stored secrets of `section` that a patch (`given`) leaves out, kept: secrets are write-only. A
 * client secret never follows the connection to another identity provider (a new issuer or endpoint):
 * then the patch must send it again.
 */
function keptSecrets(
  current: Connection,
  section: 'oidc' | 'saml',
  given: Record<string, unknown>,
  secretFields: readonly string[],
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const field of secretFields) {
    const [s, key] = field.split('.') as [string, string];
    if (s !== section || key in given) continue;
    const value = (current as unknown as Record<string, Record<string, unknown>>)[s]?.[key];
    if (value === undefined) continue;
    if (field === 'oidc.clientSecret' && sendsSecretElsewhere(current, given))
      throw new ConfigError([
        {
          path: 'oidc.clientSecret',
          message:
            'send the client secret again: the issuer or an endpoint changed, and a stored secret never follows a connection to another identity provider.',
        },
      ]);
    kept[key] = value;
  }
  return kept;
}

function sendsSecretElsewhere(current: Connection, next: Record<string, unknown>): boolean {
  if (current.protocol !== 'oidc') return false;
  if (next.issuer !== current.oidc.issuer) return true;
  const before = (current.oidc.endpoints ?? {}) as Record<string, unknown>;
  const after = (
    typeof next.endpoints === 'object' && next.endpoints !== null ? next.endpoints : {}
  ) as Record<string, unknown>;
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].some(
    (key) => before[key] !== after[key],
  );
}
