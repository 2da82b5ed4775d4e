/**
 * The only module that uses ajv: compiles each published JSON Schema the first time a document is
 * checked against it, and reports ajv's errors as raw facts (path, keyword, params) for the loaders to
 * phrase.
 *
 * Nothing happens at import: loading ajv and compiling both schemas cost about 100 ms, which an app
 * that imports `@ssokit/config` (or `@ssokit/server`, for its admin API) but never loads a file should
 * not pay at start-up. The loaders are synchronous, so ajv is loaded with `require`, not `import()`.
 */
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import arthurSchema from '../../schemas/arthur-oidc-v2.schema.json' with { type: 'json' };
import connectionSchema from '../../schemas/connection.schema.json' with { type: 'json' };

const schemas = { arthur: arthurSchema, connection: connectionSchema };
const validators: Partial<Record<keyof typeof schemas, ValidateFunction>> = {};
let ajv: Ajv | undefined;

function validator(name: keyof typeof schemas): ValidateFunction {
  const compiled = validators[name];
  if (compiled) return compiled;
  if (!ajv) {
    // A literal specifier, so bundlers that follow createRequire(import.meta.url) still see it.
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    // strictRequired is off for `if/then: { required }`, the standard way to require a protocol's section.
    ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true });
  }
  const validate = ajv.compile(schemas[name]);
  validators[name] = validate;
  return validate;
}

export interface SchemaProblem {
  path: (string | number)[];
  keyword: string;
  params: Record<string, unknown>;
  message: string;
  /** The schema node the error is about, for listing allowed keys. */
  schema: unknown;
  parentSchema: Record<string, unknown> | undefined;
}

export function checkSchema(name: keyof typeof schemas, value: unknown): SchemaProblem[] {
  const validate = validator(name);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => ({
    path: error.instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
    keyword: error.keyword,
    params: error.params as Record<string, unknown>,
    message: error.message ?? 'is invalid',
    schema: error.schema,
    parentSchema: error.parentSchema as Record<string, unknown> | undefined,
  }));
}

export { arthurSchema, connectionSchema };
