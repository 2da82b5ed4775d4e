/**
 * `@ssokit/server/node`: what every Node framework adapter shares. A Node request becomes a Web
 * `Request` (with the raw body bytes, as the IdP sent them), a Web `Response` is written back, and
 * `authenticate()` reads a session cookie or a bearer token for `requireAuth()` and
 * `requirePermission()`.
 *
 * @packageDocumentation
 */
import { isSsoError, SsoError } from '@ssokit/core';
import type { AccessTokenVerifier, VerifiedAccessToken } from '@ssokit/oidc';
import { type ErrorReporter, REPORT_ERROR } from '../report-error.ts';
import { type ErrorReply, errorReply } from '../respond.ts';
import { type Sso, type SsoSession, type SsoUser, ssoUser } from '../sso.ts';
import { DEFAULT_BODY_LIMIT } from './convert.ts';

export { publicOnlyLookup } from '../outbound.ts';
export type { ErrorReply } from '../respond.ts';
export { errorReply } from '../respond.ts';
export type { ToWebRequestOptions } from './convert.ts';
export { DEFAULT_BODY_LIMIT, toWebRequest, toWebRequestHead, writeWebResponse } from './convert.ts';
export type { SignInTarget } from './sign-in.ts';
export { checkSignInTarget, signInRedirect, wantsPage } from './sign-in.ts';

/**
 * {@link errorReply} for an adapter's own failure (a body over its limit, a bearer token refused), also
 * handed to the host's `onError` like every failure `sso.handle` answers; `unauthenticated` (nothing
 * presented) is only answered.
 *
 * @example
 * ```ts
 * import { replyToError, toWebRequestHead } from '@ssokit/server/node';
 *
 * const { status, headers, body } = replyToError(sso, error, toWebRequestHead(req, sso.origin, req.url));
 * ```
 */
export function replyToError(sso: Sso, error: unknown, request: Request): ErrorReply {
  const reply = errorReply(error);
  // a visitor who presented nothing is the ordinary state of a signed-out page, not a failure to log
  if (!(isSsoError(error) && error.code === 'unauthenticated'))
    (sso as unknown as { [REPORT_ERROR]?: ErrorReporter })[REPORT_ERROR]?.(error, request, reply.status);
  return reply;
}

/** Who made a request, as `requireAuth()` found it. */
export interface SsoAuth {
  /** `session`: the ssokit session cookie; `bearer`: an `Authorization: Bearer` access token. */
  kind: 'session' | 'bearer';
  /** The app user (session), or the token's mapped user id (bearer: the IdP's id, not the app's). */
  user: SsoUser;
  roles: string[];
  /** Group names (session only; a bearer token's groups are in `token.profile`). */
  groups: string[];
  /** The organizations its roles apply to (see `SsoSession.organizations`), for a token too. */
  organizations: string[];
  session?: SsoSession;
  token?: VerifiedAccessToken;
}

/** Options of `requireAuth()` in every adapter. */
export interface RequireAuthOptions {
  /** The request needs at least one of these roles (`forbidden` otherwise). Default: any signed-in user. */
  roles?: readonly string[];
  /** Accept `Authorization: Bearer` tokens verified by this verifier. Default: sessions only. */
  bearer?: AccessTokenVerifier;
}

/**
 * A permission a request needs: `action` on `resource`, in `organization` when the request acts in
 * one (see `sso.can`).
 *
 * @example
 * ```ts
 * import type { PermissionRequirement } from '@ssokit/server/node';
 *
 * const readModels: PermissionRequirement = { resource: 'models', action: 'read', organization: 'org-1' };
 * ```
 */
export interface PermissionRequirement {
  resource: string;
  action: string;
  /** The organization the request acts in; without it, only global roles grant. Default: none. */
  organization?: string | undefined;
}

/**
 * Options of `requirePermission(resource, action, options)` in the Express and Koa adapters; `Req` is
 * what the framework hands a middleware (Express's `req`, Koa's `ctx`).
 *
 * @example
 * ```ts
 * import type { RequirePermissionOptions } from '@ssokit/server/node';
 *
 * const options: RequirePermissionOptions<{ params: Record<string, string> }> = {
 *   organization: (req) => req.params.org,
 * };
 * ```
 */
export interface RequirePermissionOptions<Req> {
  /**
   * The organization a request acts in, read from it (a route parameter, a header): organization
   * roles grant only there. Default: none, so only global roles grant.
   */
  organization?: (req: Req) => string | undefined;
  /** Accept `Authorization: Bearer` tokens verified by this verifier. Default: sessions only. */
  bearer?: AccessTokenVerifier;
}

/**
 * Checks `requirePermission(resource, action, options)` once, when the middleware is made: a mistake
 * is a TypeError at start-up.
 *
 * @example
 * ```ts
 * import { checkRequirePermission } from '@ssokit/server/node';
 *
 * const options = checkRequirePermission('models', 'read', { organization: (req: { params: { org: string } }) => req.params.org });
 * ```
 */
export function checkRequirePermission<Req>(
  resource: string,
  action: string,
  options: RequirePermissionOptions<Req> | undefined,
): RequirePermissionOptions<Req> {
  if (typeof resource !== 'string' || resource === '')
    throw new TypeError('requirePermission(resource, action): "resource" must be a non-empty string.');
  if (typeof action !== 'string' || action === '')
    throw new TypeError('requirePermission(resource, action): "action" must be a non-empty string.');
  const o = options ?? {};
  if (typeof o !== 'object') throw new TypeError('requirePermission(options): "options" must be an object.');
  if (o.organization !== undefined && typeof o.organization !== 'function')
    throw new TypeError(
      'requirePermission(options): "organization" must be a function of the request, returning the organization id.',
    );
  if (o.bearer !== undefined && typeof o.bearer?.verify !== 'function')
    throw new TypeError(
      'requirePermission(options): "bearer" must be a verifier from createAccessTokenVerifier().',
    );
  return o;
}

