/**
 * Non-fatal findings: things that work but that an operator should know about. Delivered to the
 * host's `onWarning` hook, never thrown.
 *
 * - `sha1-signature`: a SAML signature or digest used SHA-1, accepted because the connection allows it.
 * - `idp-metadata-expired`: the IdP's metadata is past its `validUntil`.
 * - `idp-certificate-expiring`: an IdP signing certificate expires within 30 days (or has expired).
 * - `insecure-http`: an IdP URL uses plain http outside loopback, allowed by `allowInsecureRequests`
 *   (once per hook and origin). Given by the libraries that have that escape hatch (`@ssokit/oidc`'s
 *   `HttpOptions`, `@ssokit/saml`'s metadata cache) to their `onWarning`; `createSso` refuses such
 *   URLs outright, so its hook never hears it.
 * - `idp-initiated-login`: a connection accepts unsolicited SAML responses (`allowIdpInitiated`).
 * - `idp-logout-failed`: logout ended the app session, but the IdP's logout could not be prepared.
 * - `role-not-granted`: a login's groups matched a role its connection may not grant (`grantedBy`
 *   does not name the connection), so the role was not granted. Once per connection and role.
 * - `role-file-conflict`: a role file (`createSso({ roleFiles })`) defines a role whose name a role
 *   created through the admin API has, so none of that file's roles were applied. Once per file.
 * - `role-shadowed`: a stored role has the name of a role defined in code (`createSso({ roles })`),
 *   which wins; the stored one is ignored. Once per role name.
 * - `role-store-unavailable`: the stored roles cannot be used (the role store has not answered for
 *   over `max(10 × roleCacheMs, 60 s)`, or they do not fit the `roles` option's rules), so only the
 *   roles defined in code count until that is fixed.
 *
 * @module
 */

/** The warning codes; each is documented above. */
export type SsoWarningCode =
  | 'sha1-signature'
  | 'idp-metadata-expired'
  | 'idp-certificate-expiring'
  | 'insecure-http'
  | 'idp-initiated-login'
  | 'idp-logout-failed'
  | 'role-not-granted'
  | 'role-file-conflict'
  | 'role-shadowed'
  | 'role-store-unavailable';

/**
 * Receives warnings.
 *
 * @example
 * ```ts
 * import type { WarningHook } from '@ssokit/core';
 *
 * const onWarning: WarningHook = (code, message) => console.warn(`[ssokit] ${code}: ${message}`);
 * ```
 */
export type WarningHook = (
  code: SsoWarningCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
) => void;
