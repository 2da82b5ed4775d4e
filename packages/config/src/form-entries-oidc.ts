/**
 * The OIDC forms, one entry per preset of `oidcPresets` (and custom): see form-entry.ts.
 *
 * @module
 */
import { type FormEntry, keycloakParams, OIDC_REGISTER, secret } from './form-entry.ts';

/** The OIDC forms. */
export const oidcFormEntries: readonly FormEntry[] = [
  {
    protocol: 'oidc',
    provider: 'keycloak',
    docsName: 'Keycloak',
    console: 'Keycloak admin console',
    docsUrl: 'https://www.keycloak.org/docs/latest/server_admin/',
    params: keycloakParams,
    names: {
      'oidc.clientId': {
        providerName: 'Client ID',
        help: 'Clients → your OpenID Connect client → Settings.',
      },
      ...secret('Client Secret', 'Clients → your client → Credentials (with Client authentication on).'),
      'claimMapping.groups': { help: 'Needs a Group Membership mapper on a client scope of the client.' },
    },
    register: {
      redirectUri: 'Valid redirect URIs',
      postLogoutRedirectUri: 'Valid post logout redirect URIs',
      backchannelLogoutUri: 'Backchannel logout URL',
      frontchannelLogoutUri: 'Front channel logout URL',
    },
  },
  {
    protocol: 'oidc',
    provider: 'okta',
    docsName: 'Okta',
    console: 'Okta Admin Console',
    docsUrl: 'https://developer.okta.com/docs/concepts/auth-servers/',
    params: [
      { name: 'domain', label: 'Okta domain', placeholder: 'acme.okta.com', required: true, bare: true },
      {
        name: 'authorizationServer',
        label: 'Authorization server',
        providerName: 'Issuer URI',
        help: 'Security → API → Authorization Servers: the last part of its Issuer URI (…/oauth2/default → default, …/oauth2/aus1a2b3c4d5e6f7g8h9 → aus1a2b3c4d5e6f7g8h9). Leave it empty for the org authorization server (issuer https://your-domain).',
        placeholder: 'aus1a2b3c4d5e6f7g8h9',
        required: false,
        bare: true,
      },
    ],
    names: {
      'oidc.clientId': { providerName: 'Client ID', help: 'Applications → your app → General.' },
      ...secret('Client secret', 'Applications → your app → General → Client Credentials.'),
      'claimMapping.groups': {
        help: 'Okta sends groups only once a groups claim (with a filter) is added: on a custom authorization server, under Security → API → Authorization Servers → Claims (include it in the ID token); on the org authorization server, as the Groups claim filter of the app (Sign On tab).',
      },
      'oidc.additionalScopes': {
        help: 'Requested besides the scopes. Okta sends groups in a groups claim (see Groups under Claim mapping): a custom authorization server needs no scope for it and has no "groups" scope unless you add one (asking for a missing scope fails the login); with the org authorization server, add groups here.',
        default: [],
      },
    },
    register: { redirectUri: 'Sign-in redirect URIs', postLogoutRedirectUri: 'Sign-out redirect URIs' },
  },
  {
    protocol: 'oidc',
    provider: 'entra',
    docsName: 'Microsoft Entra ID',
    console: 'Microsoft Entra admin center',
    docsUrl: 'https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference',
    params: [
      {
        name: 'tenant',
        label: 'Tenant',
        providerName: 'Directory (tenant) ID',
        help: 'Overview → Directory (tenant) ID. A multi-tenant app: organizations or common, with the tenants to accept in Advanced ({"oidc": {"tenants": [...]}} or "any").',
        placeholder: '11111111-2222-3333-4444-555555555555',
        required: true,
        bare: true,
      },
    ],
    names: {
      'oidc.clientId': {
        providerName: 'Application (client) ID',
        help: 'App registrations → your app → Overview.',
      },
      ...secret(
        'Client secret Value',
        'Certificates & secrets → Client secrets: the Value (not the Secret ID), shown once when created.',
      ),
      'oidc.clientSecretExpiresAt': {
        providerName: 'Expires',
        help: 'The Expires date of that client secret.',
      },
      'claimMapping.groups': {
        help: 'Token configuration → Add groups claim: Entra sends group object ids.',
      },
    },
    register: { redirectUri: 'Redirect URI (Web)', frontchannelLogoutUri: 'Front-channel logout URL' },
  },
  {
    protocol: 'oidc',
    provider: 'cognito',
    docsName: 'Amazon Cognito user pools',
    console: 'Amazon Cognito console',
    docsUrl:
      'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html',
    params: [
      {
        name: 'region',
        label: 'Region',
        providerName: 'AWS Region',
        placeholder: 'eu-west-1',
        required: true,
        bare: true,
      },
      {
        name: 'userPoolId',
        label: 'User pool',
        providerName: 'User pool ID',
        placeholder: 'eu-west-1_AbCdEf123',
        required: true,
        bare: true,
      },
    ],
    names: {
      'oidc.clientId': { providerName: 'Client ID', help: 'Your user pool → App clients → the app client.' },
      ...secret('Client secret', 'The same app client, when it has a secret.'),
    },
    register: { redirectUri: 'Allowed callback URLs', postLogoutRedirectUri: 'Allowed sign-out URLs' },
  },
  {
    protocol: 'oidc',
    provider: 'auth0',
    docsName: 'Auth0',
    console: 'Auth0 Dashboard',
    docsUrl: 'https://auth0.com/docs/secure/tokens/json-web-tokens/create-custom-claims',
    params: [
      {
        name: 'domain',
        label: 'Domain',
        providerName: 'Domain',
        placeholder: 'acme.eu.auth0.com',
        required: true,
        bare: true,
      },
    ],
    names: {
      'oidc.clientId': { providerName: 'Client ID', help: 'Applications → your application → Settings.' },
      ...secret('Client Secret', 'Applications → your application → Settings.'),
      'claimMapping.groups': { help: 'The namespaced claim your Action adds, e.g. https://acme.com/groups.' },
    },
    register: {
      redirectUri: 'Allowed Callback URLs',
      postLogoutRedirectUri: 'Allowed Logout URLs',
      backchannelLogoutUri: 'Back-Channel Logout URI',
    },
  },
  {
    protocol: 'oidc',
    provider: 'ping',
    docsName: 'PingOne',
    console: 'PingOne admin console',
    docsUrl: 'https://docs.pingidentity.com/pingone/integrations/p1_discovery_document_uri.html',
    params: [
      {
        name: 'environmentId',
        label: 'Environment',
        providerName: 'Environment ID',
        placeholder: '11111111-2222-3333-4444-555555555555',
        required: true,
        bare: true,
      },
      {
        name: 'region',
        label: 'Region',
        help: 'The domain of your PingOne console: auth.pingone.com, .eu, .ca, .asia or .com.au.',
        placeholder: 'com',
        required: false,
        kind: 'select',
        options: ['com', 'eu', 'ca', 'asia', 'com.au'].map((value) => ({
          value,
          label: `auth.pingone.${value}`,
        })),
        default: 'com',
      },
    ],
    names: {
      'oidc.clientId': {
        providerName: 'Client ID',
        help: 'Applications → your application → Configuration.',
      },
      ...secret('Client Secret', 'Applications → your application → Configuration.'),
    },
    register: { redirectUri: 'Redirect URIs', postLogoutRedirectUri: 'Signoff URLs' },
  },
  {
    protocol: 'oidc',
    provider: 'google',
    docsName: 'Google Identity (OpenID Connect)',
    console: 'Google Cloud console',
    docsUrl: 'https://developers.google.com/identity/openid-connect/openid-connect',
    params: [],
    names: {
      'oidc.clientId': {
        providerName: 'Client ID',
        help: 'APIs & Services → Credentials → your OAuth client ID (Web application).',
      },
      ...secret('Client secret', 'The same OAuth client.'),
    },
    register: { redirectUri: 'Authorized redirect URIs' },
  },
  {
    protocol: 'oidc',
    provider: 'adfs',
    docsName: 'Active Directory Federation Services',
    console: 'AD FS Management',
    docsUrl:
      'https://learn.microsoft.com/windows-server/identity/ad-fs/development/ad-fs-openid-connect-oauth-concepts',
    params: [
      {
        name: 'host',
        label: 'AD FS host',
        providerName: 'Federation Service name',
        placeholder: 'adfs.example.com',
        required: true,
        bare: true,
      },
    ],
    names: {
      'oidc.clientId': {
        providerName: 'Client Identifier',
        help: 'Application Groups → the server application.',
      },
      ...secret('Secret', 'The shared secret generated for the server application.'),
    },
    register: { redirectUri: 'Redirect URI' },
  },
  {
    protocol: 'oidc',
    provider: 'onelogin',
    docsName: 'OneLogin',
    console: 'OneLogin Administration',
    params: [{ name: 'subdomain', label: 'Subdomain', placeholder: 'acme', required: true, bare: true }],
    names: {
      'oidc.clientId': { providerName: 'Client ID', help: 'Applications → your app → SSO.' },
      ...secret('Client Secret', 'Applications → your app → SSO.'),
    },
    register: { redirectUri: "Redirect URI's", postLogoutRedirectUri: 'Post Logout Redirect URI' },
  },
  {
    protocol: 'oidc',
    provider: 'custom',
    docsName: 'OpenID Connect provider',
    console: "identity provider's admin console",
    docsUrl: 'https://openid.net/specs/openid-connect-discovery-1_0.html',
    params: [
      {
        name: 'issuer',
        label: 'Issuer',
        placeholder: 'https://idp.example.com',
        required: true,
        kind: 'url',
      },
    ],
    register: OIDC_REGISTER,
  },
];
