/**
 * The form descriptions, made once from the entries (form-entries-*.ts), the presets and the common
 * fields: what `GET /admin/forms` sends, and what building and editing read.
 *
 * @module
 */
import type { Protocol } from '@ssokit/core';
import { oidcFormEntries as oidcEntries } from './form-entries-oidc.ts';
import { samlFormEntries as samlEntries } from './form-entries-saml.ts';
import type { FormEntry, ParamSpec } from './form-entry.ts';
import { advancedFields, clientFields, connectionFields, coreDefault } from './form-fields.ts';
import { claimFields, groupSyncFields, provisioningFields } from './form-fields-mapping.ts';
import type { FormDescription, FormField, FormSection, RegisterKey } from './form-types.ts';
import { getPath, leaves, toFormValue } from './internal/form-values.ts';
import { type Preset, type PresetResult, presets } from './presets.ts';

/** A form with what building and editing need besides its description. */
export interface CompiledForm {
  description: FormDescription;
  preset: Preset<Record<string, string | undefined>>;
  /** Every field, section after section. */
  fields: readonly FormField[];
  /** The preset parameters' fields. */
  params: readonly FormField[];
  /** The path the preset builds from its parameters: the issuer or the metadata URL. */
  addressPath: 'oidc.issuer' | 'saml.idpMetadataUrl';
}

/** The order of the console's list: the issue's, OIDC before SAML. */
const PROVIDERS = [
  'keycloak',
  'okta',
  'entra',
  'cognito',
  'auth0',
  'ping',
  'google',
  'adfs',
  'onelogin',
  'duo',
  'jumpcloud',
  'custom',
];

const REGISTER_LABELS: Record<RegisterKey, string> = {
  redirectUri: 'Redirect URI',
  postLogoutRedirectUri: 'Post-logout redirect URI',
  backchannelLogoutUri: 'Back-channel logout URI',
  frontchannelLogoutUri: 'Front-channel logout URI',
  acsUrl: 'Assertion Consumer Service (ACS) URL',
  spMetadataUrl: 'SP metadata URL',
  sloUrl: 'Single logout URL',
};

const SECTION_TITLES = {
  client: { oidc: 'Client', saml: 'Service provider' },
  claims: { oidc: 'Claim mapping', saml: 'Attribute mapping' },
} as const;

const BARE = {
  regex: '^[^\\s/:?#@]+$',
  message: 'copy the value alone, without https:// or a path.',
};

let compiled: Map<string, CompiledForm> | undefined;

/** Every form by id, in the console's order. */
export function compiledForms(): Map<string, CompiledForm> {
  if (!compiled) {
    const entries = [...oidcEntries, ...samlEntries].sort(
      (a, b) =>
        PROVIDERS.indexOf(a.provider) - PROVIDERS.indexOf(b.provider) ||
        (a.protocol === 'oidc' ? -1 : 1) - (b.protocol === 'oidc' ? -1 : 1),
    );
    compiled = new Map(entries.map((entry) => [`${entry.provider}-${entry.protocol}`, compile(entry)]));
  }
  return compiled;
}

/** The preset behind a form entry (the tests check that every entry has one). */
export function presetOf(protocol: Protocol, provider: string): CompiledForm['preset'] | undefined {
  return (presets[protocol] as Record<string, CompiledForm['preset']>)[provider];
}

/** The preset parameters a form is built with when the admin has not given them (SAML by file). */
export function exampleParams(params: readonly FormField[]): Record<string, string> {
  return Object.fromEntries(
    params.filter((p) => p.required).map((p) => [p.key, String(p.default ?? p.placeholder)]),
  );
}

/** A preset's result as connection sections (what a connection can hold of it). */
export function presetTree(result: PresetResult): Record<string, unknown> {
  return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
}

