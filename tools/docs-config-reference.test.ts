import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultGroupSync, defaultProvisioning, OIDC_DEFAULTS } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import {
  fieldsOf,
  publishedSchemas,
  renderConfigurationReference,
  SCHEMA_TYPES,
  type SchemaNode,
  splitDefault,
} from './docs-config-reference.ts';
import { typeDocs } from './docs-config-types.ts';

const root = join(import.meta.dirname, '..');

describe('docs/reference/configuration.md', () => {
  const generated = renderConfigurationReference(root);

  it('is what the published JSON Schemas generate (regenerate: node --conditions=dev-source tools/docs-config-reference.ts)', () => {
    const committed = readFileSync(join(root, 'docs/reference/configuration.md'), 'utf8');
    expect(committed === generated, 'docs/reference/configuration.md is stale').toBe(true);
  });

  it('has one entry per field of each schema, under the schema it belongs to', () => {
    const schemas = publishedSchemas(root);
    expect([...schemas.keys()].sort()).toEqual(['arthur-oidc-v2.schema.json', 'connection.schema.json']);
    for (const [file, schema] of schemas) {
      const typed = SCHEMA_TYPES[file];
      const section = generated.slice(generated.indexOf(`schemas/${file}`));
      for (const field of fieldsOf(schema, typed ? typeDocs(root, typed.module, typed.type) : undefined))
        expect(section).toContain(`### \`${field.path}\``);
    }
  });

  it('states the defaults the code applies (the JSDoc cannot drift from the constants)', () => {
    const fields = fieldsOf(
      publishedSchemas(root).get('connection.schema.json') as SchemaNode,
      typeDocs(root, '@ssokit/core', 'Connection'),
    );
    const defaultOf = (path: string) => fields.find((f) => f.path === path)?.default;
    const bare = (text: unknown) => String(text).replace(/[`'"[\]\s]/g, '');
    const expected: Array<[string, unknown]> = [
      ...Object.entries(OIDC_DEFAULTS).map(([k, v]): [string, unknown] => [`oidc.${k}`, v]),
      ...Object.entries(defaultProvisioning).map(([k, v]): [string, unknown] => [`provisioning.${k}`, v]),
      ...Object.entries(defaultGroupSync).map(([k, v]): [string, unknown] => [`groupSync.${k}`, v]),
    ];
    for (const [path, value] of expected)
      expect(bare(defaultOf(path)), path).toBe(bare(Array.isArray(value) ? value.join(',') : value));
  });
});

describe('docs-config-reference: reading a schema', () => {
  const schema: SchemaNode = {
    type: 'object',
    required: ['kind'],
    properties: {
      kind: { enum: ['a', 'b'], description: 'Which kind. Default: `a`. Says more.' },
      names: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      tolerance: { type: 'number', minimum: 0, maximum: 300 },
      tags: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[a-z]+$' } },
      roles: {
        type: 'array',
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
      },
      extra: { type: 'object', properties: { flag: { type: 'boolean', default: true } } },
      section: { type: 'object' },
    },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited.
    allOf: [{ if: { properties: { kind: { const: 'b' } } }, then: { required: ['section'] } }],
  };

  it('gives each field its path, type, requirement, default and allowed values', () => {
    const docs = new Map([['extra.flag', 'From the type. Default: `false`.']]);
    expect(fieldsOf(schema, docs)).toEqual([
      {
        path: 'kind',
        type: 'string',
        required: 'yes',
        default: '`a`',
        allowed: ['`a`, `b`'],
        description: 'Which kind. Says more.',
      },
      { path: 'names', type: 'string or string[]', required: 'no', allowed: [] },
      { path: 'tolerance', type: 'number', required: 'no', allowed: ['from 0 to 300'] },
      {
        path: 'tags',
        type: 'string[]',
        required: 'no',
        allowed: ['at least 1 item', 'no repeated items', 'each item: matching `^[a-z]+$`'],
      },
      { path: 'roles', type: 'object[]', required: 'no', allowed: [] },
      { path: 'roles[].name', type: 'string', required: 'yes', allowed: ['not empty'] },
      { path: 'extra', type: 'object', required: 'no', allowed: [] },
      // The schema's own default wins over the type's prose; the type's description fills in.
      {
        path: 'extra.flag',
        type: 'boolean',
        required: 'no',
        default: '`true`',
        allowed: [],
        description: 'From the type.',
      },
      { path: 'section', type: 'object', required: 'when `kind` is `b`', allowed: [] },
    ]);
  });

  it('takes the "Default:" sentence out of a description, whatever follows it', () => {
    expect(splitDefault('Allowed skew in seconds. Default: 60 (bounded to 300).')).toEqual({
      text: 'Allowed skew in seconds.',
      default: '60 (bounded to 300)',
    });
    expect(splitDefault('Where from. Default: `x`.\n- `x`: the token.\n- `y`: both.')).toEqual({
      text: 'Where from.\n- `x`: the token.\n- `y`: both.',
      default: '`x`',
    });
    expect(splitDefault('Algorithms. Default: as listed (OIDC Core §3.1.3.7). Set it otherwise.')).toEqual({
      text: 'Algorithms. Set it otherwise.',
      default: 'as listed (OIDC Core §3.1.3.7)',
    });
    expect(splitDefault('No default here.')).toEqual({ text: 'No default here.' });
  });
});
