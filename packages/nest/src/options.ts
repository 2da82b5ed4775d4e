/**
 * What `SsoModule` is given (`SsoModuleOptions`, under the `SSO_OPTIONS` token) and the request
 * `SsoGuard` reads.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Sso } from '@ssokit/server';
import type { RequireAuthOptions, SignInTarget, SsoAuth } from '@ssokit/server/node';

/**
 * The injection token of the module's {@link SsoModuleOptions}: inject it to reach the module's `sso`.
 *
 * @example
 * ```ts
 * import { Inject, Injectable } from '@nestjs/common';
 * import { SSO_OPTIONS, type SsoModuleOptions } from '@ssokit/nest';
 *
 * @Injectable()
 * export class Permissions {
 *   readonly #options: SsoModuleOptions;
 *   constructor(@Inject(SSO_OPTIONS) options: SsoModuleOptions) {
 *     this.#options = options;
 *   }
 *   canRead(roles: string[]) {
 *     return this.#options.sso.can(roles, 'models', 'read');
 *   }
 * }
 * ```
 */
export const SSO_OPTIONS = Symbol.for('ssokit:nest-options');

/** The request as `SsoGuard` sees it on Nest's Express platform (Express's `req`). */
export type SsoRequest = IncomingMessage & {
  originalUrl?: string;
  /** The parsed query string. */
  query?: Record<string, unknown>;
  /** Who made the request, once `SsoGuard` has run (`null`: nobody, on an `@OptionalAuth()` handler). */
  sso?: SsoAuth | null;
};

/** What `SsoModule` needs. */
export interface SsoModuleOptions {
  /** The object `createSso()` returned. */
  sso: Sso;
  /** Accept `Authorization: Bearer` tokens in `SsoGuard`, verified by this. Default: sessions only. */
  bearer?: RequireAuthOptions['bearer'];
  /** The largest request body read for ssokit's routes, in bytes. Default: 1048576 (1 MiB). */
  bodyLimit?: number;
  /**
   * Where `SsoGuard` sends a signed-out browser asking for a page (GET or HEAD, `Accept: text/html`),
   * with a 303 and `returnTo` set to the page's path: a site path (`'/login'`, `'/sso/login/okta'`),
   * an http(s) URL, or a function of the request returning one. API clients still get the 401 JSON.
   * Default: none, every refusal is JSON.
   */
  redirectTo?: SignInTarget<SsoRequest>;
}
