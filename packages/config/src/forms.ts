/**
 * Guided connection forms: one description per preset (Keycloak, Okta, Entra ID, ... and custom OIDC
 * and SAML) that drives the admin console's create view, its edit view (form-edit.ts) and validation,
 * whose issues come back by form field.
 *
 * @module
 */
import { ConfigError, type ConfigIssue } from '@ssokit/core';
import { type ConnectionInput, importConnection } from './connection.ts';
import { coreDefault } from './form-fields.ts';
import { type CompiledForm, compiledForms, exampleParams, presetTree } from './form-registry.ts';
import type { FormDescription, FormField, FormIssue, FormValue, FormValues } from './form-types.ts';
import {
  deepMerge,
  getPath,
  isShown,
  leaves,
  sameValue,
  setPath,
  toConnectionValue,
  valueProblem,
  within,
} from './internal/form-values.ts';
import { isObject } from './internal/problems.ts';

/**
 * The guided form of every preset, in the console's order: plain JSON-ready data (fields grouped in
 * sections, with the provider's names, help, kinds, defaults and the values to register).
 *
 * @example
 * ```ts
 * import { formDescriptions } from '@ssokit/config';
 *
 * const keycloak = formDescriptions().find((form) => form.id === 'keycloak-oidc');
 * keycloak?.sections.map((section) => section.title); // ['Connection', 'Keycloak', 'Client', ...]
 * ```
 */
export function formDescriptions(): FormDescription[] {
  return [...compiledForms().values()].map((form) => form.description);
}

/** The form with this id, or a `TypeError` naming the ids there are. */
export function compiledForm(formId: string): CompiledForm {
  const form = compiledForms().get(formId);
  if (form) return form;
  throw Object.assign(
    new TypeError(`"formId" must be one of ${[...compiledForms().keys()].join(', ')}; got "${formId}".`),
    { code: 'ERR_INVALID_ARG_VALUE' },
  );
}

/**
 * Builds a connection from a form's values: the preset's `build` with the parameters given, the
 * common fields over it, the "Advanced" JSON merged in, all checked by `importConnection` (references
 * such as `${env:...}` refused, as for the admin API). A key left out takes the field's default; a
 * value equal to ssokit's default is left out of the connection, but every section is there (empty
 * when all its values are the defaults), so that a `PATCH` of the admin API, which replaces the
 * sections it is sent, resets them. The result is not saved: create or update it through
 * `sso.connections` or the admin API.
 *
 * @param formId A form's id (`keycloak-oidc`, see {@link formDescriptions}).
 * @param values The form's values by field key.
 * @returns The validated connection input.
 * @throws ConfigError with every issue, each under the key of the field it belongs to (`path` and
 *   `field`); one that no field owns keeps its connection path and has no `field`.
 *
 * @example
 * ```ts
 * import { formToConnection } from '@ssokit/config';
 *
 * const connection = formToConnection('keycloak-oidc', {
 *   name: 'Keycloak',
 *   baseUrl: 'https://sso.example.com',
 *   realm: 'acme',
 *   'oidc.clientId': 'ssokit',
 * });
 * connection.protocol === 'oidc' && connection.oidc.issuer; // 'https://sso.example.com/realms/acme'
 * ```
 */
export function formToConnection(formId: string, values: FormValues): ConnectionInput {
  const form = compiledForm(formId);
  if (!isObject(values))
    throw Object.assign(new TypeError('"values" must be an object of form values.'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  const { protocol, provider } = form.description;
  const issues: FormIssue[] = [];
  const flagged = new Set<string>();
  const flag = (key: string, message: string) => {
    issues.push({ path: key, field: key, message });
    flagged.add(key);
  };
  const known = new Set(form.fields.map((f) => f.key));
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && !known.has(key))
      issues.push({ path: key, message: `"${key}" is not a field of the ${form.description.label} form.` });

  const given = new Map<string, FormValue>();
  const required = (f: FormField) => flag(f.key, `${f.providerName ?? f.label} is required.`);
  for (const f of form.fields.filter((f) => isShown(f, values, form.fields))) {
    const value = values[f.key] ?? f.default;
    const problem =
      value === undefined ? undefined : (valueProblem(f, value) ?? placeholderProblem(f, value));
    if (problem) flag(f.key, problem);
    else if (value === undefined || isEmpty(toConnectionValue(f, value))) {
      if (f.required) required(f);
      // An empty optional value still says something: a claim mapped to nothing, no scopes.
      else if (value !== undefined) given.set(f.key, value);
    } else given.set(f.key, value);
  }

  const fromUrl =
    protocol === 'oidc' || (values.metadataSource ?? defaultOf(form, 'metadataSource')) === 'url';
  // A missing required parameter was reported; its example keeps the rest of the build going.
  const params = exampleParams(form.params);
  for (const p of form.params) {
    const value = fromUrl ? given.get(p.key) : undefined;
    if (typeof value === 'string' && value.trim() !== '') params[p.key] = value.trim();
  }
  const connection: Record<string, unknown> = {
    id: undefined,
    name: undefined,
    protocol,
    provider,
    [protocol]: {},
    ...presetTree(form.preset.build(params)),
  };
  // Given by file or by hand, the metadata URL the preset builds is not used.
  if (!fromUrl) delete (connection.saml as Record<string, unknown>).idpMetadataUrl;

  for (const f of form.fields) {
    const value = given.get(f.key);
    if (value === undefined || f.paths.length !== 1 || f.paths[0] !== f.key) continue;
    const next = toConnectionValue(f, value);
    if (next === undefined) continue;
    // ssokit's default where the preset says nothing stays implicit.
    if (getPath(connection, f.key) === undefined && sameValue(next, coreDefault(protocol, f.key))) continue;
    setPath(connection, f.key, next);
  }
  let built = connection;
  const advanced = given.get('advanced') as Record<string, unknown> | undefined;
  if (advanced) {
    const owned = form.fields
      .filter((f) => f.key !== 'advanced' && isShown(f, values, form.fields))
      // A parameter owns the address it builds; what else the preset derives (Entra's tenants) may be
      // overridden here.
      .flatMap((f) => (form.params.includes(f) ? f.paths.slice(0, 1) : f.paths));
    const taken = leaves(advanced)
      .map(([path]) => path)
      .filter((path) => path === 'protocol' || owned.some((p) => within(path, p) || within(p, path)));
    if (taken.length > 0)
      flag('advanced', `${taken.join(', ')}: set by the form's own fields; remove from Advanced.`);
    else built = deepMerge(connection, advanced);
  }
  // Every section is sent, empty or not: a PATCH replaces a section whole, so a value set back to its
  // default must not leave the stored section as it was.
  for (const section of ['claimMapping', 'provisioning', 'groupSync'])
    if (!isObject(built[section])) built[section] = {};

  let result: ConnectionInput | undefined;
  try {
    result = importConnection(built, { allowReferences: false }).connection;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...mapIssues(form, values, error.issues, flagged));
  }
  if (issues.length > 0 || !result) throw new ConfigError(issues);
  return result;
}

