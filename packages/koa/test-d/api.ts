/**
 * Type-level tests of @ssokit/koa: what `ctx.state.sso` holds and the options of `requireAuth`,
 * `requirePermission` and `optionalAuth`. Checked by `pnpm typecheck`; never run.
 *
 * @see issue 17 (rough edges: sign-in redirects, optional auth)
 */
import { optionalAuth, requireAuth, requirePermission, type SsoAuth } from '@ssokit/koa';
import type { DefaultState } from 'koa';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_value?: T) => undefined;

// ctx.state.sso: who made the request; null after optionalAuth() when nobody did; unset before either.
assertType<Equals<DefaultState['sso'], SsoAuth | null | undefined>>();

// redirectTo: a path, a URL, or a function of Koa's ctx returning one.
requireAuth({ redirectTo: '/login' });
requireAuth({ redirectTo: (ctx) => `/sso/login/${String(ctx.query.idp ?? 'okta')}` });
requirePermission('models', 'read', { redirectTo: (ctx) => `/login?from=${encodeURIComponent(ctx.path)}` });
// @ts-expect-error: the function returns the URL as a string
requireAuth({ redirectTo: () => undefined });

optionalAuth();
// @ts-expect-error: roles would refuse; that is requireAuth({ roles })
optionalAuth({ roles: ['admin'] });
