/**
 * A stored connection as its guided form, for the edit view: the preset recognised from `provider`
 * and the protocol, its parameters read back from the issuer or metadata URL, every shown field's
 * value, secrets never, and what the form does not cover kept in its "Advanced" JSON.
 *
 * @module
 */
import type { Connection } from '@ssokit/core';
import { type ConnectionInput, secretFields } from './connection.ts';
import { coreDefault } from './form-fields.ts';
import { type CompiledForm, compiledForms, presetTree } from './form-registry.ts';
import type { ConnectionForm, FormValue } from './form-types.ts';
import { getPath, isShown, leaves, sameValue, setPath, toFormValue, within } from './internal/form-values.ts';
import { isObject } from './internal/problems.ts';

/** Top-level fields that are the connection's identity or bookkeeping, not settings. */
const NOT_SETTINGS = ['protocol', 'createdAt', 'updatedAt', 'secretsSet', 'sources'];

/**
 * The form of a connection, for the edit view: the form of its `provider` and protocol, with the
 * preset's parameters derived from the issuer or metadata URL (Keycloak's base URL and realm, Okta's
 * domain and authorization server, Entra's tenant, Cognito's region and user pool, ...); when they
 * cannot be, the custom form of the protocol, with `provider` kept in "Advanced". Every shown field
 * has a value (the stored one, else the default that applies); secrets never do: `secretsSet` lists
 * those with a stored value. `formToConnection(formId, values)` gives the connection back.
 *
 * @example
 * ```ts
 * import { connectionToForm } from '@ssokit/config';
 *
 * const { formId, values, secretsSet } = connectionToForm(await sso.connections.get('okta') as never);
 * // 'okta-oidc', { domain: 'acme.okta.com', authorizationServer: 'default', ... }, ['oidc.clientSecret']
 * ```
 */
export function connectionToForm(connection: Connection | ConnectionInput): ConnectionForm {
  const data = JSON.parse(JSON.stringify(connection)) as Record<string, unknown>;
  const protocol = data.protocol;
  if (protocol !== 'oidc' && protocol !== 'saml')
    throw Object.assign(new TypeError('"connection.protocol" must be "oidc" or "saml".'), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  const saml = isObject(data.saml) ? data.saml : {};
  const mode =
    protocol === 'oidc'
      ? 'url'
      : saml.idpMetadataXml !== undefined
        ? 'xml'
        : saml.idpMetadataUrl === undefined && saml.idp !== undefined
          ? 'manual'
          : 'url';
  const forms = compiledForms();
  let form = forms.get(`${String(data.provider)}-${protocol}`);
  let params = form && paramsOf(form, data, mode);
  if (!form || !params) {
    form = forms.get(`custom-${protocol}`) as CompiledForm;
    params = paramsOf(form, data, mode) ?? {};
  }

  const values: Record<string, FormValue> = protocol === 'saml' ? { metadataSource: mode } : {};
  const shown = form.fields.filter((f) => isShown(f, values, form.fields));
  const secretsSet: string[] = [];
  const consumed = new Set<string>(secretFields);
  if (data.oidc !== undefined && getPath(data, 'oidc.verifySignature') === true)
    consumed.add('oidc.verifySignature');
  if (data.provider === form.description.provider) consumed.add('provider');
  for (const f of shown) {
    if (f.key === 'advanced') continue;
    if (form.params.includes(f)) {
      if (params[f.key] !== undefined) values[f.key] = params[f.key] as string;
      continue;
    }
    for (const path of f.paths) consumed.add(path);
    const stored = getPath(data, f.key);
    if (f.writeOnly) {
      if (stored !== undefined && stored !== '') secretsSet.push(f.key);
      continue;
    }
    const value = toFormValue(f, stored ?? coreDefault(protocol, f.key));
    if (value !== undefined) values[f.key] = value;
  }
  // What the preset builds from the parameters (the issuer, Entra's tenants) is theirs when it matches.
  if (mode === 'url')
    for (const [path, built] of leaves(presetTree(form.preset.build(params))))
      if (sameValue(getPath(data, path), built)) consumed.add(path);

  const advanced: Record<string, unknown> = {};
  for (const [path, value] of leaves(data)) {
    if (NOT_SETTINGS.some((key) => within(path, key))) continue;
    if ([...consumed].some((c) => within(path, c) || within(c, path))) continue;
    setPath(advanced, path, value);
  }
  values.advanced = advanced;
  return { formId: form.description.id, values, secretsSet };
}

/**
 * The preset parameters that build the connection's issuer or metadata URL, or `undefined` when no
 * set of them does. Each candidate is found by building the preset with marker values and matching
 * the stored URL against the result, then confirmed by building it again.
 */
function paramsOf(
  form: CompiledForm,
  data: Record<string, unknown>,
  mode: string,
): Record<string, string> | undefined {
  if (mode !== 'url') return {};
  const target = getPath(data, form.addressPath);
  if (typeof target !== 'string') return undefined;
  const optional = form.params.filter((p) => !p.required);
  // Every subset of the optional parameters, the largest first.
  const subsets = [...Array(2 ** optional.length).keys()]
    .map((bits) => optional.filter((_, i) => bits & (1 << i)))
    .sort((a, b) => b.length - a.length);
  for (const subset of subsets) {
    const names = form.params.filter((p) => p.required || subset.includes(p)).map((p) => p.key);
    const markers = Object.fromEntries(names.map((name, i) => [name, `ssokitparam${i}x`]));
    let template: unknown;
    try {
      template = getPath(presetTree(form.preset.build(markers)), form.addressPath);
    } catch {
      continue;
    }
    if (typeof template !== 'string') continue;
    let pattern = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const order: string[] = [];
    pattern = pattern.replace(/ssokitparam(\d+)x/g, (_, i: string) => {
      order.push(names[Number(i)] as string);
      return '(.+?)';
    });
    const match = new RegExp(`^${pattern}$`).exec(target);
    if (!match) continue;
    for (const decode of [true, false]) {
      const params: Record<string, string> = {};
      order.forEach((name, i) => {
        const raw = match[i + 1] as string;
        params[name] = decode ? safeDecode(raw) : raw;
      });
      if (!optionsAllow(form, params)) continue;
      try {
        if (getPath(presetTree(form.preset.build(params)), form.addressPath) === target) return params;
      } catch {
        // not this candidate
      }
    }
  }
  return undefined;
}

function optionsAllow(form: CompiledForm, params: Record<string, string>): boolean {
  return form.params.every(
    (p) => !p.options || params[p.key] === undefined || p.options.some((o) => o.value === params[p.key]),
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
