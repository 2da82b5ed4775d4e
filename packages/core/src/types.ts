/**
 * The data ssokit works with: connections to identity providers, and the host app's users, linked
 * identities, groups and memberships as the store interfaces see them.
 *
 * @module
 */
import type { JwsAlgorithm } from './jws-algorithms.ts';

/** A claim path: where a value sits in the claims, or a list of paths tried in order. See `readClaim`. */
export type ClaimPath = string | readonly string[];

/** The protocols a connection can speak. */
export type Protocol = 'oidc' | 'saml';

/** The provider presets (DESIGN.md). `custom` is any standard IdP. */
export type ProviderId =
  | 'keycloak'
  | 'okta'
  | 'entra'
  | 'cognito'
  | 'auth0'
  | 'ping'
  | 'google'
  | 'adfs'
  | 'onelogin'
  | 'duo'
  | 'jumpcloud'
  | 'custom';

/**
 * Where each profile field is read from. Every field is a {@link ClaimPath}; `''` means "not mapped"
 * (as in Arthur's configuration) and an omitted field takes the protocol's default
 * (`defaultOidcClaimMapping` / `defaultSamlClaimMapping`).
 */
export interface ClaimMapping {
  /** The user's stable id at the IdP. Default: `sub` for OIDC, the NameID for SAML. */
  userId: ClaimPath;
  /** The user's login name in the app (`preferred_username` for OIDC). */
  username: ClaimPath;
  /** The user's email address; whether it counts as verified is `emailVerified`'s and the provisioning's. */
  email: ClaimPath;
  /** Whether the IdP verified the email. A boolean, or the strings `"true"`/`"false"` (Cognito). */
  emailVerified: ClaimPath;
  /** Full name; derived from given + family name when absent. */
  name: ClaimPath;
  /** First name. */
  givenName: ClaimPath;
  /** Last name (surname). */
  familyName: ClaimPath;
  /** A URL of the user's picture. */
  picture: ClaimPath;
  /** The IdP groups used for group sync and role matching. A string or a list of strings. */
  groups: ClaimPath;
  /** Roles the IdP states directly (e.g. Keycloak's `realm_access.roles`). A string or a list. */
  roles: ClaimPath;
}

/** Just-in-time provisioning: who may log in through a connection. */
export interface ProvisioningSettings {
  /**
   * Create a user on the first login of an unknown identity. When false, only users that already exist
   * (linked, or invited by verified email) can log in. Default: `true`.
   */
  createUsers: boolean;
  /**
   * Refuse logins whose email is missing or not verified by the IdP (`email_not_verified`).
   * Default: `true`.
   */
  requireVerifiedEmail: boolean;
  /**
   * Link an unlinked, already active user of the app whose email equals the IdP's *verified* email.
   * Invited users are always linked by verified email; this extends it to existing accounts, which is
   * safe only when the IdP is authoritative for the email's domain. Default: `false`.
   */
  linkExistingUsersByEmail?: boolean;
  /**
   * Treat the IdP's email as verified when the claims carry no verification flag at all (an explicit
   * `email_verified: false` always wins). Default: `true` for SAML, whose assertions have no standard
   * verification attribute and are signed by the IdP the admin configured; `false` for OIDC, where
   * `email_verified` is a standard claim.
   */
  trustEmail?: boolean;
  /**
   * The email domains this IdP is trusted for (`example.com`, or `*.example.com` for its subdomains).
   * An address outside them is never treated as verified: it can neither link an account, claim an
   * invitation nor own the address (and `requireVerifiedEmail` refuses it). With several IdPs, give
   * each its domains: otherwise any IdP that vouches for an address (a partner's SAML IdP does by
   * default) is trusted for every domain. Default: none (any domain).
   */
  emailDomains?: readonly string[];
}

/** Group synchronisation settings (ClearML's "User Groups Synchronization"). */
export interface GroupSyncSettings {
  /** Apply the IdP's groups to the app's groups on each login. Default: `false`. */
  enabled: boolean;
  /**
   * Remove memberships this connection granted earlier when the IdP no longer sends the group.
   * Manual memberships are never removed. Default: `true`.
   */
  removeRevoked: boolean;
  /**
   * How an IdP group value finds an app group: by `name`, or by `externalId` for IdPs that send ids
   * (Entra sends group object ids). Default: `'name'`.
   */
  matchBy?: 'name' | 'externalId';
  /** Compare names case-insensitively. Default: `false`. */
  caseInsensitive?: boolean;
}

