/**
 * Connection definitions the server and adapter tests share: plain objects for
 * `storage.connections.create()`, against the oidc-provider harness and a samlify IdP.
 */

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
    oidc: {
      issuer,
      clientId: 'public-pkce',
      flow: 'code',
      pkce: 'S256',
      scopes: ['openid', 'profile', 'email'],
      additionalScopes: ['groups'],
      userInfo: 'id_token',
      verifySignature: true,
      ...oidc,
    },
    ...extra,
  } as never;
}

/** A SAML connection to an IdP given by its metadata; samlify sends no email_verified, so none is required. */
export function samlConnection(
  idpMetadataXml: string,
  spEntityId: string,
  extra: Record<string, unknown> = {},
) {
  return {
    name: 'Local SAML',
    protocol: 'saml',
    provider: 'generic-saml',
    active: true,
    saml: { idpMetadataXml, spEntityId, wantAssertionsSigned: true },
    provisioning: { requireVerifiedEmail: false },
    ...extra,
  } as never;
}
