/**
 * Generates docs/reference/configuration.md from the JSON Schemas `@ssokit/config` publishes (the
 * `./schemas/*.json` subpaths of its exports map), one section per schema and one entry per field:
 * its path, type, whether it is required, its default, its allowed values and its description.
 *
 * The schemas give the structure, the types and the allowed values. A field's description is the
 * JSDoc of the same property of the TypeScript type the schema describes (`SCHEMA_TYPES`: the
 * connection schema is `Connection` of `@ssokit/core`; where the schema has a description too, the
 * JSDoc is the fuller one), else the schema's own `description`. The default is the schema's `default`, else the "Default: ..." sentence
 * of that text; a claim mapping's default is core's `defaultOidcClaimMapping` /
 * `defaultSamlClaimMapping`.
 *
 * Usage: `node --conditions=dev-source tools/docs-config-reference.ts` writes the file; `--check` exits 1
 * when the committed one is not what the schemas generate (tools/docs-config-reference.test.ts too).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultOidcClaimMapping, defaultSamlClaimMapping } from '@ssokit/core';
import { type FieldDocs, typeDocs } from './docs-config-types.ts';
import { githubSlug } from './docs-links.ts';

/** A JSON Schema node, as far as the generator reads it. */
export interface SchemaNode {
  $id?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: Array<{ if?: SchemaNode; then?: SchemaNode }>;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  uniqueItems?: boolean;
}

/** One documented field. */
export interface Field {
  /** Dotted path; `[]` stands for each item of a list (`globalRoleDefs[].name`). */
  path: string;
  type: string;
  required: string;
  default?: string;
  allowed: string[];
  description?: string;
}

/** The TypeScript type each schema describes, for descriptions the schema leaves out. */
export const SCHEMA_TYPES: Readonly<Record<string, { module: string; type: string }>> = {
  'connection.schema.json': { module: '@ssokit/core', type: 'Connection' },
};

const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

/** The type of a schema node, in TypeScript-like words (`string`, `string[]`, `"any" or string[]`). */
export function typeOf(node: SchemaNode): string {
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeOf))].join(' or ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum) return [...new Set(node.enum.map((v) => (v === null ? 'null' : typeof v)))].join(' or ');
  if (node.type === 'array') return `${node.items ? wrap(typeOf(node.items)) : 'unknown'}[]`;
  if (node.type === 'object' && !node.properties && typeof node.additionalProperties === 'object')
    return `object (name → ${typeOf(node.additionalProperties)})`;
  if (Array.isArray(node.type)) return node.type.join(' or ');
  return node.type ?? 'any';
}

function wrap(type: string): string {
  return type.includes(' ') ? `(${type})` : type;
}

/** The values and limits a node allows, one phrase each. */
export function allowedOf(node: SchemaNode): string[] {
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) return alternatives.flatMap(allowedOf);
  const allowed: string[] = [];
  if (node.enum) allowed.push(node.enum.map(code).join(', '));
  if (node.const !== undefined) allowed.push(code(node.const));
  if (node.pattern) allowed.push(`matching ${code(node.pattern)}`);
  if (node.minLength === 1) allowed.push('not empty');
  else if (node.minLength !== undefined) allowed.push(`at least ${node.minLength} characters`);
  if (node.minimum !== undefined && node.maximum !== undefined)
    allowed.push(`from ${node.minimum} to ${node.maximum}`);
  else if (node.minimum !== undefined) allowed.push(`at least ${node.minimum}`);
  else if (node.maximum !== undefined) allowed.push(`at most ${node.maximum}`);
  if (node.minItems !== undefined)
    allowed.push(`at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}`);
  if (node.uniqueItems) allowed.push('no repeated items');
  if (node.type === 'array' && node.items && node.items.type !== 'object')
    for (const each of allowedOf(node.items)) allowed.push(`each item: ${each}`);
  return allowed;
}

/**
 * Every field of a schema, depth first in the schema's order, described by the JSDoc of `types` (by
 * path) or else by the schema.
 */
export function fieldsOf(schema: SchemaNode, types: FieldDocs = new Map()): Field[] {
  const fields: Field[] = [];
  const conditional = conditionalRequired(schema);
  const visit = (node: SchemaNode, prefix: string) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      const jsdoc = types.get(path.replaceAll('[]', ''));
      // The type's JSDoc is the fuller text where both have one; the schema's serves where it has none.
      const fromType = jsdoc ? splitDefault(jsdoc) : undefined;
      const fromSchema = child.description ? splitDefault(child.description) : undefined;
      const description = fromType?.text || fromSchema?.text;
      const byDefault =
        child.default !== undefined
          ? code(child.default)
          : (fromType?.default ?? fromSchema?.default ?? claimMappingDefault(path));
      const required = node.required?.includes(name) ? 'yes' : (conditional.get(path) ?? 'no');
      fields.push({
        path,
        type: typeOf(child),
        required,
        ...(byDefault ? { default: byDefault } : {}),
        allowed: allowedOf(child),
        ...(description ? { description } : {}),
      });
      if (child.properties) visit(child, path);
      if (child.items?.properties) visit(child.items, `${path}[]`);
    }
  };
  visit(schema, '');
  return fields;
}

