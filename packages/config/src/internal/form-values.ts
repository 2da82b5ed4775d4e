/**
 * Form values to connection values and back, and the dotted paths both sides share.
 */
import type { FormField, FormValue, FormValues } from '../form-types.ts';
import { isObject } from './problems.ts';

type Tree = Record<string, unknown>;

export function getPath(tree: unknown, path: string): unknown {
  let node = tree;
  for (const part of path.split('.')) node = isObject(node) ? node[part] : undefined;
  return node;
}

export function setPath(tree: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(node[part])) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Every leaf of a tree with its dotted path: arrays, scalars and empty objects are leaves. */
export function leaves(tree: unknown, prefix = ''): [string, unknown][] {
  if (!isObject(tree) || (Object.keys(tree).length === 0 && prefix !== '')) return [[prefix, tree]];
  return Object.entries(tree).flatMap(([key, value]) =>
    value === undefined ? [] : leaves(value, prefix ? `${prefix}.${key}` : key),
  );
}

/** Whether `path` is `base` or lies under it (`claimMapping.groups[0]` under `claimMapping.groups`). */
export function within(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}.`) || path.startsWith(`${base}[`);
}

/** A copy of `a` with `b` merged in: objects merged key by key, anything else replaced. */
export function deepMerge(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [key, value] of Object.entries(b))
    out[key] = isObject(value) && isObject(out[key]) ? deepMerge(out[key] as Tree, value) : value;
  return out;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stable(value[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const isClaim = (field: FormField) => field.key.startsWith('claimMapping.');
const isCertificates = (field: FormField) => field.key === 'saml.idp.certificates';

/** Why a value does not fit its field (a sentence naming it), or `undefined` when it does. */
export function valueProblem(field: FormField, value: FormValue): string | undefined {
  const must = (what: string) => `${field.label} must be ${what}.`;
  switch (field.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : must('true or false');
    case 'list':
      return Array.isArray(value) && value.every((item) => typeof item === 'string')
        ? undefined
        : must('a list of strings');
    case 'json':
      return isObject(value) ? undefined : must('a JSON object');
    case 'select':
      if (typeof value !== 'string') return must('a string');
      return field.options?.some((option) => option.value === value)
        ? undefined
        : must(`one of: ${(field.options ?? []).map((option) => option.value).join(', ')}`);
    default:
      if (typeof value !== 'string') return must('a string');
      return field.pattern && value.trim() !== '' && !new RegExp(field.pattern.regex).test(value.trim())
        ? `${field.label}: ${field.pattern.message}`
        : undefined;
  }
}

/** A form value as the connection holds it; `undefined` for an empty optional value (left out). */
export function toConnectionValue(field: FormField, value: FormValue): unknown {
  if (field.kind === 'boolean' || field.kind === 'json') return value;
  if (field.kind === 'list') {
    const items = (value as readonly string[]).map((item) => item.trim()).filter(Boolean);
    // A claim path: '' is "not mapped", one path is a string, several are tried in order.
    if (isClaim(field)) return items.length === 0 ? '' : items.length === 1 ? items[0] : items;
    return items;
  }
  const text = value as string;
  if (isCertificates(field)) {
    const pem = text.match(CERTIFICATE);
    const items = pem ?? text.split(/\n\s*\n/);
    return items.map((item) => item.trim()).filter(Boolean);
  }
  if (field.kind === 'secret' || field.kind === 'multiline') return text.trim() === '' ? undefined : text;
  return text.trim() === '' ? undefined : text.trim();
}

/** A connection value as its form field shows it. */
export function toFormValue(field: FormField, value: unknown): FormValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (field.kind === 'list') {
    if (typeof value === 'string') return value === '' ? [] : [value];
    return Array.isArray(value) ? value.map(String) : undefined;
  }
  if (isCertificates(field)) return Array.isArray(value) ? value.map(String).join('\n\n') : undefined;
  if (field.kind === 'boolean') return typeof value === 'boolean' ? value : undefined;
  if (field.kind === 'json') return isObject(value) ? value : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Whether a field is shown with these values (its `when` condition holds). */
export function isShown(field: FormField, values: FormValues, fields: readonly FormField[]): boolean {
  if (!field.when) return true;
  const { field: key, equals } = field.when;
  const current = values[key] ?? fields.find((f) => f.key === key)?.default;
  return typeof current === 'string' && equals.includes(current);
}