/**
 * The issues of a connection built from a form (a later check's, such as the server's outbound rule),
 * each under the key of the field it belongs to; one that no field owns keeps its path.
 *
 * @example
 * ```ts
 * import { formIssues } from '@ssokit/config';
 *
 * formIssues('okta-oidc', { domain: 'okta.internal' }, [{ path: 'oidc.issuer', message: 'private' }]);
 * // [{ path: 'domain', field: 'domain', message: 'private' }]
 * ```
 */
export function formIssues(formId: string, values: FormValues, issues: readonly ConfigIssue[]): FormIssue[] {
  return mapIssues(compiledForm(formId), values, issues, new Set());
}

function mapIssues(
  form: CompiledForm,
  values: FormValues,
  issues: readonly ConfigIssue[],
  flagged: ReadonlySet<string>,
): FormIssue[] {
  const shown = form.fields.filter((f) => isShown(f, values, form.fields));
  const advanced = isObject(values.advanced) ? leaves(values.advanced).map(([path]) => path) : [];
  const out: FormIssue[] = [];
  for (const issue of issues) {
    // A missing key is reported on its parent ('"clientId" is required in "oidc"').
    const missing = /^"([^"]+)" is required in/.exec(issue.message)?.[1];
    const path = missing ? (issue.path ? `${issue.path}.${missing}` : missing) : issue.path;
    const field =
      owner(shown, path) ??
      (advanced.some((p) => within(p, path) || within(path, p)) ? 'advanced' : undefined);
    if (field && flagged.has(field)) continue;
    // A section's issue about a field already reported ("give the IdP metadata") says it again.
    if (!field && shown.some((f) => flagged.has(f.key) && f.paths.some((p) => within(p, path)))) continue;
    const target = field === undefined ? undefined : shown.find((f) => f.key === field);
    const mapped: FormIssue = field
      ? { path: field, field, message: target ? humanize(target, issue.message) : issue.message }
      : { path: issue.path, message: issue.message };
    if (!out.some((o) => o.path === mapped.path && o.message === mapped.message)) out.push(mapped);
  }
  return out;
}

/** What a value that failed a schema pattern should look like, by field. */
const PATTERN_HELP: Readonly<Record<string, string>> = {
  'provisioning.emailDomains': 'use domain names like example.com or *.example.com.',
  'oidc.clientSecretExpiresAt': 'use a date like 2027-06-30.',
};

/**
 * A schema issue in the words of the form: the field's label instead of the connection's key
 * (`"clientId" must be a string` → `Client ID must be a string`), and what a value that failed a pattern
 * should look like instead of the pattern. The Advanced JSON keeps the keys it is written with.
 */
function humanize(field: FormField, message: string): string {
  if (field.key === 'advanced') return message;
  if (/ must match pattern /.test(message))
    return `${field.label}: ${
      PATTERN_HELP[field.key] ??
      (field.pattern?.message ||
        (field.placeholder
          ? `use a value like ${field.placeholder}.`
          : 'this value is not in the expected form.'))
    }`;
  const subject = /^"([^"]+)"(?= )/.exec(message)?.[1];
  const key = field.key.split('.').pop();
  // The key itself, or an item of a list field (`"0" must be ...`).
  if (subject !== undefined && (subject === key || /^\d+$/.test(subject)))
    return `${field.label}${message.slice(subject.length + 2)}`;
  return message;
}

/**
 * `{id}` left in a value: the console shows the values to register with `{id}` standing for a
 * connection id not chosen yet, and a value copied from there before the id was typed still holds it.
 */
function placeholderProblem(field: FormField, value: FormValue): string | undefined {
  const strings =
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value
        : isObject(value)
          ? leaves(value).map(([, leaf]) => leaf)
          : [];
  return strings.some((s) => typeof s === 'string' && s.includes('{id}'))
    ? `${field.label} still contains “{id}”: replace it with the connection ID.`
    : undefined;
}

/** The field whose path holds `path` most closely (the first one for a shared path: the issuer's). */
function owner(fields: readonly FormField[], path: string): string | undefined {
  let best: { key: string; length: number } | undefined;
  for (const f of fields)
    for (const p of f.paths)
      if (within(path, p) && (!best || p.length > best.length)) best = { key: f.key, length: p.length };
  return best?.key;
}

function defaultOf(form: CompiledForm, key: string): FormValue | undefined {
  return form.fields.find((f) => f.key === key)?.default;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}
