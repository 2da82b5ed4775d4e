/**
 * The defaults of the OIDC settings a connection may leave out, and the one function that fills them
 * in for code that reads a stored connection.
 *
 * @module
 */
import type { OidcSettings } from './types.ts';

/**
 * The OIDC settings a connection may leave out, with their defaults: the code flow with PKCE S256,
 * the scopes `openid profile email`, claims from the ID token, signatures verified.
 */
export const OIDC_DEFAULTS = Object.freeze({
  flow: 'code',
  pkce: 'S256',
  scopes: Object.freeze(['openid', 'profile', 'email']),
  userInfo: 'id_token',
  verifySignature: true,
} as const);

/** OIDC settings with every default of {@link OIDC_DEFAULTS} filled in. */
export type ResolvedOidcSettings = OidcSettings & Required<Pick<OidcSettings, keyof typeof OIDC_DEFAULTS>>;

/**
 * `settings` with the defaults filled in where a field is absent, for code that reads them.
 *
 * @example
 * ```ts
 * import { withOidcDefaults } from '@ssokit/core';
 *
 * withOidcDefaults({ issuer: 'https://id.example.com', clientId: 'app' }).pkce; // 'S256'
 * ```
 */
export function withOidcDefaults(settings: OidcSettings): ResolvedOidcSettings {
  return {
    ...settings,
    flow: settings.flow ?? OIDC_DEFAULTS.flow,
    pkce: settings.pkce ?? OIDC_DEFAULTS.pkce,
    scopes: settings.scopes ?? [...OIDC_DEFAULTS.scopes],
    userInfo: settings.userInfo ?? OIDC_DEFAULTS.userInfo,
    verifySignature: settings.verifySignature ?? OIDC_DEFAULTS.verifySignature,
  };
}
