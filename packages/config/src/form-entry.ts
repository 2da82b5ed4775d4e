/**
 * What one preset's form is made of: the preset's parameters as fields, the provider's own names for
 * the common fields and for the values to register, and where its console and docs are. Everything
 * else (defaults, building, editing, validation) follows from the preset (presets.ts) and the common
 * fields (form-fields.ts): a new preset is one entry in form-entries-oidc.ts or form-entries-saml.ts.
 *
 * @module
 */
import type { ProviderId } from '@ssokit/core';
import type { FormOption, FormValue, RegisterKey } from './form-types.ts';

/** A preset parameter as a field. Its help defaults to the preset's description of it. */
export interface ParamSpec {
  name: string;
  label: string;
  providerName?: string;
  help?: string;
  /** An example; also what the preset is built with to show its defaults. */
  placeholder: string;
  required: boolean;
  kind?: 'text' | 'url' | 'select';
  /** A name (a host, an id), never a URL: `https://` or a path is refused. Default: `false`. */
  bare?: boolean;
  options?: readonly FormOption[];
  default?: string;
}

/** The provider's words for a common field, and the form's default where it is not the preset's. */
export interface FieldNames {
  providerName?: string;
  help?: string;
  /** The value a new connection starts with, instead of what the preset builds (Okta: no extra scope). */
  default?: FormValue;
}

/** One preset's form. */
export interface FormEntry {
  protocol: 'oidc' | 'saml';
  provider: ProviderId;
  docsName: string;
  console: string;
  docsUrl?: string;
  params: readonly ParamSpec[];
  /** By common field key (`oidc.clientId`). */
  names?: Readonly<Record<string, FieldNames>>;
  /** The values to register, in the console's order, with the provider's name for each (or `true`). */
  register: Readonly<Partial<Record<RegisterKey, string | true>>>;
  /** SAML: how metadata is given by default. Default: `'url'`. */
  metadataSource?: 'url' | 'xml';
}

/** Every value an OIDC provider may take, under ssokit's names (custom OIDC). */
export const OIDC_REGISTER = {
  redirectUri: true,
  postLogoutRedirectUri: true,
  backchannelLogoutUri: true,
  frontchannelLogoutUri: true,
} as const;
/** Every value a SAML IdP may take (custom SAML). */
export const SAML_REGISTER = { acsUrl: true, spMetadataUrl: true, sloUrl: true } as const;
/** The metadata URL parameter of the SAML presets that take one. */
export const metadataUrl = (placeholder: string, providerName?: string): ParamSpec => ({
  name: 'metadataUrl',
  label: 'Metadata URL',
  ...(providerName ? { providerName } : {}),
  placeholder,
  required: true,
  kind: 'url',
});
/** Keycloak's parameters, the same for OIDC and SAML. */
export const keycloakParams: ParamSpec[] = [
  {
    name: 'baseUrl',
    label: 'Keycloak URL',
    placeholder: 'https://sso.example.com',
    required: true,
    kind: 'url',
  },
  { name: 'realm', label: 'Realm', providerName: 'Realm name', placeholder: 'acme', required: true },
];
/** The provider's name and help for the client secret. */
export const secret = (providerName: string, help: string) => ({
  'oidc.clientSecret': { providerName, help },
});
