/**
 * The one place ssokit's error codes become HTTP statuses. Core, oidc, saml and config never know
 * about HTTP; the server maps each code once, here.
 *
 * | code | status | why |
 * | --- | --- | --- |
 * | invalid_request, invalid_return_to, claim_invalid, config_invalid, logout_token_invalid | 400 | the request or the configuration is malformed |
 * | invalid_state, transaction_expired | 400 | the callback does not belong to a live login |
 * | id_token_invalid, userinfo_invalid, saml_invalid, saml_signature_invalid, saml_replay, claim_missing | 401 | the IdP's answer cannot be trusted |
 * | access_token_invalid | 401 | the bearer token is refused |
 * | email_not_verified, user_not_provisioned, user_disabled, identity_conflict, connection_inactive | 403 | the person may not log in this way |
 * | method_not_allowed | 405 | the route takes other methods (see `Allow`) |
 * | payload_too_large | 413 | the body is larger than the route reads |
 * | unauthenticated | 401 | no session and no bearer token |
 * | forbidden | 403 | the admin hook refused, a write came from another origin, or a role is missing |
 * | sso_disabled | 403 | restore mode: SSO logins are off |
 * | rate_limited | 429 | too many attempts; wait and retry |
 * | idp_error | 403 | the IdP refused the login (access_denied, a non-success SAML status) |
 * | connection_not_found | 404 | no such connection |
 * | role_not_found | 404 | no such role (`/admin/roles/:name`) |
 * | connection_name_taken, concurrent_update, storage_conflict | 409 | a conflict with stored data |
 * | idp_unreachable, discovery_failed | 502 | the IdP did not answer usefully |
 * | storage_failure, storage_unavailable | 503 | the store failed or cannot be reached; try again |
 *
 * @module
 */
import type { SsoErrorCode } from '@ssokit/core';

const STATUS: Record<SsoErrorCode, number> = {
  invalid_request: 400,
  method_not_allowed: 405,
  payload_too_large: 413,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  invalid_state: 400,
  transaction_expired: 400,
  invalid_return_to: 400,
  connection_not_found: 404,
  connection_inactive: 403,
  sso_disabled: 403,
  connection_name_taken: 409,
  concurrent_update: 409,
  role_not_found: 404,
  idp_error: 403,
  idp_unreachable: 502,
  discovery_failed: 502,
  id_token_invalid: 401,
  logout_token_invalid: 400,
  access_token_invalid: 401,
  userinfo_invalid: 401,
  saml_invalid: 401,
  saml_signature_invalid: 401,
  saml_replay: 401,
  claim_missing: 401,
  claim_invalid: 400,
  email_not_verified: 403,
  user_not_provisioned: 403,
  user_disabled: 403,
  identity_conflict: 403,
  storage_conflict: 409,
  storage_failure: 503,
  storage_unavailable: 503,
  config_invalid: 400,
};

/**
 * The HTTP status of an error code (the table in this module's documentation).
 *
 * @example
 * ```ts
 * import { statusFor } from '@ssokit/server';
 *
 * statusFor('invalid_state'); // 400
 * ```
 */
export function statusFor(code: SsoErrorCode): number {
  return STATUS[code] ?? 500;
}
