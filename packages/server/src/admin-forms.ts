/**
 * The guided connection forms of the admin API: the form of each preset, a connection built from a
 * form's values (checked, not saved), and a stored connection as its form. The console saves what it
 * built through `POST /admin/connections` or `PATCH /admin/connections/:id`, so every rule of those
 * routes (unique names, secrets write-only, optimistic concurrency, audit events) applies unchanged.
 * `@ssokit/config` is loaded on first use (lazy.ts), as for the rest of the admin API.
 *
 * @module
 */
import { ConfigError, SsoError } from '@ssokit/core';
import type { AdminContext } from './admin.ts';
import { validateConnection } from './connections.ts';
import { loadConfig } from './lazy.ts';
import { BODY_LIMITS, decodePathSegment, json, notAllowed, readBody } from './respond.ts';

/**
 * Serves, after `handleAdmin`'s checks (an admin, and writes from this site only); `path` is relative
 * to the base path:
 * - `GET /admin/forms`: `{ forms, register }`, every form's description and the values to register at
 *   an identity provider (`{id}` stands for the connection's id);
 * - `POST /admin/forms/:formId/connection` with `{ values }`: `{ connection }`, the connection the
 *   values make, validated like a saved one; or `config_invalid` whose issues name the form's fields;
 * - `GET /admin/connections/:id/form`: `{ formId, values, secretsSet, updatedAt }` for the edit view,
 *   secrets never included.
 */
export async function handleForms(request: Request, path: string, ctx: AdminContext): Promise<Response> {
  const config = await loadConfig();
  if (path === '/admin/forms') {
    if (request.method !== 'GET') throw notAllowed('Read the forms with GET.', 'GET');
    return json({ forms: config.formDescriptions(), register: registerValues(ctx) });
  }
  const build = /^\/admin\/forms\/([^/]+)\/connection$/.exec(path);
  if (build) {
    if (request.method !== 'POST') throw notAllowed('Build a connection with POST.', 'POST');
    const formId = decodePathSegment(build[1] as string);
    if (!config.formDescriptions().some((form) => form.id === formId))
      throw new SsoError('invalid_request', `No form "${formId}": GET /admin/forms lists them.`);
    const values = (await readJsonObject(request)).values;
    if (typeof values !== 'object' || values === null || Array.isArray(values))
      throw new ConfigError([{ path: 'values', message: 'must be an object of form values by field key.' }]);
    // The form's own checks and importConnection's (issues by field), then the server's: IdP URLs on
    // private networks, inline metadata a login could not use.
    const built = config.formToConnection(formId, values as Record<string, never>);
    try {
      const connection = await validateConnection(
        { allowPrivateNetworks: ctx.allowPrivateNetworks },
        built as unknown as Record<string, unknown>,
      );
      return json({ connection });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(config.formIssues(formId, values as Record<string, never>, error.issues));
    }
  }
  const edit = /^\/admin\/connections\/([^/]+)\/form$/.exec(path);
  if (!edit) throw new SsoError('invalid_request', 'No such admin route.');
  if (request.method !== 'GET') throw notAllowed('Read the form with GET.', 'GET');
  const current = await ctx.storage.connections.get(decodePathSegment(edit[1] as string));
  if (!current) throw new SsoError('connection_not_found', 'No connection has this id.');
  // updatedAt: what the PATCH that saves the edit sends back (optimistic concurrency).
  return json({ ...config.connectionToForm(current), updatedAt: current.updatedAt.toISOString() });
}

/** What the admin registers at an identity provider, as the console shows it before a connection exists. */
function registerValues(ctx: AdminContext): Record<string, string> {
  const { context } = ctx;
  const perConnection = (route: string) => context.url(route.replace(':id', '{id}'));
  return {
    redirectUri: context.url('/oidc/callback'),
    postLogoutRedirectUri: `${context.origin}${context.postLogoutPath}`,
    // Both logout channels find the sessions they end in the store: only with server-side sessions.
    ...(context.sessionStore
      ? {
          backchannelLogoutUri: perConnection('/oidc/backchannel-logout/:id'),
          frontchannelLogoutUri: perConnection('/oidc/frontchannel-logout/:id'),
        }
      : {}),
    acsUrl: context.url('/saml/acs'),
    spMetadataUrl: perConnection('/saml/metadata/:id'),
    sloUrl: perConnection('/saml/slo/:id'),
  };
}

async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const text = await readBody(request, BODY_LIMITS.admin, 'The admin request body');
  if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json'))
    throw new SsoError('invalid_request', 'Send the body as application/json.');
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new SsoError('invalid_request', 'The body is not a JSON object.');
}
