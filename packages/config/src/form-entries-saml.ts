/**
 * The SAML forms, one entry per preset of `samlPresets` (and custom): see form-entry.ts.
 *
 * @module
 */
import { type FormEntry, keycloakParams, metadataUrl, SAML_REGISTER } from './form-entry.ts';

/** The SAML forms. */
export const samlFormEntries: readonly FormEntry[] = [
  {
    protocol: 'saml',
    provider: 'keycloak',
    docsName: 'Keycloak',
    console: 'Keycloak admin console',
    docsUrl: 'https://www.keycloak.org/docs/latest/server_admin/',
    params: keycloakParams,
    names: {
      'saml.spEntityId': {
        providerName: 'Client ID',
        help: 'A Keycloak SAML client is named by the SP entity ID: create it with this value as its Client ID.',
      },
      'saml.wantAssertionsSigned': {
        help: 'Keycloak signs the document, not the assertion, by default: turn on "Sign assertions" or turn this off.',
      },
    },
    register: {
      acsUrl: 'Assertion Consumer Service POST Binding URL',
      sloUrl: 'Logout Service Redirect Binding URL',
      spMetadataUrl: true,
    },
  },
  {
    protocol: 'saml',
    provider: 'okta',
    docsName: 'Okta',
    console: 'Okta Admin Console',
    docsUrl: 'https://developer.okta.com/docs/guides/create-an-app-integration/',
    params: [metadataUrl('https://acme.okta.com/app/exk1a2b3c4/sso/saml/metadata', 'Metadata URL')],
    names: { 'saml.spEntityId': { providerName: 'Audience URI (SP Entity ID)' } },
    register: { acsUrl: 'Single sign-on URL', sloUrl: 'Single Logout URL', spMetadataUrl: true },
  },
  {
    protocol: 'saml',
    provider: 'entra',
    docsName: 'Microsoft Entra ID',
    console: 'Microsoft Entra admin center',
    docsUrl: 'https://learn.microsoft.com/entra/identity-platform/federation-metadata',
    params: [
      {
        name: 'tenant',
        label: 'Tenant',
        providerName: 'Directory (tenant) ID',
        placeholder: '11111111-2222-3333-4444-555555555555',
        required: true,
        bare: true,
      },
      {
        name: 'appId',
        label: 'Application ID',
        providerName: 'Application ID',
        placeholder: '66666666-7777-8888-9999-000000000000',
        required: false,
        bare: true,
      },
    ],
    names: { 'saml.spEntityId': { providerName: 'Identifier (Entity ID)' } },
    register: {
      acsUrl: 'Reply URL (Assertion Consumer Service URL)',
      sloUrl: 'Logout Url',
      spMetadataUrl: true,
    },
  },
  {
    protocol: 'saml',
    provider: 'google',
    docsName: 'Google Workspace',
    console: 'Google Admin console',
    docsUrl: 'https://support.google.com/a/answer/6087519',
    params: [metadataUrl('https://files.example.com/google-idp-metadata.xml')],
    names: { 'saml.spEntityId': { providerName: 'Entity ID' } },
    register: { acsUrl: 'ACS URL', spMetadataUrl: true },
    metadataSource: 'xml',
  },
  {
    protocol: 'saml',
    provider: 'adfs',
    docsName: 'Active Directory Federation Services',
    console: 'AD FS Management',
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
    names: { 'saml.spEntityId': { providerName: 'Relying party trust identifier' } },
    register: {
      acsUrl: 'Relying party SAML 2.0 SSO service URL',
      spMetadataUrl: 'Federation metadata address',
    },
  },
  {
    protocol: 'saml',
    provider: 'onelogin',
    docsName: 'OneLogin',
    console: 'OneLogin Administration',
    params: [{ name: 'appId', label: 'App ID', placeholder: '383123', required: true, bare: true }],
    names: { 'saml.spEntityId': { providerName: 'Audience (EntityID)' } },
    register: { acsUrl: 'ACS (Consumer) URL', sloUrl: 'Single Logout URL', spMetadataUrl: true },
  },
  {
    protocol: 'saml',
    provider: 'duo',
    docsName: 'Duo Single Sign-On',
    console: 'Duo Admin Panel',
    docsUrl: 'https://duo.com/docs/sso-generic',
    params: [metadataUrl('https://sso-abc123.sso.duosecurity.com/saml2/sp/DIXXXX/metadata', 'Metadata URL')],
    names: { 'saml.spEntityId': { providerName: 'Entity ID' } },
    register: {
      acsUrl: 'Assertion Consumer Service (ACS) URL',
      sloUrl: 'Single Logout URL',
      spMetadataUrl: true,
    },
  },
  {
    protocol: 'saml',
    provider: 'jumpcloud',
    docsName: 'JumpCloud SSO',
    console: 'JumpCloud Admin Portal',
    docsUrl: 'https://jumpcloud.com/support/sso-using-custom-saml-application-connectors',
    params: [metadataUrl('https://sso.jumpcloud.com/saml2/metadata/acme', 'Copy Metadata URL')],
    names: { 'saml.spEntityId': { providerName: 'SP Entity ID' } },
    register: { acsUrl: 'ACS URL', spMetadataUrl: true },
  },
  {
    protocol: 'saml',
    provider: 'custom',
    docsName: 'SAML 2.0 identity provider',
    console: "identity provider's admin console",
    params: [metadataUrl('https://idp.example.com/metadata.xml')],
    register: SAML_REGISTER,
  },
];
