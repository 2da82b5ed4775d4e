/**
 * `@ssokit/config`: what operators already write, turned into validated ssokit connections.
 *
 * @packageDocumentation
 */
export type { AccessTokenValidationSettings, ArthurConfig, OidcConnectionInput } from './arthur.ts';
export { loadArthurConfig } from './arthur.ts';
