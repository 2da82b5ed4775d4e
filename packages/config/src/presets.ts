/**
 * Provider presets: the issuer or metadata URL format, the default claim or attribute mapping and the
 * known quirks of each identity provider, from `shared/research/providers.md` (vendor docs cited there).
 *
 * @module
 */
import type {
  ClaimMapping,
  GroupSyncSettings,
  OidcSettings,
  ProviderId,
  ProvisioningSettings,
} from '@ssokit/core';

/** What a preset contributes to a connection. */
export interface PresetResult {
  oidc?: Partial<OidcSettings>;
  saml?: { idpMetadataUrl?: string };
  claimMapping?: Partial<ClaimMapping>;
  groupSync?: Partial<GroupSyncSettings>;
  provisioning?: Partial<ProvisioningSettings>;
}

/** One provider preset. */
export interface Preset<P extends Record<string, string | undefined>> {
  id: ProviderId;
  protocol: 'oidc' | 'saml';
  label: string;
  /** The parameters `build` takes, with what the admin copies from where. */
  parameters: Readonly<Record<keyof P & string, string>>;
  /** The connection settings the parameters give; throws a coded `TypeError` naming a missing one. */
  build(params: P): PresetResult;
  /** What trips people up with this provider. */
  quirks: readonly string[];
  /** Where the facts come from. */
  sources: readonly string[];
}

const trim = (url: string) => url.replace(/\/+$/, '');
const required = (value: string | undefined, name: string): string => {
  if (!value)
    throw Object.assign(new TypeError(`The preset needs "${name}".`), { code: 'ERR_INVALID_ARG_VALUE' });
  return value;
};

const SAML_CLAIM_URI = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
const MS_CLAIM_URI = 'http://schemas.microsoft.com/ws/2008/06/identity/claims';

/**
 * The OIDC presets, by provider id: each one's `build` turns what the admin copies from the IdP into
 * connection settings.
 *
 * @example
 * ```ts
 * import { oidcPresets } from '@ssokit/config';
 *
 * const { oidc, claimMapping } = oidcPresets.keycloak.build({ baseUrl: 'https://sso.example.com', realm: 'acme' });
 * // oidc.issuer: 'https://sso.example.com/realms/acme'
 * await sso.connections.create({
 *   name: 'Acme Keycloak',
 *   protocol: 'oidc',
 *   provider: 'keycloak',
 *   active: true,
 *   oidc: { ...oidc, clientId: 'my-app', clientSecret: process.env.KEYCLOAK_SECRET ?? '' },
 *   claimMapping,
 * });
 * ```
 */
