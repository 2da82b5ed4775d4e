/**
 * The fields that decide who a login becomes: claim mapping, provisioning and group sync.
 *
 * @module
 */
import type { Protocol } from '@ssokit/core';
import { field } from './form-fields.ts';
import type { FormField } from './form-types.ts';

const CLAIMS: readonly [key: string, label: string, oidc: string, saml: string][] = [
  ['userId', 'User ID', "The user's stable id.", 'Empty: the NameID.'],
  ['username', 'Username', 'The login name.', 'The login name.'],
  ['email', 'Email', 'The email address.', 'The email address.'],
  [
    'emailVerified',
    'Email verified',
    'Whether the provider verified the email (true, or the string "true").',
    'Usually not mapped: SAML has no standard flag.',
  ],
  ['name', 'Full name', 'Derived from given and family name when absent.', 'Derived when absent.'],
  ['givenName', 'Given name', 'First name.', 'First name.'],
  ['familyName', 'Family name', 'Last name.', 'Last name.'],
  ['picture', 'Picture', 'A URL of the avatar.', 'A URL of the avatar.'],
  [
    'groups',
    'Groups',
    'The IdP groups, for group sync and roles.',
    'The IdP groups, for group sync and roles.',
  ],
  [
    'roles',
    'Roles',
    'Roles the IdP states directly (Keycloak: realm_access.roles).',
    'Roles the IdP states directly.',
  ],
];

/** Where each profile field is read from. */
export function claimFields(protocol: Protocol): FormField[] {
  return CLAIMS.map(([key, label, oidc, saml]) =>
    field(`claimMapping.${key}`, 'list', label, protocol === 'saml' ? saml : oidc),
  );
}

/** Just-in-time users and email trust. */
export function provisioningFields(): FormField[] {
  return [
    field(
      'provisioning.createUsers',
      'boolean',
      'Create users on first login',
      'Off: only existing or invited users can log in.',
    ),
    field(
      'provisioning.requireVerifiedEmail',
      'boolean',
      'Require a verified email',
      'Refuse logins whose email is missing or not verified by the provider.',
    ),
    field(
      'provisioning.linkExistingUsersByEmail',
      'boolean',
      'Link existing users by email',
      'Link an existing account with the same verified email: only for a provider authoritative for those domains.',
    ),
    field(
      'provisioning.trustEmail',
      'boolean',
      'Trust emails without a verification flag',
      'Treat the email as verified when the claims carry no flag (an explicit false always wins).',
    ),
    field(
      'provisioning.emailDomains',
      'list',
      'Email domains',
      'The domains this provider is trusted for (example.com, *.example.com). Empty: any domain.',
      { placeholder: 'example.com' },
    ),
  ];
}

/** Group synchronisation. */
export function groupSyncFields(): FormField[] {
  return [
    field(
      'groupSync.enabled',
      'boolean',
      'Sync groups',
      "Apply the provider's groups to the app's groups at each login.",
    ),
    field(
      'groupSync.removeRevoked',
      'boolean',
      'Remove revoked memberships',
      'Remove memberships this connection granted when the group is no longer sent; manual ones stay.',
    ),
    field('groupSync.matchBy', 'select', 'Match groups by', 'How a group value finds an app group.', {
      options: [
        { value: 'name', label: 'Name' },
        { value: 'externalId', label: 'External id (Entra sends object ids)' },
      ],
    }),
    field('groupSync.caseInsensitive', 'boolean', 'Ignore case', 'Compare group names case-insensitively.'),
  ];
}
