/**
 * Connection definitions the server and adapter tests share: plain objects for
 * `storage.connections.create()`, against the oidc-provider harness and a samlify IdP.
 *
 * Each builder takes the top-level fields to change (`extra`: a name, a provider, `groupSync`, ...)
 * and the protocol section's settings to change; a setting given as `undefined` is left out.
 */
import type { OidcSettings } from '@ssokit/core';

/** `settings` without the entries whose value is `undefined`. */
function defined<T extends object>(settings: T): T {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as T;
}

/**
 * The OIDC settings of the harness's `public-pkce` client (code + S256, groups scope) at `issuer`;
 * `overrides` change them (`{ additionalScopes: undefined }`: no groups scope).
 */
export function publicPkceSettings(issuer: string, overrides: Partial<OidcSettings> = {}): OidcSettings {
  return defined<OidcSettings>({
    issuer,
    clientId: 'public-pkce',
    flow: 'code',
    pkce: 'S256',
    scopes: ['openid', 'profile', 'email'],
    additionalScopes: ['groups'],
    userInfo: 'id_token',
    verifySignature: true,
    ...overrides,
  });
}

/** An OIDC connection to the harness's `public-pkce` client (code + S256, groups scope). */
export function oidcConnection(
  issuer: string,
  extra: Record<string, unknown> = {},
  oidc: Record<string, unknown> = {},
) {
  return {
    name: 'Local OP',
    protocol: 'oidc',
    provider: 'keycloak',
    active: true,
    oidc: publicPkceSettings(issuer, oidc as Partial<OidcSettings>),
    ...extra,
  } as never;
}

/**
 * A SAML connection to an IdP given by its metadata (the XML, or `{ url }` to fetch it from); samlify
 * sends no email_verified, so none is required.
 */
export function samlConnection(
  idpMetadata: string | { url: string },
  spEntityId: string,
  extra: Record<string, unknown> = {},
  saml: Record<string, unknown> = {},
) {
  return {
    name: 'Local SAML',
    protocol: 'saml',
    provider: 'generic-saml',
    active: true,
    saml: defined({
      ...(typeof idpMetadata === 'string'
        ? { idpMetadataXml: idpMetadata }
        : { idpMetadataUrl: idpMetadata.url }),
      spEntityId,
      wantAssertionsSigned: true,
      ...saml,
    }),
    provisioning: { requireVerifiedEmail: false },
    ...extra,
  } as never;
}