export const oidcPresets = {
  keycloak: {
    id: 'keycloak',
    protocol: 'oidc',
    label: 'Keycloak',
    parameters: {
      baseUrl: 'The Keycloak URL, e.g. https://sso.example.com (add /auth for versions before 17).',
      realm: 'The realm name.',
    },
    /** The issuer `{baseUrl}/realms/{realm}`, S256, `preferred_username`, `groups` and `realm_access.roles`. */
    build: (p: { baseUrl?: string; realm?: string }) => ({
      oidc: {
        issuer: `${trim(required(p.baseUrl, 'baseUrl'))}/realms/${encodeURIComponent(required(p.realm, 'realm'))}`,
        pkce: 'S256',
      },
      claimMapping: {
        userId: 'sub',
        username: 'preferred_username',
        groups: 'groups',
        roles: 'realm_access.roles',
      },
    }),
    quirks: [
      'A "groups" claim appears only with a Group Membership mapper on the client scope; realm roles are in the access token by default, not the ID token.',
      'The issuer follows KC_HOSTNAME: behind a proxy, set it or the issuer will not match.',
      'The JWKS also holds an encryption (RSA-OAEP) key; only "use: sig" keys are used.',
    ],
    sources: [
      'Keycloak Server Administration Guide (client scopes, mappers)',
      'test-fixtures/discovery/keycloak.json',
    ],
  },
  okta: {
    id: 'okta',
    protocol: 'oidc',
    label: 'Okta',
    parameters: {
      domain: 'Your Okta domain, e.g. acme.okta.com.',
      authorizationServer: 'Optional: a custom authorization server id, e.g. default.',
    },
    /** The issuer `https://{domain}` (or `/oauth2/{authorizationServer}` under it), S256, the `groups` scope and claim. */
    build: (p: { domain?: string; authorizationServer?: string }) => ({
      oidc: {
        issuer: `https://${required(p.domain, 'domain')}${p.authorizationServer ? `/oauth2/${encodeURIComponent(p.authorizationServer)}` : ''}`,
        pkce: 'S256',
        additionalScopes: ['groups'],
      },
      claimMapping: { groups: 'groups' },
    }),
    quirks: [
      'No groups claim until one is configured (with a filter) on the app or authorization server; more than 100 groups fails the token request.',
      'Only S256 PKCE; access tokens of the org authorization server cannot be validated locally.',
    ],
    sources: [
      'Okta: OpenID Connect & OAuth 2.0 API, Customize tokens with a groups claim',
      'test-fixtures/discovery/okta-org-as.json, okta-custom-as.json',
    ],
  },
  entra: {
    id: 'entra',
    protocol: 'oidc',
    label: 'Microsoft Entra ID',
    parameters: { tenant: 'The tenant id (a GUID), or "organizations" / "common" for multi-tenant apps.' },
    /** The v2.0 issuer of the tenant, S256, `oid` as user id, groups by object id; a tenant id pins `tenants`. */
    build: (p: { tenant?: string }) => {
      const tenant = required(p.tenant, 'tenant');
      const multi = tenant === 'common' || tenant === 'organizations';
      return {
        oidc: {
          issuer: `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/v2.0`,
          pkce: 'S256',
          ...(multi ? {} : { tenants: [tenant] }),
        },
        claimMapping: { userId: 'oid', username: 'preferred_username', groups: 'groups', roles: 'roles' },
        groupSync: { matchBy: 'externalId' },
        provisioning: { requireVerifiedEmail: false, linkExistingUsersByEmail: false },
      };
    },
    quirks: [
      'Groups are object ids (GUIDs): match app groups by externalId. Past 200 groups Entra sends an overage indication; ssokit asks Microsoft Graph.',
      'There is no email_verified and email is not verified; never link accounts by it.',
      'common/organizations discovery returns the {tenantid} issuer template: set "tenants" to the tenants to accept, or "any".',
      'PKCE works but is not advertised in discovery.',
    ],
    sources: [
      'Microsoft identity platform: ID token claims reference, groups overage',
      'test-fixtures/discovery/entra-common-v2.json, entra-organizations-v2.json',
    ],
  },
  cognito: {
    id: 'cognito',
    protocol: 'oidc',
    label: 'AWS Cognito',
    parameters: {
      region: 'The AWS region, e.g. eu-west-1.',
      userPoolId: 'The user pool id, e.g. eu-west-1_AbCdEf.',
    },
    /** The user pool's issuer `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`, code + S256, `cognito:groups`. */
    build: (p: { region?: string; userPoolId?: string }) => ({
      oidc: {
        issuer: `https://cognito-idp.${required(p.region, 'region')}.amazonaws.com/${required(p.userPoolId, 'userPoolId')}`,
        flow: 'code',
        pkce: 'S256',
      },
      claimMapping: { username: 'cognito:username', groups: 'cognito:groups' },
    }),
    quirks: [
      'The issuer is cognito-idp.<region>.amazonaws.com/<pool>, never the Cognito domain (which hosts the endpoints).',
      'email_verified may arrive as the string "true"; ssokit reads both.',
      'No end_session_endpoint: set the endSession override to https://<domain>/logout.',
    ],
    sources: ['AWS Cognito: Using tokens with user pools', 'test-fixtures/discovery/cognito.json'],
  },
  auth0: {
    id: 'auth0',
    protocol: 'oidc',
    label: 'Auth0',
    parameters: {
      domain: 'Your tenant domain, e.g. acme.eu.auth0.com, or a custom domain.',
      groupsClaim: 'The namespaced claim your Action adds, e.g. https://acme.com/groups.',
    },
    /** The issuer `https://{domain}/` (with its trailing slash), S256, the namespaced groups claim. */
    build: (p: { domain?: string; groupsClaim?: string }) => ({
      oidc: { issuer: `https://${required(p.domain, 'domain')}/`, pkce: 'S256' },
      claimMapping: { groups: p.groupsClaim ?? 'https://example.com/groups' },
    }),
    quirks: [
      'The issuer ends with a slash.',
      'Groups come only from an Action, under a namespaced claim.',
      'HS256 is advertised; ssokit verifies asymmetric signatures only.',
    ],
    sources: ['Auth0: Create namespaced custom claims', 'test-fixtures/discovery/auth0.json, auth0-2.json'],
  },
  google: {
    id: 'google',
    protocol: 'oidc',
    label: 'Google Workspace',
    parameters: {
      hostedDomain: 'Optional: your Workspace domain; only its verified addresses may then sign in.',
    },
    /**
     * Google's issuer, S256, no groups claim. With `hostedDomain`, a login needs a verified address of
     * that domain (`provisioning.emailDomains` and `requireVerifiedEmail`): a personal Google account,
     * or another Workspace's, is refused with `email_not_verified` (`reason: 'domain'`).
     */
    build: (p: { hostedDomain?: string }) => ({
      oidc: { issuer: 'https://accounts.google.com', pkce: 'S256' },
      claimMapping: { groups: '' },
      ...(p.hostedDomain
        ? { provisioning: { emailDomains: [p.hostedDomain], requireVerifiedEmail: true } }
        : {}),
    }),
    quirks: [
      'No groups in tokens (they need the Directory API).',
      'Any Google account can sign in unless the domain is restricted: hostedDomain (or provisioning.emailDomains with requireVerifiedEmail), or an Internal OAuth consent screen.',
    ],
    sources: ['Google Identity: OpenID Connect', 'test-fixtures/discovery/google.json'],
  },
  ping: {
    id: 'ping',
    protocol: 'oidc',
    label: 'PingOne',
    parameters: {
      environmentId: 'The PingOne environment id.',
      region: 'com, eu, ca, asia or com.au (default com).',
    },
    /** The PingOne issuer of the environment (region `com` unless given), S256. */
    build: (p: { environmentId?: string; region?: string }) => ({
      oidc: {
        issuer: `https://auth.pingone.${p.region ?? 'com'}/${required(p.environmentId, 'environmentId')}/as`,
        pkce: 'S256',
      },
    }),
    quirks: ['Groups must be mapped as a custom attribute.'],
    sources: ['PingOne Platform API: OpenID Connect discovery'],
  },
  adfs: {
    id: 'adfs',
    protocol: 'oidc',
    label: 'Microsoft AD FS',
    parameters: { host: 'The AD FS host, e.g. adfs.example.com.' },
    /** The issuer `https://{host}/adfs`, the implicit flow, `upn` / `unique_name` and `group` claims. */
    build: (p: { host?: string }) => ({
      oidc: { issuer: `https://${required(p.host, 'host')}/adfs`, flow: 'implicit', pkce: 'none' },
      claimMapping: {
        username: ['upn', 'unique_name'],
        email: ['email', 'upn'],
        name: 'unique_name',
        groups: 'group',
      },
      provisioning: { requireVerifiedEmail: false },
    }),
    quirks: [
      'Access tokens carry the issuer http://<host>/adfs/services/trust: add it as an additional issuer for API tokens.',
      'Claims appear only through issuance-transform rules.',
    ],
    sources: ['Microsoft: AD FS OpenID Connect/OAuth concepts'],
  },
  onelogin: {
    id: 'onelogin',
    protocol: 'oidc',
    label: 'OneLogin',
    parameters: { subdomain: 'Your OneLogin subdomain, e.g. acme.' },
    /** The issuer `https://{subdomain}.onelogin.com/oidc/2`, S256, the `groups` scope and claim. */
    build: (p: { subdomain?: string }) => ({
      oidc: {
        issuer: `https://${required(p.subdomain, 'subdomain')}.onelogin.com/oidc/2`,
        pkce: 'S256',
        additionalScopes: ['groups'],
      },
      claimMapping: { groups: 'groups' },
    }),
    quirks: [
      'Groups come with the "groups" scope; their format follows the app\'s Groups parameter.',
      'Userinfo is /oidc/2/me.',
    ],
    sources: ['OneLogin: OpenID Connect API', 'test-fixtures/discovery/onelogin.json'],
  },
  custom: {
    id: 'custom',
    protocol: 'oidc',
    label: 'Custom OpenID Connect',
    parameters: {
      issuer: 'The issuer identifier; discovery is read from {issuer}/.well-known/openid-configuration.',
    },
    /** The issuer as given; ssokit's defaults for everything else. */
    build: (p: { issuer?: string }) => ({ oidc: { issuer: required(p.issuer, 'issuer') } }),
    quirks: ['The issuer must equal the discovery document\'s "issuer" exactly, a trailing slash included.'],
    sources: ['OpenID Connect Discovery 1.0, §4.3 (issuer validation)'],
  },
} as const satisfies Record<string, Preset<never>>;