/** The OIDC endpoints that can complete or replace discovery. */
export interface OidcEndpoints {
  /** The authorization endpoint, where the browser is sent to sign in (`authorization_endpoint`). */
  authorization?: string;
  /** The token endpoint, where the code is exchanged for tokens (`token_endpoint`). */
  token?: string;
  /** The userinfo endpoint (`userinfo_endpoint`), read when `userInfo` is `'userinfo'`. */
  userinfo?: string;
  /** The IdP's signing keys, a JWK Set (`jwks_uri`). */
  jwks?: string;
  /** The token revocation endpoint (`revocation_endpoint`, RFC 7009), for `revokeToken` of `@ssokit/oidc`. */
  revocation?: string;
  /** The RP-initiated logout endpoint (`end_session_endpoint`). */
  endSession?: string;
  /** The token introspection endpoint (`introspection_endpoint`, RFC 7662). */
  introspection?: string;
  /** The device authorization endpoint (`device_authorization_endpoint`, RFC 8628). */
  deviceAuthorization?: string;
  /** The dynamic client registration endpoint (`registration_endpoint`). */
  registration?: string;
}

/** The OpenID Connect settings of a connection. */
export interface OidcSettings {
  /** The issuer identifier; discovery is at `issuer + '/.well-known/openid-configuration'`. */
  issuer: string;
  /** Endpoints that complete or replace discovery (Arthur's `endpointOverrides`). */
  endpoints?: OidcEndpoints;
  /** The client id the IdP gave this application when it was registered. */
  clientId: string;
  /** Write-only: never returned by the admin API nor exported. */
  clientSecret?: string;
  /**
   * When the client secret expires, as an ISO 8601 date or date-time (`'2027-06-30'`): Entra ID and
   * others give secrets an expiry. Test Provider warns from 30 days before and reports an expired one
   * as an error. Informational: logins do not read it. Default: none (no expiry known).
   */
  clientSecretExpiresAt?: string;
  /**
   * How the client authenticates at the token endpoint. Default: `client_secret_basic` with a secret
   * (or `client_secret_post` when the IdP supports only that), `none` without one (public client).
   */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  /** `implicit` is `response_type=id_token` with `response_mode=form_post`. Default: `'code'`. */
  flow?: 'code' | 'implicit';
  /**
   * The PKCE method of the code flow (RFC 7636): `S256` hashes the verifier; `plain` sends it as the
   * challenge, for an IdP that offers nothing else; `none` sends no challenge. Default: `'S256'`.
   */
  pkce?: 'S256' | 'plain' | 'none';
  /** The scopes requested at the authorization endpoint. Default: `['openid', 'profile', 'email']`. */
  scopes?: string[];
  /** Scopes requested besides `scopes` (Okta's `groups`, say). Default: none. */
  additionalScopes?: string[];
  /**
   * Where a login's claims come from. Default: `'id_token'`.
   * - `'id_token'`: the ID token's claims.
   * - `'userinfo'`: the ID token's, with the userinfo endpoint's layered over them (its `sub` must
   *   match). Needs the code flow.
   * - `'access_token'`: the ID token's, with the access token's layered over them, as Arthur reads
   *   user info and groups from the access token (Okta: a claim with "Include in token type: Access
   *   Token"). Where both carry a claim the access token's wins, since that is where the claims were
   *   configured; the ID token's protocol claims (`iss`, `sub`, `aud`, `exp`, `nonce`, ...) are never
   *   replaced. The access token must be a JWT passing the bearer verifier's checks: signed by a key
   *   of the IdP's JWKS with an asymmetric algorithm, `iss` the issuer, not expired (`clockToleranceSec`),
   *   an `aud` naming the client id, `resource` or an entry of `audience` (Okta's default authorization
   *   server: add `'api://default'` to `audience`), and the ID token's `sub` in `sub` (or, as Okta
   *   sends it, in `uid`). An opaque token is refused (`access_token_invalid`). Needs the code flow:
   *   the implicit flow gets no access token, and saving that combination is refused.
   */
  userInfo?: 'id_token' | 'userinfo' | 'access_token';
  /**
   * Kept for configurations imported from products that have the switch (ClearML). ssokit verifies
   * every ID token signature: `false` is refused when saved (`importConnection`, the admin API) and
   * at login. Default: `true`.
   */
  verifySignature?: boolean;
  /**
   * Accept back-channel logout tokens without `exp` (OpenID Connect Back-Channel Logout, errata set 1,
   * requires it; Keycloak before 23 omits it). Default: `false`.
   */
  logoutTokenWithoutExp?: boolean;
  /** Extra accepted audiences besides the client id. */
  audience?: string[];
  /**
   * For a multi-tenant issuer (Entra `common` or `organizations`, whose discovery issuer is the
   * `{tenantid}` template): the tenant ids accepted, or `'any'` to accept every tenant on purpose.
   * Required for such an issuer. Default: none.
   */
  tenants?: string[] | 'any';
  /** Allowed clock skew in seconds. Default: 60 (bounded to 300 by the validators). */
  clockToleranceSec?: number;
  /** Arthur's `resourceID`: the `resource` parameter of the authorization request. */
  resource?: string;
  /**
   * The algorithms ID tokens may be signed with. Default: what the OP lists in its discovery
   * document (`id_token_signing_alg_values_supported`), or RS256 alone when it lists none, as with
   * complete endpoint overrides (OIDC Core §3.1.3.7). Set it for an IdP that signs with another
   * algorithm and publishes no discovery document.
   */
  idTokenSigningAlgorithms?: JwsAlgorithm[];
}

