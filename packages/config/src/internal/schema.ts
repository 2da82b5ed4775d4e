/**
 * The only module that uses ajv: compiles the published JSON Schemas once and reports their errors as
 * raw facts (path, keyword, params) for the loaders to phrase.
 */
import { Ajv, type ErrorObject } from 'ajv';
import arthurSchema from '../../schemas/arthur-oidc-v2.schema.json' with { type: 'json' };
import connectionSchema from '../../schemas/connection.schema.json' with { type: 'json' };

// strictRequired is off for `if/then: { required }`, the standard way to require a protocol's section.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true });
const validators = { arthur: ajv.compile(arthurSchema), connection: ajv.compile(connectionSchema) };

export interface SchemaProblem {
  path: (string | number)[];
  keyword: string;
  params: Record<string, unknown>;
  message: string;
  /** The schema node the error is about, for listing allowed keys. */
  schema: unknown;
  parentSchema: Record<string, unknown> | undefined;
}

export function checkSchema(name: keyof typeof validators, value: unknown): SchemaProblem[] {
  const validate = validators[name];
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