/** SAML attribute mappings shared by IdPs that use the Microsoft claim URIs. */
const microsoftAttributes: Partial<ClaimMapping> = {
  email: [`${SAML_CLAIM_URI}/emailaddress`, `${SAML_CLAIM_URI}/upn`],
  givenName: `${SAML_CLAIM_URI}/givenname`,
  familyName: `${SAML_CLAIM_URI}/surname`,
  name: [`${SAML_CLAIM_URI}/name`, 'http://schemas.microsoft.com/identity/claims/displayname'],
  groups: [`${MS_CLAIM_URI}/groups`, 'http://schemas.xmlsoap.org/claims/Group'],
  roles: `${MS_CLAIM_URI}/role`,
};

/**
 * The SAML presets, by provider id: each one's `build` takes the IdP's metadata URL (where the
 * provider publishes one) and gives the attribute mapping that provider sends.
 *
 * @example
 * ```ts
 * import { samlPresets } from '@ssokit/config';
 *
 * const { saml, claimMapping } = samlPresets.okta.build({ metadataUrl: 'https://acme.okta.com/app/abc/sso/saml/metadata' });
 * await sso.connections.create({
 *   name: 'Okta (SAML)',
 *   protocol: 'saml',
 *   provider: 'okta',
 *   active: true,
 *   saml: { ...saml, spEntityId: 'https://app.example.com/sso' },
 *   claimMapping,
 * });
 * ```
 */