/** `allOf: [{ if: { properties: { protocol: { const: 'oidc' } } }, then: { required: ['oidc'] } }]`. */
function conditionalRequired(schema: SchemaNode): Map<string, string> {
  const found = new Map<string, string>();
  for (const rule of schema.allOf ?? []) {
    const conditions = Object.entries(rule.if?.properties ?? {}).filter(([, v]) => v.const !== undefined);
    for (const name of rule.then?.required ?? [])
      found.set(name, `when ${conditions.map(([k, v]) => `${code(k)} is ${code(v.const)}`).join(' and ')}`);
  }
  return found;
}

/** A description and its "Default: ..." sentence, apart. */
export function splitDefault(description: string): { text: string; default?: string } {
  const match = /(?:^|(?<=[.:]\s+))Default(?::| is)\s+([\s\S]*?)\.(?=\s+[-A-Z(`'"]|\s*$)/.exec(description);
  if (!match) return { text: description.trim() };
  const text = `${description.slice(0, match.index)}${description.slice(match.index + match[0].length)}`;
  return {
    text: text
      .replace(/[ \t]+(?=\n|$)/g, '')
      .replace(/ {2,}/g, ' ')
      .trim(),
    default: match[1]?.replace(/\s+/g, ' ').trim(),
  };
}

function claimMappingDefault(path: string): string | undefined {
  const key = /^claimMapping\.(\w+)$/.exec(path)?.[1] as keyof typeof defaultOidcClaimMapping | undefined;
  if (!key || !(key in defaultOidcClaimMapping)) return undefined;
  // A list is tried in order: the first path present wins.
  const show = (value: string | readonly string[]) =>
    value === '' ? 'not mapped' : typeof value === 'string' ? code(value) : value.map(code).join(', then ');
  return `OIDC: ${show(defaultOidcClaimMapping[key])}; SAML: ${show(defaultSamlClaimMapping[key])}`;
}

/** The schemas `@ssokit/config` publishes: file name → schema, in exports-map order. */
export function publishedSchemas(root: string): Map<string, SchemaNode> {
  const dir = join(root, 'packages/config');
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const schemas = new Map<string, SchemaNode>();
  for (const [subpath, target] of Object.entries(manifest.exports))
    if (subpath.startsWith('./schemas/') && typeof target === 'string')
      schemas.set(subpath.slice('./schemas/'.length), JSON.parse(readFileSync(join(dir, target), 'utf8')));
  return schemas;
}

/** The markdown of one field. */
function renderField(field: Field): string {
  const facts = [
    `- Type: ${code(field.type)}`,
    `- Required: ${field.required}`,
    ...(field.required === 'yes' ? [] : [`- Default: ${field.default ?? 'unset'}`]),
    ...(field.allowed.length > 0 ? [`- Allowed: ${field.allowed.join('; ')}`] : []),
  ];
  const about = field.description
    ? `\n${field.description.replace(/\{@link\s+([^}\s|]+)[^}]*\}/g, '`$1`')}\n`
    : '';
  return `### ${code(field.path)}\n\n${facts.join('\n')}\n${about}`;
}

/** The whole reference, generated now. */
export function renderConfigurationReference(root: string): string {
  const parts = [
    '<!-- Generated by tools/docs-config-reference.ts from packages/config/schemas: do not edit. Regenerate with `node --conditions=dev-source tools/docs-config-reference.ts`. -->',
    '',
    '# Configuration reference',
    '',
    'Every field of the JSON Schemas `@ssokit/config` publishes, generated from them. How to load each',
    'format, and what the loaders check besides the schema, is in [Configuration](../configuration.md).',
    '',
  ];
  // Each field's heading is its path: the anchor GitHub gives it, numbered if another schema has it too.
  const anchors = new Map<string, number>();
  const anchorOf = (path: string) => {
    const slug = githubSlug(code(path));
    const n = anchors.get(slug) ?? 0;
    anchors.set(slug, n + 1);
    return n === 0 ? slug : `${slug}-${n}`;
  };
  for (const [file, schema] of publishedSchemas(root)) {
    const typed = SCHEMA_TYPES[file];
    const fields = fieldsOf(schema, typed ? typeDocs(root, typed.module, typed.type) : undefined);
    parts.push(`## ${schema.title ?? file}`, '');
    parts.push(`Schema: \`@ssokit/config/schemas/${file}\` (\`$id\` ${code(schema.$id ?? file)}).`, '');
    if (schema.description) parts.push(schema.description, '');
    if (schema.additionalProperties === false) parts.push('Unknown keys are refused, at every level.', '');
    parts.push('| field | type | required |', '| --- | --- | --- |');
    for (const f of fields)
      parts.push(
        `| [${code(f.path)}](#${anchorOf(f.path)}) | ${code(f.type).replaceAll('|', '\\|')} | ${f.required} |`,
      );
    parts.push('', ...fields.map(renderField));
  }
  return `${parts
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

const target = join(import.meta.dirname, '..', 'docs/reference/configuration.md');

if (import.meta.main) {
  const built = renderConfigurationReference(join(import.meta.dirname, '..'));
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {}
    if (current !== built) {
      console.error(
        'docs/reference/configuration.md is not what the schemas generate; run `node --conditions=dev-source tools/docs-config-reference.ts`.',
      );
      process.exit(1);
    }
    console.log('docs-config-reference: up to date');
  } else {
    writeFileSync(target, built);
    console.log(`docs-config-reference: wrote ${target}`);
  }
}
