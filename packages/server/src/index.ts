/**
 * `@ssokit/server`: what a host app mounts. `createSso()` serves the login routes, sessions in
 * encrypted cookies (numbered chunks when large), the admin API, "Test Provider" and restore mode, with
 * every error code mapped to HTTP once (`statusFor`).
 *
 * @packageDocumentation
 */

export type { AuthorizeAdmin } from './admin.ts';
export type { CanOptions, PermissionSubject } from './authorization.ts';
export { createSso } from './create-sso.ts';
export type { AdminConsoleMount, SsoOptions, SsoRoutes } from './options.ts';
export type { FieldSource } from './settings-layers.ts';
export type { Sso, SsoSession, SsoUser } from './sso.ts';
export { statusFor } from './status.ts';
export type {
  ConnectionTestReport,
  Finding,
  FindingStatus,
  MappingPreview,
  TestLoginReport,
  TestSample,
} from './test-connection/report.ts';
