/**
 * Type-level tests of @ssokit/nest: the module's `redirectTo`, `@OptionalAuth()` and what
 * `request.sso` holds. Checked by `pnpm typecheck`; never run.
 *
 * @see issue 17 (rough edges: sign-in redirects, optional auth)
 */
import {
  OptionalAuth,
  type SignInTarget,
  type SsoAuth,
  SsoModule,
  type SsoModuleOptions,
  type SsoRequest,
} from '@ssokit/nest';
import type { Sso } from '@ssokit/server';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_value?: T) => undefined;

assertType<Equals<SsoModuleOptions['redirectTo'], SignInTarget<SsoRequest> | undefined>>();
assertType<Equals<SsoRequest['sso'], SsoAuth | null | undefined>>();

declare const sso: Sso;
SsoModule.forRoot({ sso, redirectTo: '/login' });
SsoModule.forRoot({ sso, redirectTo: (req) => `/sso/login/${String(req.query?.idp ?? 'okta')}` });
// @ts-expect-error: the function returns the URL as a string
SsoModule.forRoot({ sso, redirectTo: () => 42 });

// @OptionalAuth() takes no arguments: it is a method and class decorator.
const decorator: MethodDecorator & ClassDecorator = OptionalAuth();

export { decorator };
