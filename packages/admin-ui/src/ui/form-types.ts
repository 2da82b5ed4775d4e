/**
 * The guided forms as the admin API sends them (`GET /admin/forms`): the shape of
 * `@ssokit/config`'s form descriptions, declared here because the browser bundle imports nothing from
 * the server side.
 *
 * @module
 */

export type FieldKind = 'text' | 'url' | 'secret' | 'select' | 'multiline' | 'boolean' | 'list' | 'json';
export type FieldValue = string | boolean | string[] | Record<string, unknown>;

export interface FormField {
  key: string;
  label: string;
  providerName?: string;
  help: string;
  kind: FieldKind;
  required: boolean;
  default?: FieldValue;
  defaultText?: string;
  placeholder?: string;
  pattern?: { regex: string; message: string };
  options?: { value: string; label: string }[];
  writeOnly?: true;
  upload?: { accept: string };
  multiline?: true;
  when?: { field: string; equals: string[] };
  prefill?: string;
  fixedOnEdit?: true;
  /** The connection paths the field sets. */
  paths?: string[];
}

export interface FormSection {
  id: string;
  title: string;
  help?: string;
  fields: FormField[];
}

export interface FormDescription {
  id: string;
  protocol: 'oidc' | 'saml';
  provider: string;
  label: string;
  docsName: string;
  console: string;
  docsUrl?: string;
  quirks: string[];
  register: { key: string; label: string; providerName?: string }[];
  sections: FormSection[];
}

/** `GET /admin/forms`: the forms, and the values to register (`{id}` stands for the connection id). */
export interface FormsResponse {
  forms: FormDescription[];
  register: Record<string, string>;
}

/** `GET /admin/connections/:id/form`. */
export interface ConnectionForm {
  formId: string;
  values: Record<string, FieldValue>;
  secretsSet: string[];
  updatedAt: string;
}
