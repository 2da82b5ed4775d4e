/**
 * What `createSso()` returns (`Sso`) and the session a host reads (`SsoSession`, with `ssoUser`, the
 * one projection of a user onto it). The options are in options.ts.
 *
 * @module
 */
import type { RoleMatcher } from '@ssokit/core';
import type { SessionFilter, SsoStorage } from '@ssokit/storage';
import type { CanOptions, PermissionSubject } from './authorization.ts';
import type { SsoRoutes } from './options.ts';
import type { ConnectionTestReport, TestSample } from './test-connection/report.ts';

/** Who a session or token is, as the host sees it. */
export interface SsoUser {
  id: string;
  email?: string;
  name?: string;
  username?: string;
}

/** The session of a request, as the host sees it. */
export interface SsoSession {
  user: SsoUser;
  roles: string[];
  groups: string[];
  /**
   * The organizations the session's roles apply to (their `organizationId`s, see `RoleDefinition`), in
   * the order of `roles`. Derived from the role definitions when the session is read, so a role moved
   * to another organization shows without a new login. Global roles add none.
   */
  organizations: string[];
  connectionId: string;
  expiresAt: Date;
  /** A cookie session left some group names out to stay small (see `SsoOptions.sessionMode`). */
  groupsTruncated?: true;
  /** A restore-mode administrator (`connectionId` is then `'restore'`); see `SsoOptions.restore`. */
  restore?: true;
}

/** The host's view of a user or token profile: the id and whichever display fields are set. */
export function ssoUser(
  id: string,
  fields: { email?: string | undefined; name?: string | undefined; username?: string | undefined },
): SsoUser {
  return {
    id,
    ...(fields.email ? { email: fields.email } : {}),
    ...(fields.name ? { name: fields.name } : {}),
    ...(fields.username ? { username: fields.username } : {}),
  };
}

/** What {@link createSso} returns. */
export interface Sso {
  /** The origin of `baseUrl` (`https://app.example.com`), for adapters building Web requests. */
  readonly origin: string;
  /** Where ssokit's routes live (`/sso` by default); adapters pass other paths on to the host. */
  readonly basePath: string;
  /** The routes moved out of `basePath` (`SsoOptions.routes`), as set. */
  readonly routes: Readonly<SsoRoutes>;
  /**
   * Whether `handle` serves this path (a URL's pathname): one under `basePath` or a moved route.
   * Adapters pass every other request on to the host.
   *
   * @example
   * ```ts
   * declare const sso: import('@ssokit/server').Sso;
   * sso.serves('/sso/login/okta'); // true
   * sso.serves('/projects'); // false
   * ```
   */
  serves(path: string): boolean;
  /** Serves every ssokit route; any other path answers 404. */
  handle(request: Request): Promise<Response>;
  /** The request's session, or `null`. */
  getSession(request: Request): Promise<SsoSession | null>;
  /**
   * Applies `roleFiles` to the role store and reads the stored roles, failing when a file's role has
   * the name of a role created through the admin API (`storage_conflict`) or the store cannot be read.
   * Optional: the first login or session read does the same, warning (`role-file-conflict`) instead
   * of failing. Call it once at start-up to fail fast.
   *
   * @example
   * ```ts
   * declare const sso: import('@ssokit/server').Sso;
   *
   * await sso.ready(); // before app.listen()
   * ```
   */
  ready(): Promise<void>;
  /**
   * Ends sessions on every instance: all of a user's (`{ userId }`), all at a connection
   * (`{ connectionId }`), or one IdP user's or IdP session's there (`{ connectionId, subject }`,
   * `{ connectionId, idpSessionId }`). Returns how many ended. Needs server-side sessions
   * (`sessionMode: 'server'`); with cookie sessions it throws `config_invalid`.
   *
   * @example
   * ```ts
   * // The user was disabled in the app: sign them out everywhere now.
   * await sso.revokeSessions({ userId: user.id });
   * ```
   */
  revokeSessions(filter: SessionFilter): Promise<number>;
  /**
   * Whether `subject` (a session, an adapter's `SsoAuth`, a verified bearer token, or role names) may
   * do `action` on `resource`: true when one of its roles grants it, a global role anywhere, an
   * organization role only when `options.organization` is its `organizationId`. Role names without a
   * definition grant nothing, `null` is never allowed, and there are no wildcards (Arthur has none).
   * Synchronous: the definitions are indexed once per version.
   *
   * @example
   * ```ts
   * declare const sso: import('@ssokit/server').Sso;
   * declare const request: Request;
   *
   * const session = await sso.getSession(request);
   * if (!sso.can(session, 'models', 'write', { organization: 'org-1' })) {
   *   // answer 403
   * }
   * ```
   */
  can(subject: PermissionSubject, resource: string, action: string, options?: CanOptions): boolean;
  /**
   * The organizations `subject`'s roles apply to, as `SsoSession.organizations` lists them: for a
   * bearer token or a list of role names.
   *
   * @example
   * ```ts
   * declare const sso: import('@ssokit/server').Sso;
   *
   * sso.organizationsOf(['idp-admin', 'org-1-model-owner']); // ['org-1']
   * ```
   */
  organizationsOf(subject: PermissionSubject): string[];
  /**
   * The role matching a login through connection `connectionId` does (`grantedBy` included), for
   * `createAccessTokenVerifier({ roles })`: bearer tokens from that connection's IdP then get the roles,
   * and so the permissions, a browser session of the same person gets. The connection need not exist
   * yet; a role whose `grantedBy` does not name it is never granted.
   *
   * @example
   * ```ts
   * import { createAccessTokenVerifier } from '@ssokit/oidc';
   * declare const sso: import('@ssokit/server').Sso;
   *
   * const bearer = createAccessTokenVerifier({
   *   issuer: 'https://dev.okta.com/oauth2/default',
   *   audience: ['api://default'],
   *   claimMapping: { roles: 'Groups' },
   *   roles: sso.roleMatcher('okta-prod'),
   * });
   * ```
   */
  roleMatcher(connectionId: string): RoleMatcher;
  /**
   * The connections, as the admin API changes them: `create` and `update` save only a connection a
   * login could use (else a `ConfigError` listing every problem: the JSON Schema's, an IdP URL this
   * server may not call, aggregate metadata with no `idpEntityId`), and deleting or deactivating one
   * ends its sessions on every instance. The storage's own `connections` does neither.
   *
   * @example
   * ```ts
   * await sso.connections.create({
   *   name: 'Okta',
   *   protocol: 'oidc',
   *   provider: 'okta',
   *   active: true,
   *   oidc: { issuer: 'https://acme.okta.com', clientId: '0oa1b2c3' },
   * });
   * ```
   */
  readonly connections: SsoStorage['connections'];
  /**
   * "Test Provider": checks a connection against its IdP (OIDC: discovery, issuer, JWKS, endpoints,
   * clock skew; SAML: metadata, certificates and their expiry, endpoints) and, given a sample answer,
   * previews the mapped profile, roles and group-sync plan against the current user. No side effects.
   */
  testConnection(id: string, sample?: TestSample): Promise<ConnectionTestReport>;
}
