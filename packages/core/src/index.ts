/**
 * `@ssokit/core`: types, claim mapping, login policy, role matching, group-sync planning, the login
 * pipeline and the error classes of ssokit. No runtime dependencies and no I/O.
 *
 * @packageDocumentation
 */
export type {
  AuditEvent,
  AuditEventType,
  AuditHook,
  ConnectionChangedEvent,
  ConnectionTestLoginEvent,
  IdentityLinkedEvent,
  LoginFailedEvent,
  LoginSucceededEvent,
  MembershipsChangedEvent,
  RestoreLoginEvent,
  RoleChangedEvent,
  SessionsRevokedEvent,
  UserCreatedEvent,
} from './audit.ts';
export { emitAudit } from './audit.ts';
export type { BodySource } from './body.ts';
export { readBodyWithLimit, readTextWithLimit } from './body.ts';
export { readClaim, toBoolean, toSingleString, toStringList } from './claims.ts';
export { isCognitoDomain, isCognitoIssuer } from './cognito.ts';
export {
  defaultGroupSync,
  defaultOidcClaimMapping,
  defaultProvisioning,
  defaultSamlClaimMapping,
  resolveClaimMapping,
  resolveGroupSync,
  resolveProvisioning,
} from './connection-defaults.ts';
export { inEmailDomains, ownsEmail } from './email-owner.ts';
export type { AnySsoError, ConfigIssue, SsoErrorCode, SsoErrorOptions } from './errors.ts';
export { ConfigError, isSsoError, SsoError, ssoErrorCodes } from './errors.ts';
export { foldCase, isAscii } from './fold.ts';
export type { GroupIndex, GroupMatchOptions, GroupSyncInput, GroupSyncPlan } from './group-sync.ts';
export { applyGroupSyncPlan, createGroupIndex, planGroupSync } from './group-sync.ts';
export type { IdpUrlCheck, IdpUrlPolicy, IdpUrlProblem } from './idp-url.ts';
export { checkIdpUrl, isLoopbackHost } from './idp-url.ts';
export type { ArgumentErrorCode } from './internal/assert.ts';
export type { JwsAlgorithm } from './jws-algorithms.ts';
export { supportedAlgorithms } from './jws-algorithms.ts';
export type {
  LoginCommit,
  LoginDependencies,
  LoginErrorCode,
  LoginInput,
  LoginPreview,
  LoginResult,
  LoginStore,
  UserProfileFields,
} from './login.ts';
export { completeLogin, previewLogin } from './login.ts';
export type { GroupsClaim, MapClaimsOptions, Profile } from './mapping.ts';
export { checkClaims, mapClaims } from './mapping.ts';
export {
  OIDC_DEFAULTS,
  type OidcDefaulted,
  withOidcDefaults,
} from './oidc-defaults.ts';
export { printable } from './printable.ts';
export { isPrivateAddress, isPrivateHost } from './private-address.ts';
export type {
  RoleMatch,
  RoleMatchContext,
  RoleMatchEntry,
  RoleMatcher,
  RoleMatchingOptions,
  RoleRule,
} from './roles.ts';
export { compileRoleMatcher, matchRoles } from './roles.ts';
export { didYouMean } from './suggest.ts';
export type { Clock } from './symbols.ts';
export { allowInsecureRequests, customFetch, now } from './symbols.ts';
export type {
  ClaimMapping,
  ClaimPath,
  Connection,
  Group,
  GroupSyncSettings,
  IdentityKey,
  LinkedIdentity,
  Membership,
  MembershipSource,
  OidcConnection,
  OidcEndpoints,
  OidcSettings,
  Protocol,
  ProviderId,
  ProvisioningSettings,
  RoleDefinition,
  RoleScope,
  SamlConnection,
  SamlIdpDescriptor,
  SamlSettings,
  User,
} from './types.ts';
export { membershipSource } from './types.ts';
export type { SsoWarningCode, WarningHook } from './warnings.ts';
