/**
 * The fields every form has, whatever the provider: the connection, the client or service provider and
 * the advanced settings (claim mapping, provisioning and group sync: form-fields-mapping.ts), with
 * ssokit's defaults from `@ssokit/core`. A form entry renames them in the provider's words
 * (form-entry.ts).
 *
 * @module
 */
import {
  defaultGroupSync,
  defaultOidcClaimMapping,
  defaultProvisioning,
  defaultSamlClaimMapping,
  OIDC_DEFAULTS,
  type Protocol,
} from '@ssokit/core';
import type { FormField, FormFieldKind } from './form-types.ts';

/** A field that sets the connection path `key`. */
export const field = (
  key: string,
  kind: FormFieldKind,
  label: string,
  help: string,
  extra: Partial<FormField> = {},
): FormField => ({ key, label, help, kind, required: false, paths: [key], ...extra });

const SAML_DEFAULTS: Readonly<Record<string, boolean>> = {
  wantAssertionsSigned: true,
  wantResponseSigned: false,
  signRequests: false,
  allowIdpInitiated: false,
};

/**
 * ssokit's default for a connection path (what applies when the connection leaves it out), or
 * `undefined` when there is none to show.
 */
export function coreDefault(protocol: Protocol, path: string): unknown {
  const [section, key = ''] = path.split('.');
  switch (section) {
    case 'active':
      return true;
    case 'claimMapping':
      return (protocol === 'saml' ? defaultSamlClaimMapping : defaultOidcClaimMapping)[
        key as keyof typeof defaultOidcClaimMapping
      ];
    case 'provisioning':
      if (key === 'trustEmail') return protocol === 'saml';
      if (key === 'emailDomains') return [];
      return defaultProvisioning[key as keyof typeof defaultProvisioning];
    case 'groupSync':
      return defaultGroupSync[key as keyof typeof defaultGroupSync];
    case 'oidc':
      if (key === 'additionalScopes' || key === 'audience') return [];
      return OIDC_DEFAULTS[key as keyof typeof OIDC_DEFAULTS];
    case 'saml':
      return SAML_DEFAULTS[key];
    default:
      return undefined;
  }
}

/** What a connection id may be: a short slug, safe in every URL it is part of. */
export const CONNECTION_ID_PATTERN = {
  regex: '^[a-z0-9][a-z0-9._-]{0,63}$',
  message:
    'use lowercase letters, digits, dots, dashes and underscores (at most 64), starting with a letter or a digit, such as acme-sso.',
};

/** A date, or a date and time with its offset (what `clientSecretExpiresAt` takes). */
export const DATE_PATTERN = {
  regex: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$',
  message: 'use a date like 2027-06-30.',
};

/** Name, id and the Active switch. */
export function connectionFields(label: string): FormField[] {
  return [
    field('name', 'text', 'Display name', 'Shown on the login button; unique across connections.', {
      required: true,
      placeholder: label,
    }),
    field(
      'id',
      'text',
      'Connection ID',
      "Part of this connection's URLs (SAML metadata, logout): lowercase letters, digits, dots, dashes and underscores. The console proposes one from the display name; generated when left empty; fixed once created.",
      { placeholder: 'acme-sso', fixedOnEdit: true, pattern: CONNECTION_ID_PATTERN },
    ),
    field(
      'active',
      'boolean',
      'Active',
      'An inactive connection has no login button and cannot finish a login.',
    ),
  ];
}

