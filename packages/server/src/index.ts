/**
 * `@ssokit/server`: what a host app mounts. `createSso()` serves the login routes, sessions in
 * encrypted cookies (numbered chunks when large), the admin API, "Test Provider" and restore mode, with
 * every error code mapped to HTTP once (`statusFor`).
 *
 * @packageDocumentation
 */

export type { AuthorizeAdmin } from './admin.ts';
export type { CookieAttributes } from './cookies.ts';
export { clearChunked, parseCookies, readChunked, serializeCookie, writeChunked } from './cookies.ts';
export type { Sso, SsoOptions, SsoSession } from './create-sso.ts';
export { createSso } from './create-sso.ts';
export type { SessionCodec, SessionData } from './session.ts';
export { createSessionCodec } from './session.ts';
export { statusFor } from './status.ts';
export type {
  ConnectionTestReport,
  Finding,
  FindingStatus,
  MappingPreview,
  TestSample,
} from './test-connection/index.ts';