/** The parsed IdP side of a SAML connection. */
export interface SamlIdpDescriptor {
  /** The IdP's entityID: the Issuer of its responses. */
  entityId: string;
  /** The IdP's single sign-on service URL, where AuthnRequests go. */
  ssoUrl: string;
  /** The IdP's single logout service URL. Default: none (no SAML logout with the IdP). */
  sloUrl?: string;
  /** PEM or base64 DER signing certificates (several during a rotation). */
  certificates: string[];
}

/** The SAML 2.0 settings of a connection. */
export interface SamlSettings {
  /** The IdP's metadata document; parsed into `idp` by `@ssokit/saml`. */
  idpMetadataXml?: string;
  /** Where to fetch the IdP's metadata from, refreshed periodically (instead of `idpMetadataXml`). */
  idpMetadataUrl?: string;
  /** The IdP's settings by hand, for an IdP without a metadata document; parsed from the metadata otherwise. */
  idp?: SamlIdpDescriptor;
  /**
   * For metadata that lists several IdPs (an `EntitiesDescriptor` aggregate, as a federation
   * publishes): the entityID of the one to use. Test Provider lists the choices. Default: none (the
   * metadata must hold one IdP).
   */
  idpEntityId?: string;
  /**
   * How AuthnRequests travel to the IdP: `'redirect'` (HTTP-Redirect, a 302) or `'post'` (HTTP-POST,
   * a page that posts a form). Default: HTTP-Redirect when the IdP's metadata offers it, else
   * HTTP-POST (Google Workspace and some OneLogin apps offer only POST).
   */
  authnRequestBinding?: 'redirect' | 'post';
  /** This application's entityID as a service provider: the audience the IdP's assertions must name. */
  spEntityId: string;
  /** Refuse an assertion that carries no signature of its own. Default: `true`. */
  wantAssertionsSigned?: boolean;
  /** Refuse a Response that carries no signature of its own. Default: `false`. */
  wantResponseSigned?: boolean;
  /** Sign AuthnRequests with `spPrivateKey` (and say so in the SP metadata). Default: `false`. */
  signRequests?: boolean;
  /**
   * The SP's private key (PEM), to sign AuthnRequests and logout messages and to decrypt encrypted
   * assertions. Write-only: never returned by the admin API nor exported.
   */
  spPrivateKey?: string;
  /** The SP's certificate (PEM) for `spPrivateKey`, published in the SP metadata. */
  spCertificate?: string;
  /**
   * The NameID format to ask for (`urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress`, say).
   * Default: none (the IdP chooses).
   */
  nameIdFormat?: string;
  /** Accept unsolicited (IdP-initiated) responses. Default: `false`. */
  allowIdpInitiated?: boolean;
  /**
   * Accept an assertion encrypted with AES-CBC in a Response that is not signed. CBC ciphertext can
   * be changed without the key, and only a Response signature proves it was not; without one, whoever
   * captured such a response could learn its content from how the server fails. Prefer having the IdP
   * sign the response (Entra: "Sign SAML response and assertion") or encrypt with AES-GCM. Default:
   * `false`.
   */
  allowUnsignedCbcEncryption?: boolean;
}

interface ConnectionBase {
  /** Stable id, generated on create. */
  id: string;
  /** Display name on the login page; unique across connections, case-insensitively. */
  name: string;
  /** The provider preset the connection was made with; `custom` for any other standard IdP. */
  provider: ProviderId;
  /**
   * Disabled connections can neither start nor finish a login. Default: `true` (what
   * `importConnection` and the admin API fill in when it is left out).
   */
  active: boolean;
  /** Overrides of the protocol's default mapping. */
  claimMapping?: Partial<ClaimMapping>;
  /** Who may log in: just-in-time users, verified email, linking by email. */
  provisioning?: Partial<ProvisioningSettings>;
  /** Whether and how the IdP's groups become memberships of the app's groups. */
  groupSync?: Partial<GroupSyncSettings>;
  /** When the connection was created; set by the store. */
  createdAt: Date;
  /** Doubles as the optimistic-concurrency token. */
  updatedAt: Date;
}

