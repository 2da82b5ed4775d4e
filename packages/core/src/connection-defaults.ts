/**
 * The defaults a connection falls back to, and the functions that resolve its effective settings.
 *
 * @module
 */
import type { ClaimMapping, Connection, GroupSyncSettings, Protocol, ProvisioningSettings } from './types.ts';

/**
 * The default claim mapping of OIDC connections: the standard claims of OpenID Connect Core §5.1.
 * A connection's `claimMapping` overrides it field by field ({@link resolveClaimMapping}).
 *
 * @example
 * ```ts
 * import { defaultOidcClaimMapping } from '@ssokit/core';
 *
 * defaultOidcClaimMapping.userId; // 'sub'
 * defaultOidcClaimMapping.roles; // '': not mapped unless the connection says where roles are
 * ```
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims
 */
export const defaultOidcClaimMapping: Readonly<ClaimMapping> = Object.freeze({
  userId: 'sub',
  username: Object.freeze(['preferred_username', 'username', 'email']),
  email: 'email',
  emailVerified: 'email_verified',
  name: 'name',
  givenName: 'given_name',
  familyName: 'family_name',
  picture: 'picture',
  groups: 'groups',
  roles: '',
});

/**
 * The default attribute mapping of SAML connections: the short names most IdPs use, then the
 * WS-Federation claim URIs (Entra, AD FS), then the LDAP OIDs (Shibboleth, `urn:oid:` names). The user
 * id defaults to the NameID, which the SAML package provides as the identity's subject.
 *
 * @example
 * ```ts
 * import { defaultSamlClaimMapping } from '@ssokit/core';
 *
 * defaultSamlClaimMapping.userId; // '': the NameID
 * defaultSamlClaimMapping.email; // ['email', 'mail', '.../claims/emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3']
 * ```
 */
export const defaultSamlClaimMapping: Readonly<ClaimMapping> = Object.freeze({
  userId: '',
  // Then the UPN (Entra, AD FS) and, as OIDC falls back to `email`, the email attributes: an IdP
  // that sends no username attribute (Keycloak's default SAML client) still gives the user one.
  username: Object.freeze([
    'username',
    'uid',
    'urn:oid:0.9.2342.19200300.100.1.1',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
    'email',
    'mail',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    'urn:oid:0.9.2342.19200300.100.1.3',
  ]),
  email: Object.freeze([
    'email',
    'mail',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    'urn:oid:0.9.2342.19200300.100.1.3',
  ]),
  emailVerified: '',
  name: Object.freeze([
    'name',
    'displayName',
    'http://schemas.microsoft.com/identity/claims/displayname',
    'urn:oid:2.16.840.1.113730.3.1.241',
  ]),
  givenName: Object.freeze([
    'givenName',
    'firstName',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
    'urn:oid:2.5.4.42',
  ]),
  familyName: Object.freeze([
    'sn',
    'surname',
    'lastName',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
    'urn:oid:2.5.4.4',
  ]),
  picture: '',
  groups: Object.freeze([
    'groups',
    'memberOf',
    'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
    'http://schemas.xmlsoap.org/claims/Group',
    'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
  ]),
  roles: Object.freeze(['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role']),
});

/**
 * The default provisioning: just-in-time users, verified email required, no linking of existing
 * accounts by email. `trustEmail` depends on the protocol: see {@link resolveProvisioning}.
 *
 * @example
 * ```ts
 * import { defaultProvisioning } from '@ssokit/core';
 *
 * // An invited-only connection: the defaults, without just-in-time users.
 * const provisioning = { ...defaultProvisioning, createUsers: false };
 * ```
 */
export const defaultProvisioning: Readonly<ProvisioningSettings> = Object.freeze({
  createUsers: true,
  requireVerifiedEmail: true,
  linkExistingUsersByEmail: false,
});

/**
 * The default group sync: off; when on, revoked memberships are removed and names match exactly.
 *
 * @example
 * ```ts
 * import { defaultGroupSync } from '@ssokit/core';
 *
 * defaultGroupSync.enabled; // false: a connection turns it on with groupSync: { enabled: true }
 * defaultGroupSync.removeRevoked; // true
 * ```
 */
export const defaultGroupSync: Readonly<Required<GroupSyncSettings>> = Object.freeze({
  enabled: false,
  removeRevoked: true,
  matchBy: 'name',
  caseInsensitive: false,
});

/**
 * The claim mapping a connection uses: its own fields over the protocol's defaults.
 *
 * @example
 * ```ts
 * import { resolveClaimMapping } from '@ssokit/core';
 *
 * resolveClaimMapping('oidc', { groups: 'cognito:groups' }).groups; // 'cognito:groups'
 * ```
 */
export function resolveClaimMapping(protocol: Protocol, overrides: Partial<ClaimMapping> = {}): ClaimMapping {
  const base = protocol === 'saml' ? defaultSamlClaimMapping : defaultOidcClaimMapping;
  const mapping = { ...base } as ClaimMapping;
  for (const key of Object.keys(base) as (keyof ClaimMapping)[]) {
    const value = overrides[key];
    if (value !== undefined) mapping[key] = value;
  }
  return mapping;
}

/**
 * The provisioning settings a connection uses: its own over {@link defaultProvisioning}; `trustEmail`
 * defaults to `true` for SAML and `false` for OIDC.
 *
 * @example
 * ```ts
 * import { resolveProvisioning } from '@ssokit/core';
 *
 * resolveProvisioning({ protocol: 'saml', provisioning: { createUsers: false } });
 * // { createUsers: false, requireVerifiedEmail: true, linkExistingUsersByEmail: false, trustEmail: true }
 * ```
 */
export function resolveProvisioning(
  connection: Pick<Connection, 'provisioning' | 'protocol'>,
): Required<Omit<ProvisioningSettings, 'emailDomains'>> & Pick<ProvisioningSettings, 'emailDomains'> {
  return {
    ...defaultProvisioning,
    trustEmail: connection.protocol === 'saml',
    ...stripUndefined(connection.provisioning),
  } as Required<Omit<ProvisioningSettings, 'emailDomains'>> & Pick<ProvisioningSettings, 'emailDomains'>;
}

/**
 * The group-sync settings a connection uses: its own over {@link defaultGroupSync}.
 *
 * @example
 * ```ts
 * import { resolveGroupSync } from '@ssokit/core';
 *
 * resolveGroupSync({ groupSync: { enabled: true, matchBy: 'externalId' } });
 * // { enabled: true, removeRevoked: true, matchBy: 'externalId', caseInsensitive: false }
 * ```
 */
export function resolveGroupSync(connection: Pick<Connection, 'groupSync'>): Required<GroupSyncSettings> {
  return { ...defaultGroupSync, ...stripUndefined(connection.groupSync) };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
