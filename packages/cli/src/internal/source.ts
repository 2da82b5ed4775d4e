/**
 * The connection a command works on, read through `@ssokit/config` exactly as an app reads it: an
 * Arthur v2 YAML file (`loadArthurConfig`), W&B's variables (`loadWandbEnv` + `wandbSettings`), or
 * connection JSON (`importConnection`). Invalid configuration is a {@link ConfigProblems} listing every
 * issue with its place in the file.
 *
 * @module
 */
import { parseEnv } from 'node:util';
import type { ConnectionInput, SettingsLayer } from '@ssokit/config';
import {
  ARTHUR_CONNECTION_ID,
  importConnection,
  loadArthurConfig,
  loadWandbEnv,
  WANDB_CONNECTION_ID,
  wandbSettings,
} from '@ssokit/config';
import { ConfigError, type ConfigIssue, type RoleDefinition, type RoleMatchingOptions } from '@ssokit/core';
import type { SsoRoutes } from '@ssokit/server';
import { type ParsedArgs, stringFlag } from '../args.ts';
import { CliError } from '../errors.ts';
import type { CliIo } from '../output.ts';
import { readTextFile } from './read-input.ts';

/** One problem of the configuration, located (`arthur.yaml:7:3 config.clientID`). */
export interface LocatedIssue {
  /** Where: the file (with line and column when known) and the field's path. */
  where: string;
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** The configuration is invalid: every issue, each with its place. */
export class ConfigProblems extends Error {
  override readonly name = 'ConfigProblems';
  /** The file (or "the environment") the issues are in. */
  readonly label: string;
  readonly issues: LocatedIssue[];

