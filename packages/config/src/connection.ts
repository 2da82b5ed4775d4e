/**
 * Connection JSON: ClearML-style provider connections, imported with secret references resolved and
 * exported with secrets written only as references.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { ConfigIssue, Connection, OidcConnection, SamlConnection } from '@ssokit/core';
import { ConfigError, withOidcDefaults } from '@ssokit/core';
import { checkUrl, describeProblem, dotted, isObject, sortIssues } from './internal/problems.ts';
import { checkSchema } from './internal/schema.ts';
import { type Path, parseYaml } from './internal/yaml.ts';

type Stamped = 'id' | 'createdAt' | 'updatedAt';
/** A connection to create or update: the stored fields without id and timestamps (an `id` may be kept). */
export type ConnectionInput = (Omit<OidcConnection, Stamped> | Omit<SamlConnection, Stamped>) & {
  id?: string;
};

/**
 * The fields that hold secrets, as dotted paths: never exported as values ({@link exportConnection}
 * writes their `${env:}` / `${file:}` references, or leaves them out).
 *
 * @example
 * ```ts
 * import { secretFields } from '@ssokit/config';
 *
 * // A diff of two connections for an audit log, secrets masked.
 * const shown = (path: string, value: unknown) =>
 *   (secretFields as readonly string[]).includes(path) ? '********' : value;
 * ```
 */
export const secretFields = ['oidc.clientSecret', 'saml.spPrivateKey'] as const;
/** One of {@link secretFields}: `'oidc.clientSecret'` or `'saml.spPrivateKey'`. */
export type SecretField = (typeof secretFields)[number];

/** Options of {@link importConnection}. */
export interface ImportOptions {
  /** Where `${env:NAME}` references are read. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** How `${file:/path}` references are read. Default: the file's text (UTF-8), trailing newlines kept. */
  readFile?: (path: string) => string;
  /**
   * Resolve `${env:}` and `${file:}` references. Turn off for input from the admin API: otherwise an
   * admin could read the server's environment or files into a field they can see. Default: `true`.
   */
  allowReferences?: boolean;
}

/** An imported connection, and the references its secrets came from (for a lossless export). */
export interface ImportedConnection {
  connection: ConnectionInput;
  secretRefs: Partial<Record<SecretField, string>>;
}

const REFERENCE = /^\$\{(env|file):([^}]+)\}$/;

/**
 * Imports a connection from JSON (text or an object): checked against the connection JSON Schema,
 * URLs checked (https, or http on loopback), settings a login would refuse refused here too
 * (`verifySignature: false`; `userInfo: 'access_token'` with the implicit flow, which returns no
 * access token), and `${env:NAME}` / `${file:/path}` references resolved.
 * Problems are one {@link ConfigError} with paths (and lines and columns for text); a missing
 * reference is named, its value never.
 *
 * @example
 * ```ts
 * import { importConnection } from '@ssokit/config';
 *
 * const { connection } = importConnection(readFileSync('okta.json', 'utf8'));
 * await sso.connections.create(connection);
 * ```
 */
