/**
 * `@ssokit/nest`: mounts ssokit in a NestJS (11 or later, Express platform) app. A controller passes
 * ssokit's routes to `sso.handle()`, `SsoGuard` checks sessions, bearer tokens and `@Roles()`, and
 * `@CurrentUser()` reads who made the request. Nothing else: every check lives in `@ssokit/server`.
 *
 * Decorators are applied as plain calls, so the package needs no decorator transform and no emitted
 * type metadata (dependencies are injected by token).
 *
 * @packageDocumentation
 */
export type { SignInTarget, SsoAuth } from '@ssokit/server/node';
export { CurrentUser, OptionalAuth, RequirePermission, Roles, SsoGuard } from './guard.ts';
export type { SsoModuleAsyncOptions } from './module.ts';
export { SsoModule } from './module.ts';
export type { SsoModuleOptions, SsoRequest } from './options.ts';
export { SSO_OPTIONS } from './options.ts';
