/**
 * Type-level tests of @ssokit/core's public names. Checked by `pnpm typecheck`; never run.
 */
import type { AnySsoError, Connection, LoginResult, RoleMatch, SsoErrorCode } from '@ssokit/core';
import {
  type ConfigError,
  type completeLogin,
  customFetch,
  type now,
  SsoError,
  type ssoErrorCodes,
} from '@ssokit/core';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_value?: T) => undefined;

// The code of an SsoError is its literal type parameter.
assertType<Equals<SsoError<'invalid_state'>['code'], 'invalid_state'>>();
// @ts-expect-error: not a code of the union
new SsoError('no_such_code', 'x');

// switch on AnySsoError narrows; config_invalid is a ConfigError with issues.
declare const anyError: AnySsoError;
if (anyError.code === 'config_invalid') {
  assertType<Equals<typeof anyError, ConfigError>>();
  anyError.issues.map((issue) => issue.path);
}

// ssoErrorCodes lists the union.
assertType<Equals<(typeof ssoErrorCodes)[number], SsoErrorCode>>();

// Connection is a discriminated union on protocol.
declare const connection: Connection;
if (connection.protocol === 'oidc') connection.oidc.clientId satisfies string;
else connection.saml.spEntityId satisfies string;

// The escape hatches are unique symbols.
assertType<Equals<typeof customFetch, typeof customFetch>>();
// @ts-expect-error: two escape hatches are different symbols
const sameSymbol: typeof now = customFetch;

// completeLogin resolves to a LoginResult whose roleMatch is a RoleMatch.
type Result = Awaited<ReturnType<typeof completeLogin>>;
assertType<Equals<Result, LoginResult>>();
assertType<Equals<Result['roleMatch'], RoleMatch>>();
assertType<Equals<Result['resolution'], 'identity' | 'created' | 'invitation' | 'email'>>();

export { sameSymbol };