  constructor(label: string, issues: LocatedIssue[]) {
    super(
      `${label} is not a valid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}).`,
    );
    this.label = label;
    this.issues = issues;
  }
}

/** A connection and what came with it. */
export interface LoadedSource {
  kind: 'arthur' | 'wandb' | 'connection';
  /** What was read: a file name, or "the environment". */
  label: string;
  /** What it describes, in a sentence without secrets: the protocol, the IdP, the client. */
  summary: string;
  /** The OIDC issuer, when the source is one (W&B's has no stored connection to read it from). */
  issuer?: string;
  connectionId: string;
  /** Where the id came from, so the output can say when it was made up. */
  idFrom: 'flag' | 'file' | 'name' | 'default';
  /** The connection to store (absent for W&B, whose connection is its settings layers). */
  connection?: ConnectionInput & { id: string };
  settings?: SettingsLayer[];
  roles?: RoleMatchingOptions;
  /** Routes moved out of the base path (W&B's /oidc/callback and /logout). */
  routes: SsoRoutes;
  /** The base URL the source itself names (W&B's HOST), and the variable it came from. */
  baseUrl?: { value: string; from: string };
  /** LOCAL_RESTORE is on: SSO logins are refused until this time. */
  restoreUntil?: Date;
}

/** Turns a `ConfigError` into located issues. */
export function locate(label: string, error: ConfigError, file = true): LocatedIssue[] {
  return error.issues.map((issue: ConfigIssue) => ({
    where: `${label}${file && issue.line !== undefined ? `:${issue.line}${issue.column !== undefined ? `:${issue.column}` : ''}` : ''}`,
    path: issue.path,
    message: issue.message,
    ...(issue.line !== undefined ? { line: issue.line } : {}),
    ...(issue.column !== undefined ? { column: issue.column } : {}),
  }));
}

/** Reads the source the flags name; throws `CliError` for usage, `ConfigProblems` for invalid content. */
export function loadSource(args: ParsedArgs, io: CliIo, command: string): LoadedSource {
  const config = stringFlag(args, 'config');
  const connection = stringFlag(args, 'connection');
  const envFile = stringFlag(args, 'env-file');
  const env = args.flags.env === true || envFile !== undefined;
  const given = [
    config && '--config',
    connection && '--connection',
    env && (envFile ? '--env-file' : '--env'),
  ].filter(Boolean);
  if (given.length === 0)
    throw new CliError(
      `${command} needs a configuration: --config arthur.yaml (Arthur), --env (W&B variables) or --connection conn.json.`,
    );
  if (given.length > 1)
    throw new CliError(`${command} reads one configuration; give only one of ${given.join(', ')}.`);
  const id = stringFlag(args, 'id');
  if (id !== undefined && !/^[A-Za-z0-9._~-]{1,64}$/.test(id))
    throw new CliError('--id must be 1 to 64 letters, digits, ".", "_", "~" or "-".');
  const roles = readRoles(args, io);

  if (config !== undefined) {
    const text = readTextFile(config, '--config', io.cwd);
    try {
      const loaded = loadArthurConfig(text, { connectionId: id ?? ARTHUR_CONNECTION_ID });
      const definitions: RoleDefinition[] = [...loaded.roleDefinitions, ...(roles?.roleDefinitions ?? [])];
      return {
        kind: 'arthur',
        label: config,
        summary: `an Arthur v2 OIDC configuration: issuer ${loaded.connection.oidc.issuer}, client ${loaded.connection.oidc.clientId}, ${loaded.connection.oidc.flow === 'implicit' ? 'implicit' : 'PKCE'} flow`,
        connectionId: loaded.connection.id,
        idFrom: id ? 'flag' : 'default',
        connection: loaded.connection,
        roles: { ...roles, roleDefinitions: definitions },
        routes: {},
      };
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigProblems(config, locate(config, error));
      throw error;
    }
  }

  if (connection !== undefined) {
    const text = readTextFile(connection, '--connection', io.cwd);
    try {
      const imported = importConnection(text, { env: io.env }).connection;
      const fromFile = typeof imported.id === 'string' && imported.id !== '' ? imported.id : undefined;
      const chosen = id ?? fromFile ?? slug(String(imported.name));
      return {
        kind: 'connection',
        label: connection,
        summary: describeConnection(imported),
        connectionId: chosen,
        idFrom: id ? 'flag' : fromFile ? 'file' : 'name',
        connection: { ...imported, id: chosen },
        ...(roles ? { roles } : {}),
        routes: {},
      };
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigProblems(connection, locate(connection, error));
      throw error;
    }
  }

  const variables = envFile === undefined ? io.env : readEnvFile(envFile, io.cwd);
  const label = envFile ?? 'the environment';
  try {
    const wandb = loadWandbEnv(variables);
    if (wandb.oidc.issuer === undefined || wandb.oidc.clientId === undefined)
      throw new ConfigProblems(label, [
        {
          where: label,
          path: wandb.oidc.issuer === undefined ? 'OIDC_ISSUER' : 'OIDC_CLIENT_ID',
          message: `is not set; W&B's SSO needs OIDC_ISSUER and OIDC_CLIENT_ID (and OIDC_AUTH_METHOD, OIDC_SECRET as your IdP requires).`,
        },
      ]);
    const connectionId = id ?? WANDB_CONNECTION_ID;
    const host = variables.HOST?.trim();
    const baseUrl = host && /^https?:\/\//i.test(host) ? { value: host, from: 'HOST' } : undefined;
    return {
      kind: 'wandb',
      label,
      issuer: wandb.oidc.issuer,
      summary: `W&B's OIDC variables: issuer ${wandb.oidc.issuer}, client ${wandb.oidc.clientId}${wandb.variables.flow ? `, OIDC_AUTH_METHOD ${wandb.oidc.flow === 'code' ? 'pkce' : 'implicit'}` : ''}`,
      connectionId,
      idFrom: id ? 'flag' : 'default',
      settings: wandbSettings(wandb, { connectionId }),
      ...(roles ? { roles } : {}),
      // W&B registers its redirect URI at /oidc/callback and signs out at /logout.
      routes: { oidcCallback: '/oidc/callback', logout: '/logout' },
      ...(baseUrl ? { baseUrl } : {}),
      ...(wandb.restore ? { restoreUntil: wandb.restore.expiresAt } : {}),
    };
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigProblems(label, locate(label, error, false));
    throw error;
  }
}

/** A connection in a sentence: protocol, name, IdP and client (never a secret). */
function describeConnection(c: ConnectionInput): string {
  if (c.protocol === 'oidc')
    return `an OIDC connection "${c.name}": issuer ${c.oidc.issuer}, client ${c.oidc.clientId}, ${c.oidc.flow === 'implicit' ? 'implicit' : `code flow (PKCE ${c.oidc.pkce ?? 'S256'})`}`;
  const metadata =
    c.saml.idpMetadataUrl ??
    (c.saml.idpMetadataXml !== undefined ? 'inline metadata' : 'the IdP given field by field');
  return `a SAML connection "${c.name}": SP entity id ${c.saml.spEntityId}, IdP from ${metadata}`;
}

/** `--roles`: a list of role definitions, or role matching options. */
function readRoles(args: ParsedArgs, io: CliIo): RoleMatchingOptions | undefined {
  const path = stringFlag(args, 'roles');
  if (path === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readTextFile(path, '--roles', io.cwd));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `--roles: ${path} is not JSON: give a file holding the role options as JSON, such as {"roleDefinitions": [{"name": "admins"}]}.`,
    );
  }
  if (Array.isArray(data)) return { roleDefinitions: data as RoleDefinition[] };
  if (typeof data === 'object' && data !== null) return data as RoleMatchingOptions;
  throw new CliError(
    `--roles: ${path} must hold a list of role definitions or an object with "roleDefinitions" (and "rules", "defaultRole").`,
  );
}

function readEnvFile(path: string, cwd: string): Record<string, string> {
  try {
    return parseEnv(readTextFile(path, '--env-file', cwd)) as Record<string, string>;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`--env-file: ${path} is not a .env file of NAME=value lines.`);
  }
}

/** An id from a display name: `Okta (prod)` → `okta-prod`. */
export function slug(name: string): string {
  const made = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return made === '' ? 'connection' : made;
}
