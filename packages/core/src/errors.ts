/**
 * The error classes of ssokit.
 *
 * Every failure caused by an identity provider, an end user or stored data is an {@link SsoError} whose
 * `code` is one of the stable wire codes of {@link SsoErrorCode}: the server sends it verbatim as the
 * `error` member of its JSON body, so a host can `switch (err.code)` and clients can rely on it.
 * Mistakes made by the host developer (a wrong argument type, a missing option) are `TypeError`s with a
 * Node-style `code` instead, so a 4xx login failure can never be a host bug and vice versa.
 *
 * @module
 */

/**
 * Every stable error code, in documentation order: the one list the {@link SsoErrorCode} union is
 * derived from. Each has an anchor in `docs/errors.md`. Codes are only ever added, never renamed.
 *
 * @example
 * ```ts
 * import { type SsoErrorCode, ssoErrorCodes } from '@ssokit/core';
 *
 * // Whether a client's `error` member is a code of this version, e.g. before switching on it.
 * const isSsoErrorCode = (value: unknown): value is SsoErrorCode =>
 *   (ssoErrorCodes as readonly unknown[]).includes(value);
 * ```
 */
export const ssoErrorCodes = Object.freeze([
  // Login transactions and callbacks
  'invalid_request',
  'method_not_allowed',
  'payload_too_large',
  'unauthenticated',
  'forbidden',
  'rate_limited',
  'invalid_state',
  'transaction_expired',
  'invalid_return_to',
  // Connections
  'connection_not_found',
  'connection_inactive',
  'sso_disabled',
  'connection_name_taken',
  'concurrent_update',
  'role_not_found',
  // The identity provider
  'idp_error',
  'idp_unreachable',
  'discovery_failed',
  'id_token_invalid',
  'access_token_invalid',
  'userinfo_invalid',
  'logout_token_invalid',
  // SAML
  'saml_invalid',
  'saml_signature_invalid',
  'saml_replay',
  // Claims, policy and provisioning
  'claim_missing',
  'claim_invalid',
  'email_not_verified',
  'user_not_provisioned',
  'user_disabled',
  'identity_conflict',
  // Storage
  'storage_conflict',
  'storage_failure',
  'storage_unavailable',
  // Configuration
  'config_invalid',
] as const);

/** The stable error codes: one of {@link ssoErrorCodes}. */
export type SsoErrorCode = (typeof ssoErrorCodes)[number];

/**
 * Marks ssokit errors across copies of this module. A host can load the CJS build of one package and
 * the ESM build of another; each has its own `SsoError` class, so `instanceof` alone would not
 * recognise the other's errors. A registered symbol is shared by every copy.
 */
const BRAND = Symbol.for('ssokit.SsoError');

/** Options of {@link SsoError}. */
export interface SsoErrorOptions {
  /** The underlying failure. Never put a secret here: causes are logged. */
  cause?: unknown;
  /**
   * Structured, non-secret facts about the failure for logs and the admin UI (the claim path that was
   * missing, the IdP's `error_description`, the HTTP status a discovery request got, ...).
   */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * The base class of every ssokit error that a login, a stored record or an identity provider can cause.
 *
 * The message is written for a human (what is wrong and how to fix it) and never contains a secret.
 *
 * @example
 * ```ts
 * import { SsoError } from '@ssokit/core';
 *
 * try {
 *   await completeLogin(input, deps);
 * } catch (err) {
 *   if (err instanceof SsoError && err.code === 'email_not_verified') {
 *     // ask the user to verify their address at the IdP
 *   }
 *   throw err;
 * }
 * ```
 */
export class SsoError<C extends SsoErrorCode = SsoErrorCode> extends Error {
  /** The stable wire code. */
  readonly code: C;
  /** Structured, non-secret facts about the failure. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: C, message: string, options: SsoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
    Error.captureStackTrace?.(this, new.target);
  }

  /**
   * `instanceof` that also recognises errors made by another copy of `@ssokit/core` (its CJS and ESM
   * builds side by side): the shared brand, and the class name for subclasses such as ConfigError.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof (SsoError or a subclass).
    return isBranded(this, value);
  }

  /** The JSON shape the server sends: `{ error, message }`. */
  toJSON(): { error: C; message: string } {
    return { error: this.code, message: this.message };
  }
}

Object.defineProperty(SsoError.prototype, BRAND, { value: true });

/** `value instanceof klass`, or a branded error of another copy whose class (or a base) has its name. */
function isBranded(klass: abstract new (...args: never[]) => unknown, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Function.prototype[Symbol.hasInstance].call(klass, value)) return true;
  if ((value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  if (klass.name === 'SsoError') return true;
  for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto))
    if (proto.constructor?.name === klass.name) return true;
  return false;
}

/** One problem found in a configuration. `line` and `column` are 1-based, present for text formats. */
export interface ConfigIssue {
  /** Where the problem is, as a dotted path (`oidc.clientId`, `connections[2].name`); `''` for the root. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
  line?: number;
  column?: number;
}

/**
 * A configuration that cannot be used, with every problem found in it (not only the first).
 *
 * @example
 * ```ts
 * import { ConfigError } from '@ssokit/core';
 *
 * const err = new ConfigError([{ path: 'oidc.issuer', message: 'must be an https URL' }]);
 * err.message; // 'Invalid configuration: oidc.issuer: must be an https URL'
 * ```
 */
export class ConfigError extends SsoError<'config_invalid'> {
  /** Every problem found, in document order. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: Omit<SsoErrorOptions, 'details'> = {}) {
    super('config_invalid', formatIssues(issues), options);
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
  }
}

function formatIssues(issues: readonly ConfigIssue[]): string {
  if (issues.length === 0) return 'Invalid configuration.';
  const lines = issues.map((issue) => {
    const where =
      issue.line === undefined
        ? ''
        : ` (line ${issue.line}${issue.column ? `, column ${issue.column}` : ''})`;
    return `${issue.path || '(root)'}${where}: ${issue.message}`;
  });
  return lines.length === 1
    ? `Invalid configuration: ${lines[0]}`
    : `Invalid configuration:\n- ${lines.join('\n- ')}`;
}

/**
 * An {@link SsoError} narrowed to one code, for `switch (err.code)` over a union.
 */
export type AnySsoError = {
  [C in SsoErrorCode]: C extends 'config_invalid' ? ConfigError : SsoError<C>;
}[SsoErrorCode];

/**
 * Whether `value` is an {@link SsoError}, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isSsoError(err, 'invalid_state')) restartLogin();
 * ```
 */
export function isSsoError<C extends SsoErrorCode>(value: unknown, code?: C): value is SsoError<C> {
  // instanceof goes through SsoError[Symbol.hasInstance], which also knows other builds' errors.
  return value instanceof SsoError && (code === undefined || value.code === code);
}
