/**
 * The shape of a guided connection form: plain, JSON-serialisable data that the server sends to the
 * admin console, which renders the create and edit views from it. `formToConnection` and
 * `connectionToForm` read the same descriptions, so a new preset is one entry (form-entries.ts).
 *
 * @module
 */
import type { ConfigIssue, ProviderId } from '@ssokit/core';

/**
 * How a field is edited and what its value is:
 * - `text`, `url`, `secret`, `select`, `multiline`: a string (`select`: one of `options`);
 * - `boolean`: `true` or `false`;
 * - `list`: a list of strings (one per line in a text box);
 * - `json`: an object (the "Advanced" JSON of what the form does not cover).
 */
export type FormFieldKind = 'text' | 'url' | 'secret' | 'select' | 'multiline' | 'boolean' | 'list' | 'json';

/** A field's value in a form: see {@link FormFieldKind}. */
export type FormValue = string | boolean | readonly string[] | { readonly [key: string]: unknown };

/** A form's values by field key. A key left out takes the field's default. */
export type FormValues = Readonly<Record<string, FormValue | undefined>>;

/** The sections of every form, in this order. */
export type FormSectionId =
  | 'connection'
  | 'provider'
  | 'client'
  | 'claims'
  | 'provisioning'
  | 'groupSync'
  | 'advanced';

/** A value the admin registers at the identity provider (the server answers it: `GET /admin/forms`). */
export type RegisterKey =
  | 'redirectUri'
  | 'postLogoutRedirectUri'
  | 'backchannelLogoutUri'
  | 'frontchannelLogoutUri'
  | 'acsUrl'
  | 'spMetadataUrl'
  | 'sloUrl';

/** One choice of a `select` field. */
export interface FormOption {
  value: string;
  label: string;
}

/** One field of a form. */
export interface FormField {
  /**
   * The key of the field in the form's values: the connection path it sets (`oidc.clientId`,
   * `claimMapping.groups`) for the fields every form has, or the preset parameter's name (`realm`,
   * `tenant`) for the provider's own settings. Issues come back under this key.
   */
  key: string;
  /** ssokit's name for the field. */
  label: string;
  /** What the provider's console calls it, where that differs (Entra: "Application (client) ID"). */
  providerName?: string;
  /** Short help: what to copy from where. */
  help: string;
  kind: FormFieldKind;
  /** Whether the form refuses to build without it (only when the field is shown, see `when`). */
  required: boolean;
  /** The value of a new connection, shown to the admin: the preset's, else ssokit's default. */
  default?: FormValue;
  /** What leaving the field empty means, when that is no single value ("automatic", "none"). */
  defaultText?: string;
  /** An example value. */
  placeholder?: string;
  /** A check of a text value the console can run as the admin types (a host name without https://). */
  pattern?: { regex: string; message: string };
  /** The choices of a `select`. */
  options?: readonly FormOption[];
  /** Secrets: never prefilled nor returned; left empty on edit, the stored value is kept. */
  writeOnly?: true;
  /** A `secret` or `multiline` field may be filled from a file of these types (`.xml`, `.pem`). */
  upload?: { accept: string };
  /** A multi-line secret (a PEM private key). */
  multiline?: true;
  /** The connection paths the field sets: issues about them are shown beside it. */
  paths: readonly string[];
  /** Shown (and required) only when another field (`metadataSource`) has one of these values. */
  when?: { field: string; equals: readonly string[] };
  /**
   * A value the console may offer as this field's value: the registered value of this key
   * (`spMetadataUrl`: the SP entity ID is by convention the SP metadata URL).
   */
  prefill?: RegisterKey;
  /** Set on create, fixed afterwards (the connection id). */
  fixedOnEdit?: true;
}

/** A group of fields. */
export interface FormSection {
  id: FormSectionId;
  title: string;
  help?: string;
  fields: readonly FormField[];
}

/** A value to register at the identity provider, with the provider's name for where it goes. */
export interface FormRegisterValue {
  key: RegisterKey;
  label: string;
  providerName?: string;
}

/** How SAML metadata can be given: from a URL, an uploaded file, pasted XML, or typed in by hand. */
export type MetadataMode = 'url' | 'upload' | 'paste' | 'manual';

/** The guided form of one preset. */
export interface FormDescription {
  /** `<provider>-<protocol>`: `keycloak-oidc`, `custom-saml`. */
  id: string;
  protocol: 'oidc' | 'saml';
  provider: ProviderId;
  /** The preset's label (`Microsoft Entra ID`). */
  label: string;
  /** The product's name in its own documentation (`Amazon Cognito user pools`). */
  docsName: string;
  /** Where the admin registers the app (`Microsoft Entra admin center`). */
  console: string;
  /** The vendor's page about it, when known. */
  docsUrl?: string;
  /** What trips people up with this provider (the preset's quirks). */
  quirks: readonly string[];
  /**
   * SAML: the ways metadata can be given. `upload` and `paste` both fill `saml.idpMetadataXml`
   * (`metadataSource: 'xml'`); `url` shows the preset's URL fields; `manual` the IdP's entity ID, SSO
   * URL and certificates.
   */
  metadataModes?: readonly MetadataMode[];
  /** The values to register at the provider, in the order its console asks for them. */
  register: readonly FormRegisterValue[];
  sections: readonly FormSection[];
}

/**
 * An issue of a form: `path` and `field` are the key of the field it belongs to, so the console shows
 * it once, beside that field. An issue no field owns has no `field` and keeps its connection path.
 */
export interface FormIssue extends ConfigIssue {
  field?: string;
}

/** A stored connection as its form: what the edit view starts from. */
export interface ConnectionForm {
  formId: string;
  /** Every shown field's value (the stored one, else the effective default); secrets never. */
  values: Record<string, FormValue>;
  /** The keys of the secret fields that have a stored value (`oidc.clientSecret`). */
  secretsSet: string[];
}