/** A configured OpenID Connect identity provider. */
export interface OidcConnection extends ConnectionBase {
  /** The protocol the IdP speaks: `oidc` needs the `oidc` section, `saml` the `saml` section. */
  protocol: 'oidc';
  /** The OpenID Connect settings. */
  oidc: OidcSettings;
}

/** A configured SAML 2.0 identity provider. */
export interface SamlConnection extends ConnectionBase {
  /** The protocol the IdP speaks: `oidc` needs the `oidc` section, `saml` the `saml` section. */
  protocol: 'saml';
  /** The SAML 2.0 settings. */
  saml: SamlSettings;
}

/** One configured identity provider (ClearML's "provider connection"). */
export type Connection = OidcConnection | SamlConnection;

/** A user of the host app, as ssokit sees it. The host may store more. */
export interface User {
  id: string;
  /** `invited` users exist before their first login and are linked by verified email. */
  status: 'active' | 'invited' | 'disabled';
  email?: string;
  emailVerified?: boolean;
  username?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  picture?: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The key that identifies a person at an IdP: `(issuer, sub)` for OIDC, `(IdP entityID, NameID)` for
 * SAML. Never the email alone.
 */
export interface IdentityKey {
  issuer: string;
  subject: string;
}

/** An IdP identity linked to a user. */
export interface LinkedIdentity extends IdentityKey {
  userId: string;
  /** The connection through which it was linked. */
  connectionId: string;
  createdAt: Date;
  lastLoginAt: Date;
}

/** A group of the host app. */
export interface Group {
  id: string;
  name: string;
  /** The id an IdP uses for this group, for IdPs that send ids rather than names (Entra). */
  externalId?: string;
}

/** Who made a membership: an admin by hand, or group sync of one connection. */
export type MembershipSource = 'manual' | `sso:${string}`;

/**
 * A user's membership of a group. `(userId, groupId, source)` is unique: a manual membership and one
 * granted by a connection can coexist, and group sync only ever touches its own.
 */
export interface Membership {
  userId: string;
  groupId: string;
  source: MembershipSource;
  createdAt: Date;
}

/**
 * Where a role applies (Arthur's global roles and organization-scoped roles): the whole installation,
 * or the one organization its `organizationId` names.
 */
export type RoleScope = 'global' | 'organization';

/**
 * A role of the host app. Arthur's `globalRoleDefs`: a name matching an IdP group, and permissions as
 * resource → actions.
 *
 * @example
 * ```ts
 * import type { RoleDefinition } from '@ssokit/core';
 *
 * const owner: RoleDefinition = {
 *   name: 'org-1-model-owner',
 *   scope: 'organization',
 *   organizationId: 'org-1',
 *   permissions: { model: ['read', 'write', 'delete'] },
 *   grantedBy: ['okta-prod'],
 * };
 * ```
 */
export interface RoleDefinition {
  /**
   * Unique across the role definitions. A role store (`@ssokit/storage`) keeps it unique across the
   * installation case-insensitively (Arthur's rule; core's `foldCase`, ASCII letters only), since an
   * IdP group grants the role of its name.
   */
  name: string;
  /** Default: `'global'`. */
  scope?: RoleScope;
  /**
   * The organization an organization-scoped role applies to: required when `scope` is
   * `'organization'`, absent for a global role. The host's own id for the organization.
   */
  organizationId?: string;
  /** Resource → allowed actions, e.g. `{ custom_roles: ['read', 'write'] }`. */
  permissions?: Readonly<Record<string, readonly string[]>>;
  description?: string;
  /**
   * The connections whose IdP may grant this role by its groups: connection ids (never names, which
   * the admin API can change), or `'*'` for every connection. Default: none, so an IdP never grants a
   * role the host did not allow for its connection (a partner's IdP that sends a group named `admin`
   * gets nothing). `defaultRole` is the host's own grant and needs none.
   */
  grantedBy?: readonly string[];
}

/**
 * The source string of the memberships a connection grants.
 *
 * @example
 * ```ts
 * import { membershipSource } from '@ssokit/core';
 *
 * membershipSource('okta-prod'); // 'sso:okta-prod'
 * ```
 */
export function membershipSource(connectionId: string): `sso:${string}` {
  return `sso:${connectionId}`;
}
