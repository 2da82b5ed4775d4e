/**
 * Type-level tests of @ssokit/express: what `req.sso` holds, the options of `requireAuth`,
 * `requirePermission` and `optionalAuth`, and a connection with only the settings the docs give.
 * Checked by `pnpm typecheck`; never run.
 *
 * @see issue 17 (rough edges: sign-in redirects, optional auth, connection types)
 */
import { optionalAuth, requireAuth, requirePermission, type SsoAuth } from '@ssokit/express';
import { createAccessTokenVerifier } from '@ssokit/oidc';
import type { Sso } from '@ssokit/server';
import type { Request } from 'express';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_value?: T) => undefined;

// req.sso: who made the request; null after optionalAuth() when nobody did; unset before either.
assertType<Equals<Request['sso'], SsoAuth | null | undefined>>();

// redirectTo: a path, a URL, or a function of Express's request returning one.
requireAuth({ redirectTo: '/login' });
requireAuth({ redirectTo: 'https://portal.example.com/sign-in', roles: ['admin'] });
requireAuth({ redirectTo: (req) => `/sso/login/${String(req.query.idp ?? 'okta')}` });
requirePermission('models', 'read', {
  organization: (req) => String(req.params.org),
  redirectTo: (req: Request) => `/login?from=${encodeURIComponent(req.path)}`,
});
// @ts-expect-error: the function returns the URL as a string
requireAuth({ redirectTo: () => new URL('https://portal.example.com') });

// optionalAuth reads a session or a bearer token and refuses nobody: no roles to require.
optionalAuth();
optionalAuth({ bearer: createAccessTokenVerifier({ issuer: 'https://idp.example.com', audience: ['api'] }) });
// @ts-expect-error: roles would refuse; that is requireAuth({ roles })
optionalAuth({ roles: ['admin'] });

// A connection needs only what the docs give: flow, pkce, scopes, userInfo and verifySignature default.
declare const sso: Sso;
sso.connections.create({
  name: 'Okta',
  protocol: 'oidc',
  provider: 'okta',
  active: true,
  oidc: { issuer: 'https://acme.okta.com', clientId: 'app' },
});