export const samlPresets = {
  okta: {
    id: 'okta',
    protocol: 'saml',
    label: 'Okta',
    parameters: { metadataUrl: 'The app\'s "Identity Provider metadata" link.' },
    /** The metadata URL as given, and Okta's attribute names (`email`, `firstName`, `lastName`, `groups`). */
    build: (p: { metadataUrl?: string }) => ({
      saml: { idpMetadataUrl: required(p.metadataUrl, 'metadataUrl') },
      claimMapping: { email: 'email', givenName: 'firstName', familyName: 'lastName', groups: 'groups' },
    }),
    quirks: [
      'No attributes by default: create Attribute Statements email, firstName, lastName and a Group Attribute Statement "groups".',
      'The entityID uses http://www.okta.com/...; it is compared exactly.',
    ],
    sources: ['Okta: Create SAML app integrations', 'test-fixtures/idp-metadata/okta-1.xml'],
  },
  entra: {
    id: 'entra',
    protocol: 'saml',
    label: 'Microsoft Entra ID',
    parameters: {
      tenant: 'The tenant id.',
      appId: 'Optional: the application id, for the app-specific metadata.',
    },
    /** The tenant's federation metadata URL (for the app, with `appId`), the Microsoft claim URIs, groups by object id. */
    build: (p: { tenant?: string; appId?: string }) => ({
      saml: {
        idpMetadataUrl: `https://login.microsoftonline.com/${required(p.tenant, 'tenant')}/FederationMetadata/2007-06/FederationMetadata.xml${p.appId ? `?appid=${encodeURIComponent(p.appId)}` : ''}`,
      },
      claimMapping: microsoftAttributes,
      groupSync: { matchBy: 'externalId' },
    }),
    quirks: [
      'Groups are object ids; past 150 groups a groups.link attribute replaces them.',
      'The metadata starts with a BOM and carries WS-Fed sections.',
    ],
    sources: ['Microsoft: SAML token claims reference', 'test-fixtures/idp-metadata/entra-1.xml'],
  },
  adfs: {
    id: 'adfs',
    protocol: 'saml',
    label: 'Microsoft AD FS',
    parameters: { host: 'The AD FS host, e.g. adfs.example.com.' },
    /** The federation metadata URL of the host, and the claim types AD FS offers. */
    build: (p: { host?: string }) => ({
      saml: {
        idpMetadataUrl: `https://${required(p.host, 'host')}/FederationMetadata/2007-06/FederationMetadata.xml`,
      },
      // AD FS offers the WS-Fed claim types and its own Group and CommonName ones, not Entra's.
      claimMapping: {
        email: [`${SAML_CLAIM_URI}/emailaddress`, `${SAML_CLAIM_URI}/upn`],
        givenName: `${SAML_CLAIM_URI}/givenname`,
        familyName: `${SAML_CLAIM_URI}/surname`,
        name: [`${SAML_CLAIM_URI}/name`, 'http://schemas.xmlsoap.org/claims/CommonName'],
        groups: 'http://schemas.xmlsoap.org/claims/Group',
        roles: `${MS_CLAIM_URI}/role`,
      },
    }),
    quirks: [
      'The entityID uses http://<host>/adfs/services/trust.',
      'AD FS signs the assertion only by default.',
    ],
    sources: ['Microsoft: AD FS federation metadata', 'test-fixtures/idp-metadata/adfs-1.xml'],
  },
  keycloak: {
    id: 'keycloak',
    protocol: 'saml',
    label: 'Keycloak',
    parameters: { baseUrl: 'The Keycloak URL.', realm: 'The realm name.' },
    /** The realm's SAML descriptor URL, and Keycloak's attribute names with their OIDs. */
    build: (p: { baseUrl?: string; realm?: string }) => ({
      saml: {
        idpMetadataUrl: `${trim(required(p.baseUrl, 'baseUrl'))}/realms/${encodeURIComponent(required(p.realm, 'realm'))}/protocol/saml/descriptor`,
      },
      claimMapping: {
        email: ['email', 'urn:oid:1.2.840.113549.1.9.1'],
        givenName: ['firstName', 'urn:oid:2.5.4.42'],
        familyName: ['lastName', 'urn:oid:2.5.4.4'],
        groups: ['groups', 'Role'],
      },
    }),
    quirks: [
      'The group mapper sends one Attribute element per group (merged by ssokit).',
      'Signs the document by default, not the assertion: set wantAssertionsSigned false or turn on "Sign Assertions".',
    ],
    sources: [
      'Keycloak Server Administration Guide (SAML clients)',
      'test-fixtures/idp-metadata/keycloak-1.xml',
    ],
  },
  google: {
    id: 'google',
    protocol: 'saml',
    label: 'Google Workspace',
    parameters: {
      metadataUrl: 'Optional: where the downloaded metadata is served; otherwise paste the file.',
    },
    /** The metadata URL when given (else paste the file), and the attribute names to set up in Google. */
    build: (p: { metadataUrl?: string }) => ({
      ...(p.metadataUrl ? { saml: { idpMetadataUrl: p.metadataUrl } } : {}),
      claimMapping: { email: 'email', givenName: 'firstName', familyName: 'lastName', groups: 'groups' },
    }),
    quirks: ['No attributes by default: map them in the Admin console; at most 75 groups.'],
    sources: [
      'Google Workspace: Set up your own custom SAML app',
      'test-fixtures/idp-metadata/google-1.xml, google-2.xml',
    ],
  },
  onelogin: {
    id: 'onelogin',
    protocol: 'saml',
    label: 'OneLogin',
    parameters: { appId: "The app id from the app's SSO tab." },
    /** The app's metadata URL `https://app.onelogin.com/saml/metadata/{appId}`, and OneLogin's attribute names. */
    build: (p: { appId?: string }) => ({
      saml: { idpMetadataUrl: `https://app.onelogin.com/saml/metadata/${required(p.appId, 'appId')}` },
      claimMapping: { email: 'email', givenName: 'givenName', familyName: 'sn', groups: 'groups' },
    }),
    quirks: ["Attributes are the app's custom Parameters."],
    sources: ['OneLogin: SAML toolkits', 'test-fixtures/idp-metadata/onelogin-1.xml'],
  },
  duo: {
    id: 'duo',
    protocol: 'saml',
    label: 'Duo SSO',
    parameters: { metadataUrl: 'The metadata URL from the Duo application page.' },
    /** The metadata URL as given, and the attribute names to map Duo's bridge attributes to. */
    build: (p: { metadataUrl?: string }) => ({
      saml: { idpMetadataUrl: required(p.metadataUrl, 'metadataUrl') },
      claimMapping: { email: 'Email', givenName: 'FirstName', familyName: 'LastName', groups: 'Groups' },
    }),
    quirks: [
      "Map attributes from Duo's bridge attributes (<Email Address>, <First Name>, ...); sign the response, the assertion or both.",
    ],
    sources: ['Duo: Generic SAML service providers'],
  },
  jumpcloud: {
    id: 'jumpcloud',
    protocol: 'saml',
    label: 'JumpCloud',
    parameters: { metadataUrl: 'The "Copy Metadata URL" link of the SSO application.' },
    /** The metadata URL as given, and JumpCloud's attribute names (`memberOf` for groups). */
    build: (p: { metadataUrl?: string }) => ({
      saml: { idpMetadataUrl: required(p.metadataUrl, 'metadataUrl') },
      claimMapping: { email: 'email', givenName: 'firstname', familyName: 'lastname', groups: 'memberOf' },
    }),
    quirks: [
      'The IdP entityID is free-form; the NameID defaults to the email.',
      'Enable "Include group attribute" and name it (memberOf here).',
    ],
    sources: ['JumpCloud: Single Sign On (SSO) with SAML 2.0'],
  },
  custom: {
    id: 'custom',
    protocol: 'saml',
    label: 'Custom SAML 2.0',
    parameters: { metadataUrl: 'Optional: the IdP metadata URL; otherwise paste the file.' },
    /** The metadata URL when given; otherwise nothing (paste the metadata file). */
    build: (p: { metadataUrl?: string }) =>
      p.metadataUrl ? { saml: { idpMetadataUrl: p.metadataUrl } } : {},
    quirks: ['The default mapping reads common names, WS-Fed claim URIs and LDAP OIDs.'],
    sources: ['SAML 2.0 Metadata (OASIS)'],
  },
} as const satisfies Record<string, Preset<never>>;

/**
 * Every preset, by protocol and provider id: what an admin page lists, with each provider's
 * parameters and quirks.
 *
 * @example
 * ```ts
 * import { presets } from '@ssokit/config';
 *
 * for (const preset of Object.values(presets.oidc))
 *   console.log(preset.label, Object.keys(preset.parameters), preset.quirks.length);
 * ```
 */
export const presets = { oidc: oidcPresets, saml: samlPresets } as const;
