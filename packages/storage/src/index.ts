/**
 * `@ssokit/storage`: the store interfaces of ssokit and `memoryStorage()`, the embedded default. The
 * conformance suite for adapter authors is the `@ssokit/storage/testkit` subpath.
 *
 * @packageDocumentation
 */
export {
  assertTtl,
  connectionPatchFields,
  nextUpdatedAt,
  sameInstant,
  storageErrors,
} from './adapter-helpers.ts';
export type { ExpiringParts } from './compose.ts';
export { composeStorage } from './compose.ts';
export type {
  LoginActivityEntry,
  LoginActivityRetention,
  LoginActivityStore,
  LoginFailureEntry,
  LoginOutcome,
  LoginStep,
  LoginSuccessEntry,
} from './login-activity.ts';
export {
  checkLoginActivity,
  checkLoginActivityQuery,
  checkLoginActivityRetention,
  loginActivityLimits,
  loginSteps,
} from './login-activity.ts';
export type { MemoryStorageOptions } from './memory.ts';
export { memoryStorage } from './memory.ts';
export { applyRolePatch, checkRole, checkRoleFile, roleLimits } from './role-checks.ts';
export type { RoleFilePlan } from './role-file.ts';
export { planIsEmpty, planRoleFile, roleFileResult, sameRoleDefinition } from './role-file.ts';
export type {
  CheckedRole,
  RoleFileResult,
  RolePatch,
  RoleSource,
  RoleStore,
  StoredRole,
} from './roles.ts';
export { checkSessionFilter, sessionMatches } from './session-filter.ts';
export type {
  ConnectionPatch,
  ConnectionStore,
  CounterStore,
  GroupStore,
  JsonValue,
  MembershipKey,
  MembershipStore,
  NewConnection,
  NewGroup,
  NewUser,
  ReplayCache,
  SessionFilter,
  SessionRecord,
  SessionStore,
  SsoStorage,
  TransactionStore,
  TransactionValue,
  UserStore,
} from './types.ts';
