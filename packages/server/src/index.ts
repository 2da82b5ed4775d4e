/**
 * `@ssokit/server`: what a host app mounts. This first part holds the HTTP mapping of error codes,
 * cookies with numbered chunks, and encrypted session cookies; `createSso()` builds on them.
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