/** The OIDC client or the SAML service provider. */
export function clientFields(protocol: Protocol): FormField[] {
  if (protocol === 'oidc')
    return [
      field('oidc.clientId', 'text', 'Client ID', 'The id of the application you registered.', {
        required: true,
      }),
      field('oidc.clientSecret', 'secret', 'Client secret', 'Leave empty for a public client (PKCE).', {
        writeOnly: true,
      }),
      field(
        'oidc.clientSecretExpiresAt',
        'text',
        'Client secret expires',
        'When the secret expires (YYYY-MM-DD), if the provider sets an expiry: Test Provider warns 30 days before.',
        { placeholder: '2027-06-30', defaultText: 'no expiry known', pattern: DATE_PATTERN },
      ),
    ];
  return [
    field(
      'saml.spEntityId',
      'text',
      'SP entity ID',
      "This app's SAML entity ID, as registered at the identity provider; by convention the SP metadata URL.",
      { required: true, prefill: 'spMetadataUrl' },
    ),
    field(
      'saml.wantAssertionsSigned',
      'boolean',
      'Require signed assertions',
      'Refuse assertions the identity provider did not sign.',
    ),
    field(
      'saml.wantResponseSigned',
      'boolean',
      'Require a signed response',
      'Also require the whole response to be signed.',
    ),
    field(
      'saml.signRequests',
      'boolean',
      'Sign requests',
      'Sign the AuthnRequests with the SP private key (some IdPs require it).',
    ),
    field(
      'saml.spPrivateKey',
      'secret',
      'SP private key',
      'PEM private key to sign requests and decrypt assertions.',
      { writeOnly: true, multiline: true, upload: { accept: '.pem,.key' } },
    ),
    field(
      'saml.spCertificate',
      'multiline',
      'SP certificate',
      'The PEM certificate of that key, published in the SP metadata.',
      { upload: { accept: '.pem,.crt,.cer' } },
    ),
    field(
      'saml.allowIdpInitiated',
      'boolean',
      'Allow IdP-initiated login',
      "Accept logins started from the identity provider's portal (unsolicited responses). Off: safer.",
    ),
  ];
}

/** What most connections keep at the default. */
export function advancedFields(protocol: Protocol): FormField[] {
  const json = field(
    'advanced',
    'json',
    'Advanced (JSON)',
    'Settings the form does not cover (endpoint overrides, tenants, algorithms...), merged into the connection.',
    { paths: [], default: {} },
  );
  if (protocol === 'saml')
    return [
      field('saml.authnRequestBinding', 'select', 'AuthnRequest binding', 'How requests reach the IdP.', {
        options: [
          { value: 'redirect', label: 'HTTP-Redirect' },
          { value: 'post', label: 'HTTP-POST' },
        ],
        defaultText: 'HTTP-Redirect when the metadata offers it, else HTTP-POST',
      }),
      field('saml.nameIdFormat', 'text', 'NameID format', 'The NameID format to request.', {
        placeholder: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        defaultText: "the IdP's choice",
      }),
      field(
        'saml.idpEntityId',
        'text',
        'IdP entity ID',
        'For metadata listing several IdPs: the one to use.',
      ),
      json,
    ];
  return [
    field('oidc.flow', 'select', 'Flow', 'The implicit flow is id_token with form_post.', {
      options: [
        { value: 'code', label: 'Authorization code' },
        { value: 'implicit', label: 'Implicit (form_post)' },
      ],
    }),
    field('oidc.pkce', 'select', 'PKCE', 'Proof Key for Code Exchange method.', {
      options: [
        { value: 'S256', label: 'S256' },
        { value: 'plain', label: 'plain' },
        { value: 'none', label: 'none' },
      ],
    }),
    field('oidc.scopes', 'list', 'Scopes', 'The scopes requested.'),
    field('oidc.additionalScopes', 'list', 'Additional scopes', 'Requested besides the scopes (groups).'),
    field('oidc.userInfo', 'select', 'Claims from', 'Where a login reads its claims.', {
      options: [
        { value: 'id_token', label: 'ID token' },
        { value: 'userinfo', label: 'ID token and userinfo endpoint' },
        { value: 'access_token', label: 'ID token and access token' },
      ],
    }),
    field(
      'oidc.tokenEndpointAuthMethod',
      'select',
      'Client authentication',
      'How the client authenticates at the token endpoint.',
      {
        options: [
          { value: 'client_secret_basic', label: 'client_secret_basic' },
          { value: 'client_secret_post', label: 'client_secret_post' },
          { value: 'none', label: 'none (public client)' },
        ],
        defaultText: 'client_secret_basic with a secret, none without',
      },
    ),
    field('oidc.audience', 'list', 'Extra audiences', 'Audiences accepted besides the client ID.'),
    json,
  ];
}