export function importConnection(json: string | object, options: ImportOptions = {}): ImportedConnection {
  const text = typeof json === 'string' ? json : JSON.stringify(json);
  const parsed = parseYaml(text);
  if (parsed.issues.length > 0) throw new ConfigError(parsed.issues);
  const issues: ConfigIssue[] = [];
  // Lines and columns point into a text someone wrote; an object has none (its JSON text is ours).
  const located = typeof json === 'string';
  const report = (path: Path, message: string, opts: { key?: boolean } = {}) =>
    issues.push({ path: dotted(path), message, ...(located ? parsed.position(path, opts) : {}) });
  const value = parsed.value;
  // Schema problems are collected with the reference and URL problems below, so one error lists all.
  for (const problem of checkSchema('connection', value)) describeProblem(problem, value, report);

  const env = options.env ?? process.env;
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const secretRefs: Partial<Record<SecretField, string>> = {};
  const resolve = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      const match = REFERENCE.exec(node);
      if (!match) return node;
      const [, kind, target] = match as unknown as [string, 'env' | 'file', string];
      if (options.allowReferences === false) {
        report(path, `references such as ${node} are not accepted here; give the value itself.`);
        return undefined;
      }
      const field = path.join('.');
      if ((secretFields as readonly string[]).includes(field)) secretRefs[field as SecretField] = node;
      if (kind === 'env') {
        const resolved = env[target];
        if (resolved === undefined || resolved === '')
          report(path, `the reference ${node} is not set: export ${target} in the environment.`);
        return resolved;
      }
      try {
        return readFile(target);
      } catch {
        report(path, `the reference ${node} cannot be read: check that the file exists and is readable.`);
        return undefined;
      }
    }
    if (Array.isArray(node)) return node.map((item, i) => resolve(item, [...path, i]));
    if (isObject(node))
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [key, resolve(item, [...path, key])]),
      );
    return node;
  };
  const resolved = (isObject(value) ? resolve(value, []) : {}) as Record<string, unknown>;
  const oidc = isObject(resolved.oidc) ? resolved.oidc : undefined;
  for (const [key, url] of Object.entries({
    issuer: oidc?.issuer,
    ...(isObject(oidc?.endpoints) ? oidc.endpoints : {}),
  })) {
    if (typeof url === 'string')
      checkUrl(url, key === 'issuer' ? ['oidc', 'issuer'] : ['oidc', 'endpoints', key], report);
  }
  // The discovery document's URL given as the issuer: discovery would ask for .../openid-configuration/.well-known/...
  if (typeof oidc?.issuer === 'string' && /\/\.well-known\/openid-configuration\/?$/.test(oidc.issuer))
    report(
      ['oidc', 'issuer'],
      'remove "/.well-known/openid-configuration": the issuer is the part before it, and ssokit adds the discovery path itself.',
    );
  // A login refuses it (ID token signatures are always verified): so is saving it.
  if (oidc?.verifySignature === false)
    report(
      ['oidc', 'verifySignature'],
      'ssokit verifies every ID token signature and refuses to sign anyone in with false; remove the setting or set it to true.',
    );
  // The implicit flow (response_type=id_token) returns no access token: a login would refuse it.
  if (oidc?.userInfo === 'access_token' && oidc.flow === 'implicit')
    report(
      ['oidc', 'userInfo'],
      'the implicit flow (response_type=id_token) returns no access token to read claims from; set "flow" to "code", or "userInfo" to "id_token" and have the identity provider put the claims in the ID token.',
    );
  const saml = isObject(resolved.saml) ? resolved.saml : undefined;
  if (typeof saml?.idpMetadataUrl === 'string')
    checkUrl(saml.idpMetadataUrl, ['saml', 'idpMetadataUrl'], report);
  if (
    saml &&
    saml.idpMetadataXml === undefined &&
    saml.idpMetadataUrl === undefined &&
    saml.idp === undefined
  ) {
    report(
      ['saml'],
      'give the IdP metadata: "idpMetadataXml" (the file\'s text), "idpMetadataUrl", or the parsed "idp".',
      { key: true },
    );
  }
  if (issues.length > 0) throw new ConfigError(sortIssues(issues));

  const { $schema: _schema, createdAt: _c, updatedAt: _u, ...fields } = resolved;
  const connection = { active: true, ...fields } as ConnectionInput;
  if (connection.protocol === 'oidc') {
    connection.oidc = withOidcDefaults(connection.oidc as OidcConnection['oidc']);
  } else {
    connection.saml = {
      wantAssertionsSigned: true,
      ...(connection.saml as Partial<SamlConnection['saml']>),
    } as SamlConnection['saml'];
  }
  return { connection, secretRefs };
}

/**
 * Exports a connection as JSON-ready data. Secrets are written only as references: the one the secret
 * was imported from, or `${env:SSOKIT_<NAME>_<FIELD>}` for the operator to set. Everything else is
 * exported as is, so `importConnection(exportConnection(c))` gives `c` back.
 *
 * @example
 * ```ts
 * import { exportConnection } from '@ssokit/config';
 *
 * writeFileSync('okta.json', JSON.stringify(exportConnection(connection, { secretRefs }), null, 2));
 * ```
 */
export function exportConnection(
  connection: Connection | ConnectionInput,
  options: { secretRefs?: Partial<Record<SecretField, string>> } = {},
): Record<string, unknown> {
  const data = JSON.parse(JSON.stringify(connection)) as Record<string, Record<string, unknown>>;
  const slug =
    String(connection.name)
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_|_$/g, '') || 'CONNECTION';
  for (const field of secretFields) {
    const [section, key] = field.split('.') as [string, string];
    if (data[section]?.[key] === undefined) continue;
    (data[section] as Record<string, unknown>)[key] =
      options.secretRefs?.[field] ??
      `\${env:SSOKIT_${slug}_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}}`;
  }
  return data;
}