function compile(entry: FormEntry): CompiledForm {
  const { protocol } = entry;
  const preset = presetOf(protocol, entry.provider);
  if (!preset) throw new TypeError(`No ${protocol} preset "${entry.provider}" for its form.`);
  const addressPath = protocol === 'oidc' ? 'oidc.issuer' : 'saml.idpMetadataUrl';
  const urlOnly = protocol === 'saml' ? { when: { field: 'metadataSource', equals: ['url'] } } : {};
  const params = entry.params.map((spec) => paramField(spec, preset, addressPath, urlOnly));
  const contribution = presetTree(preset.build(exampleParams(params)));
  // What the preset builds besides the fields' own paths (Entra's tenants) comes from the parameters.
  const commonPaths = new Set<string>();
  const common = (fields: FormField[]) =>
    fields.map((f) => {
      commonPaths.add(f.key);
      const names = entry.names?.[f.key] ?? {};
      const fallback = f.kind === 'secret' || f.paths.length !== 1 ? undefined : coreDefault(protocol, f.key);
      const value = toFormValue(f, getPath(contribution, f.key) ?? fallback);
      const keep = value === undefined || f.default !== undefined || names.default !== undefined;
      return { ...f, ...names, ...(keep ? {} : { default: value }) };
    });
  const sections: FormSection[] = [
    { id: 'connection', title: 'Connection', fields: common(connectionFields(preset.label)) },
    {
      id: 'provider',
      title: entry.docsName,
      help: `From the ${entry.console}.`,
      fields: protocol === 'saml' ? metadataFields(entry, params) : params,
    },
    { id: 'client', title: SECTION_TITLES.client[protocol], fields: common(clientFields(protocol)) },
    {
      id: 'claims',
      title: SECTION_TITLES.claims[protocol],
      help: 'Where each profile field is read: a claim path (dotted for nested values), several tried in order; empty means not mapped.',
      fields: common(claimFields(protocol)),
    },
    { id: 'provisioning', title: 'Provisioning', fields: common(provisioningFields()) },
    { id: 'groupSync', title: 'Group sync', fields: common(groupSyncFields()) },
    { id: 'advanced', title: 'Advanced', fields: common(advancedFields(protocol)) },
  ];
  const fed = leaves(contribution)
    .map(([path]) => path)
    .filter((path) => !commonPaths.has(path));
  for (const param of params) (param.paths as string[]).push(...fed.filter((path) => path !== addressPath));
  const description: FormDescription = {
    id: `${entry.provider}-${protocol}`,
    protocol,
    provider: entry.provider,
    label: preset.label,
    docsName: entry.docsName,
    console: entry.console,
    ...(entry.docsUrl ? { docsUrl: entry.docsUrl } : {}),
    quirks: preset.quirks,
    ...(protocol === 'saml' ? { metadataModes: ['url', 'upload', 'paste', 'manual'] as const } : {}),
    register: Object.entries(entry.register).map(([key, name]) => ({
      key: key as RegisterKey,
      label: REGISTER_LABELS[key as RegisterKey],
      ...(typeof name === 'string' ? { providerName: name } : {}),
    })),
    sections,
  };
  return {
    description,
    preset,
    fields: sections.flatMap((section) => section.fields),
    params,
    addressPath,
  };
}

function paramField(
  spec: ParamSpec,
  preset: CompiledForm['preset'],
  addressPath: string,
  urlOnly: Partial<FormField>,
): FormField {
  return {
    key: spec.name,
    label: spec.label,
    ...(spec.providerName ? { providerName: spec.providerName } : {}),
    help: spec.help ?? preset.parameters[spec.name] ?? '',
    kind: spec.kind ?? 'text',
    required: spec.required,
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    placeholder: spec.placeholder,
    ...(spec.options ? { options: spec.options } : {}),
    ...(spec.bare ? { pattern: BARE } : {}),
    paths: [addressPath],
    ...urlOnly,
  };
}

/** A SAML form's provider section: how the metadata is given, and the fields of each way. */
function metadataFields(entry: FormEntry, params: FormField[]): FormField[] {
  const mode = (...equals: string[]) => ({ when: { field: 'metadataSource', equals } });
  const manual = (key: string, label: string, help: string, extra: Partial<FormField> = {}): FormField => ({
    key: `saml.idp.${key}`,
    label,
    help,
    kind: 'text',
    required: true,
    paths: [`saml.idp.${key}`],
    ...mode('manual'),
    ...extra,
  });
  return [
    {
      key: 'metadataSource',
      label: 'IdP metadata',
      help: `How to give the ${entry.docsName} metadata: its URL (refreshed), the file (uploaded or pasted), or its values typed in.`,
      kind: 'select',
      required: true,
      default: entry.metadataSource ?? 'url',
      options: [
        { value: 'url', label: 'Metadata URL' },
        { value: 'xml', label: 'Metadata file (upload or paste)' },
        { value: 'manual', label: 'Entity ID, SSO URL and certificate' },
      ],
      paths: [],
    },
    ...params,
    {
      key: 'saml.idpMetadataXml',
      label: 'Metadata XML',
      help: `The metadata file downloaded from the ${entry.console}: upload it or paste its text.`,
      kind: 'multiline',
      required: true,
      upload: { accept: '.xml,application/samlmetadata+xml,text/xml' },
      paths: ['saml.idpMetadataXml'],
      ...mode('xml'),
    },
    manual('entityId', 'IdP entity ID', "The IdP's entityID (its issuer)."),
    manual('ssoUrl', 'SSO URL', "The IdP's single sign-on service URL.", { kind: 'url' }),
    manual('sloUrl', 'SLO URL', "The IdP's single logout service URL.", { kind: 'url', required: false }),
    manual(
      'certificates',
      'Signing certificates',
      "The IdP's signing certificates (PEM); several during a rotation.",
      { kind: 'multiline', upload: { accept: '.pem,.crt,.cer' } },
    ),
  ];
}
