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
 *
 * @example
 * ```ts
 * import { OIDC_DEFAULTS, type OidcSettings } from '@ssokit/core';
 *
 * // What an admin page shows for a field the connection leaves out: 'openid profile email'.
 * const shownScopes = (oidc: OidcSettings) => (oidc.scopes ?? OIDC_DEFAULTS.scopes).join(' ');
 * ```
 */
export const OIDC_DEFAULTS = Object.freeze({
  flow: 'code',
  pkce: 'S256',
  scopes: Object.freeze(['openid', 'profile', 'email']),
  userInfo: 'id_token',
  verifySignature: true,
} as const);

/** The fields {@link withOidcDefaults} always fills. */
export type OidcDefaulted = Required<Pick<OidcSettings, keyof typeof OIDC_DEFAULTS>>;

/**
 * `settings` with the defaults filled in, for code that reads them. A value outside a field's choices
 * (from a custom store: `pkce: 'NONE'`, `flow: 'Code'`, `verifySignature: null`) reads as the default,
 * so nothing odd can turn PKCE or a check off: only `pkce: 'plain'` or `'none'`, `flow: 'implicit'`,
 * `userInfo: 'userinfo'` or `'access_token'`, and `verifySignature: false` (which logins refuse)
 * change anything.
 *
 * @example
 * ```ts
 * import { withOidcDefaults } from '@ssokit/core';
 *
 * withOidcDefaults({ issuer: 'https://id.example.com', clientId: 'app' }).pkce; // 'S256'
 * ```
 */
export function withOidcDefaults<T extends Partial<OidcSettings>>(settings: T): T & OidcDefaulted {
  const { pkce, flow, scopes, userInfo, verifySignature } = settings;
  return {
    ...settings,
    flow: flow === 'implicit' ? 'implicit' : OIDC_DEFAULTS.flow,
    pkce: pkce === 'plain' || pkce === 'none' ? pkce : OIDC_DEFAULTS.pkce,
    scopes:
      Array.isArray(scopes) && scopes.every((s) => typeof s === 'string')
        ? scopes
        : [...OIDC_DEFAULTS.scopes],
    userInfo: userInfo === 'userinfo' || userInfo === 'access_token' ? userInfo : OIDC_DEFAULTS.userInfo,
    verifySignature: verifySignature !== false,
  };
}
