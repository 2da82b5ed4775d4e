/**
 * Type-level tests of the names DESIGN fixes for @ssokit/server: `createSso`, `Sso`, `SsoSession`,
 * `sso.handle`, `sso.getSession`, `sso.testConnection`, and of `@ssokit/server/node`. Checked by
 * `pnpm typecheck`; never run.
 */
import type { ConnectionTestReport, Sso, SsoOptions, SsoSession, TestSample } from '@ssokit/server';
import { createSso, statusFor } from '@ssokit/server';
import type {
  authenticate,
  ErrorReply,
  errorReply,
  SsoAuth,
  toWebRequest,
  writeWebResponse,
} from '@ssokit/server/node';
import { memoryStorage } from '@ssokit/storage';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_value?: T) => undefined;

// createSso takes SsoOptions and returns Sso.
assertType<Equals<Parameters<typeof createSso>[0], SsoOptions>>();
assertType<Equals<ReturnType<typeof createSso>, Sso>>();
const sso = createSso({
  baseUrl: 'https://app.example.com',
  storage: memoryStorage(),
  secret: 'x'.repeat(32),
});

// handle: Web Request in, Web Response out; getSession: SsoSession or null.
assertType<Equals<Parameters<Sso['handle']>, [request: Request]>>();
assertType<Equals<ReturnType<Sso['handle']>, Promise<Response>>>();
assertType<Equals<ReturnType<Sso['getSession']>, Promise<SsoSession | null>>>();

// The session as DESIGN fixes it: { user, roles, groups, connectionId } (+ expiresAt, restore).
declare const session: SsoSession;
session.user.id satisfies string;
session.roles satisfies string[];
session.groups satisfies string[];
session.connectionId satisfies string;
session.expiresAt satisfies Date;
assertType<Equals<SsoSession['restore'], true | undefined>>();

// Authorization: can(subject, resource, action, { organization }) is synchronous; sessions list organizations.
session.organizations satisfies string[];
assertType<Equals<ReturnType<Sso['can']>, boolean>>();
sso.can(session, 'models', 'read', { organization: 'org-1' }) satisfies boolean;
sso.can(null, 'models', 'read') satisfies boolean;
sso.can(['org-1-model-owner'], 'models', 'read') satisfies boolean;
// @ts-expect-error: the action is required
sso.can(session, 'models');

// testConnection(id, sample?) resolves to a report with a worst status.
assertType<Equals<Parameters<Sso['testConnection']>, [id: string, sample?: TestSample]>>();
assertType<Equals<Awaited<ReturnType<Sso['testConnection']>>, ConnectionTestReport>>();
assertType<Equals<ConnectionTestReport['status'], 'ok' | 'warning' | 'error'>>();

// statusFor takes only codes of the union.
statusFor('invalid_state') satisfies number;
// @ts-expect-error: not a code of the union
statusFor('no_such_code');

// Required options are required.
// @ts-expect-error: secret is missing
createSso({ baseUrl: 'https://app.example.com', storage: memoryStorage() });

// The Node glue: authenticate resolves to who made the request; errorReply keeps headers.
assertType<Equals<Awaited<ReturnType<typeof authenticate>>, SsoAuth>>();
assertType<Equals<SsoAuth['kind'], 'session' | 'bearer'>>();
assertType<Equals<ReturnType<typeof errorReply>, ErrorReply>>();
assertType<Equals<ErrorReply['headers'], Record<string, string>>>();
assertType<Equals<ReturnType<typeof toWebRequest>, Promise<Request>>>();
assertType<Equals<ReturnType<typeof writeWebResponse>, Promise<void>>>();

export { sso };