/**
 * Checks `requireAuth` options once, when the middleware is made (STYLE 2.2): a mistake is a
 * TypeError at start-up, not a 500 on the first request.
 *
 * @example
 * ```ts
 * import { checkRequireAuthOptions } from '@ssokit/server/node';
 *
 * // In a custom adapter's requireAuth(options):
 * const checked = checkRequireAuthOptions({ roles: ['admins'] });
 * ```
 */
export function checkRequireAuthOptions(options: RequireAuthOptions | undefined): RequireAuthOptions {
  const o = options ?? {};
  if (typeof o !== 'object') throw new TypeError('requireAuth(options): "options" must be an object.');
  if (
    o.roles !== undefined &&
    (!Array.isArray(o.roles) || !o.roles.every((r) => typeof r === 'string' && r !== ''))
  )
    throw new TypeError('requireAuth(options): "roles" must be a list of role names.');
  if (o.bearer !== undefined && typeof o.bearer?.verify !== 'function')
    throw new TypeError(
      'requireAuth(options): "bearer" must be a verifier from createAccessTokenVerifier().',
    );
  return o;
}

/**
 * Checks an adapter's `ssoRouter(sso, options)` arguments once, when the middleware is made, and
 * returns what the middleware needs: the body limit and whether a path is one of ssokit's.
 *
 * @example
 * ```ts
 * import { checkRouterOptions } from '@ssokit/server/node';
 * declare const sso: import('@ssokit/server').Sso;
 *
 * const { bodyLimit, owns } = checkRouterOptions(sso, { bodyLimit: 2_000_000 });
 * owns('/sso/oidc/callback'); // true: hand the request to sso.handle
 * ```
 */
export function checkRouterOptions(
  sso: Sso,
  options: { bodyLimit?: number } | undefined,
): {
  bodyLimit: number;
  /** Whether `path` is one of ssokit's routes (`sso.serves`). */
  owns(path: string): boolean;
} {
  if (typeof sso?.handle !== 'function')
    throw new TypeError('ssoRouter(sso): pass the object createSso() returned.');
  const bodyLimit = options?.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isInteger(bodyLimit) || bodyLimit <= 0)
    throw new TypeError('ssoRouter(sso, options): "bodyLimit" must be a positive number of bytes.');
  return { bodyLimit, owns: (path) => sso.serves(path) };
}

/**
 * The session or bearer token of a request, with the roles and the permission `options` require.
 * Throws `SsoError` `unauthenticated` (nothing presented), `access_token_invalid` (a bad bearer token)
 * or `forbidden` (a role missing: `details.reason` `role`; the permission not granted: `permission`).
 *
 * @example
 * ```ts
 * import { authenticate } from '@ssokit/server/node';
 *
 * const auth = await authenticate(sso, request, { roles: ['admin'] });
 * auth.user.id; auth.roles;
 * const owner = await authenticate(sso, request, {
 *   permission: { resource: 'models', action: 'write', organization: 'org-1' },
 * });
 * owner.organizations; // ['org-1', ...]
 * ```
 */
export async function authenticate(
  sso: Sso,
  request: Request,
  options: RequireAuthOptions & { permission?: PermissionRequirement } = {},
): Promise<SsoAuth> {
  let auth: SsoAuth | undefined;
  const header = request.headers.get('authorization');
  // Any Bearer credential is the one the client chose: a malformed one is refused, never passed over
  // for the session cookie beside it (RFC 6750 §2.1: "Bearer", one space or more, one token).
  if (header !== null && /^Bearer(?:\s|$)/i.test(header)) {
    const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header)?.[1];
    if (bearer === undefined)
      throw new SsoError(
        'access_token_invalid',
        'The Authorization header is not "Bearer <token>": send one token after "Bearer " and nothing else.',
        { details: { reason: 'malformed' } },
      );
    if (!options.bearer)
      throw new SsoError(
        'access_token_invalid',
        'This route does not accept bearer tokens; sign in instead.',
      );
    const token = await options.bearer.verify(bearer);
    auth = {
      kind: 'bearer',
      user: ssoUser(token.profile.externalId, token.profile),
      roles: token.roles,
      groups: [],
      organizations: sso.organizationsOf(token.roles),
      token,
    };
  } else {
    const session = await sso.getSession(request);
    if (session)
      auth = {
        kind: 'session',
        user: session.user,
        roles: session.roles,
        groups: session.groups,
        organizations: session.organizations,
        session,
      };
  }
  if (!auth) throw new SsoError('unauthenticated', 'Sign in first: this page needs a signed-in user.');
  const needed = options.roles;
  if (needed && needed.length > 0 && !needed.some((role) => auth.roles.includes(role))) {
    throw new SsoError('forbidden', `This needs one of the roles ${needed.join(', ')}.`, {
      details: { reason: 'role', roles: [...needed] },
    });
  }
  const permission = options.permission;
  if (permission) {
    const { resource, action, organization } = permission;
    if (!sso.can(auth, resource, action, { organization })) {
      const where = organization === undefined ? '' : ` in the organization "${organization}"`;
      throw new SsoError('forbidden', `This needs the permission to ${action} ${resource}${where}.`, {
        details: {
          reason: 'permission',
          resource,
          action,
          ...(organization === undefined ? {} : { organization }),
        },
      });
    }
  }
  return auth;
}
