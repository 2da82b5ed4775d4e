/**
 * Arthur-style v2 OIDC configuration (YAML).
 *
 * @module
 */

import type {
  ClaimMapping,
  ConfigIssue,
  JwsAlgorithm,
  OidcConnection,
  OidcEndpoints,
  RoleDefinition,
} from '@ssokit/core';
import { ConfigError, didYouMean, supportedAlgorithms } from '@ssokit/core';
import { checkUrl, describeProblem, dotted, isObject, sortIssues } from './internal/problems.ts';
import { checkSchema } from './internal/schema.ts';
import { type Path, parseYaml } from './internal/yaml.ts';

/** A connection to create: everything but the id and timestamps. */
export type OidcConnectionInput = Omit<OidcConnection, 'id' | 'createdAt' | 'updatedAt'> & { id?: string };

/**
 * The id of the connection an Arthur file describes (unless `options.connectionId` names another):
 * its roles are granted by this connection only.
 *
 * @example
 * ```ts
 * import { ARTHUR_CONNECTION_ID } from '@ssokit/config';
 *
 * // The session of a user who signed in through the Arthur file's IdP.
 * const session = await sso.getSession(request);
 * const viaArthurFile = session?.connectionId === ARTHUR_CONNECTION_ID;
 * ```
 */
export const ARTHUR_CONNECTION_ID = 'arthur-oidc';

/** Bearer-token settings for the host's API (Arthur's `accessTokenValidation`), ready for `createAccessTokenVerifier`. */
export interface AccessTokenValidationSettings {
  type: 'JWT';
  issuer: string;
  jwksUri?: string;
  audience: string[];
  /** Arthur's `signatureAlgo`, as an allow-list of one. */
  algorithms?: JwsAlgorithm[];
  claimMapping: Partial<ClaimMapping>;
}

/** What an Arthur configuration means in ssokit's terms. */
export interface ArthurConfig {
  /** The connection, with its id (`options.connectionId`, default `'arthur-oidc'`). */
  connection: OidcConnectionInput & { id: string };
  /** `globalRoleDefs`: roles of global scope, matched by IdP group name. */
  roleDefinitions: RoleDefinition[];
  accessTokenValidation: AccessTokenValidationSettings;
}

const ENDPOINTS: Record<string, keyof OidcEndpoints | 'issuer'> = {
  issuer: 'issuer',
  authorization_endpoint: 'authorization',
  token_endpoint: 'token',
  jwks_uri: 'jwks',
  userinfo_endpoint: 'userinfo',
  end_session_endpoint: 'endSession',
  device_authorization_endpoint: 'deviceAuthorization',
  revocation_endpoint: 'revocation',
  introspection_endpoint: 'introspection',
  registration_endpoint: 'registration',
};
const WELL_KNOWN = '/.well-known/openid-configuration';

/** Options of {@link loadArthurConfig}: two Arthur files in one app need two ids and names. */
export interface ArthurLoadOptions {
  /** The connection's id (its roles' `grantedBy`). Default: `'arthur-oidc'`. */
  connectionId?: string;
  /** The connection's display name, unique across connections. Default: `'OIDC'`. */
  name?: string;
}

/**
 * Loads an Arthur-style v2 YAML configuration (`version: v2`, `kind: OIDC`, `config:`) into a
 * connection, role definitions and bearer-token settings. Throws one {@link ConfigError} listing every
 * problem, each with its path, line, column and a fix.
 *
 * Like Arthur, the connection reads the user's claims (groups included) from the access token: with
 * `flowType: PKCE` it has `oidc.userInfo: 'access_token'` and `oidc.audience` set to
 * `accessTokenValidation.audience`, the audiences the access token may name (Okta's `api://default`);
 * the ID token's claims fill in what the access token lacks. ssokit's implicit flow (`flowType:
 * implicit`, an ID token by form_post) returns no access token, so such a connection reads the ID
 * token (`userInfo: 'id_token'`): have the IdP put the claims there too, or use PKCE.
 *
 * @example
 * ```ts
 * import { loadArthurConfig } from '@ssokit/config';
 *
 * const { connection, roleDefinitions, accessTokenValidation } = loadArthurConfig(readFileSync('oidc.yaml', 'utf8'));
 * await sso.connections.create(connection);
 * // A second file beside it: its own id and name.
 * const eu = loadArthurConfig(readFileSync('oidc-eu.yaml', 'utf8'), { connectionId: 'arthur-eu', name: 'EU login' });
 * ```
 */
export function loadArthurConfig(yamlText: string, options: ArthurLoadOptions = {}): ArthurConfig {
  const connectionId = options.connectionId ?? ARTHUR_CONNECTION_ID;
  if (typeof yamlText !== 'string') {
    throw Object.assign(new TypeError('"yamlText" must be a string.'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  const yaml = parseYaml(yamlText);
  if (yaml.issues.length > 0) throw new ConfigError(yaml.issues);
  const issues: ConfigIssue[] = [];
  const report = (path: Path, message: string, options: { key?: boolean } = {}) =>
    issues.push({ path: dotted(path), message, ...yaml.position(path, options) });

  const value = yaml.value as Record<string, unknown>;
  const problems = checkSchema('arthur', value);
  // A misspelt key ("clientId") also makes the key it was meant to be ("clientID") missing: say it once,
  // as the did-you-mean of the unknown key.
  const suggested = new Set<string>();
  for (const problem of problems) {
    if (problem.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys((problem.parentSchema?.properties as Record<string, unknown>) ?? {});
    const guess = didYouMean(String(problem.params.additionalProperty), allowed);
    if (guess) suggested.add(`${dotted(problem.path)}|${guess}`);
  }
  for (const problem of problems) {
    if (
      problem.keyword === 'required' &&
      suggested.has(`${dotted(problem.path)}|${String(problem.params.missingProperty)}`)
    )
      continue;
    describeProblem(problem, value, report);
  }
  const config = (isObject(value) && isObject(value.config) ? value.config : {}) as Record<string, unknown>;

  // Checks the schema cannot phrase well.
  const flowType = config.flowType;
  let flow: 'code' | 'implicit' = 'code';
  if (typeof flowType === 'string') {
    const normalised = flowType.toLowerCase();
    if (normalised === 'implicit') flow = 'implicit';
    else if (normalised !== 'pkce') {
      const guess = didYouMean(flowType, ['implicit', 'PKCE']);
      report(
        ['config', 'flowType'],
        `"${flowType}" is not a flow type${guess ? `; did you mean "${guess}"?` : ''} Use "implicit" or "PKCE".`,
      );
    }
  }
  const discovery = typeof config.discoveryBaseURL === 'string' ? config.discoveryBaseURL : undefined;
  if (discovery !== undefined) {
    if (discovery.replace(/\/$/, '').endsWith(WELL_KNOWN)) {
      report(
        ['config', 'discoveryBaseURL'],
        `remove "${WELL_KNOWN}" from the end: discoveryBaseURL is the issuer, and ssokit adds the well-known path itself.`,
      );
    } else {
      checkUrl(discovery, ['config', 'discoveryBaseURL'], report);
    }
  }
  const overrides = isObject(config.endpointOverrides)
    ? (config.endpointOverrides as Record<string, unknown>)
    : {};
  for (const [key, url] of Object.entries(overrides))
    if (typeof url === 'string') checkUrl(url, ['config', 'endpointOverrides', key], report);
  const issuer = typeof overrides.issuer === 'string' ? overrides.issuer : discovery;
  if (issuer === undefined && isObject(value) && isObject(value.config)) {
    report(
      ['config'],
      'set "discoveryBaseURL" (the issuer), or "endpointOverrides.issuer" with the other endpoints.',
      { key: true },
    );
  }
  const algorithm = isObject(config.accessTokenValidation)
    ? config.accessTokenValidation.signatureAlgo
    : undefined;
  if (typeof algorithm === 'string' && !supportedAlgorithms.includes(algorithm as JwsAlgorithm)) {
    report(
      ['config', 'accessTokenValidation', 'signatureAlgo'],
      `"${algorithm}" is not an algorithm ssokit verifies; use one of ${supportedAlgorithms.join(', ')} (HMAC and "none" are never accepted).`,
    );
  }
  if (issues.length > 0) throw new ConfigError(sortIssues(issues));

  const validation = config.accessTokenValidation as Record<string, unknown>;
  const mappingIn = validation.claimMapping as Record<string, string>;
  const claimMapping: Partial<ClaimMapping> = {};
  const rename: [string, keyof ClaimMapping][] = [
    ['roles', 'roles'],
    ['userID', 'userId'],
    ['username', 'username'],
    ['firstName', 'givenName'],
    ['lastName', 'familyName'],
    ['email', 'email'],
  ];
  for (const [from, to] of rename)
    if (mappingIn[from] !== undefined) claimMapping[to] = mappingIn[from] as string;
  // Arthur matches IdP groups to role names: the roles claim is the groups claim too.
  claimMapping.groups = claimMapping.roles ?? '';

  const endpoints: OidcEndpoints = {};
  for (const [key, url] of Object.entries(overrides)) {
    const target = ENDPOINTS[key];
    if (target && target !== 'issuer' && typeof url === 'string') endpoints[target] = url;
  }
  const audience = validation.audience as string[];
  const connection: OidcConnectionInput & { id: string } = {
    id: connectionId,
    name: options.name ?? 'OIDC',
    protocol: 'oidc',
    provider: 'custom',
    active: true,
    oidc: {
      issuer: issuer as string,
      ...(Object.keys(endpoints).length > 0 ? { endpoints } : {}),
      clientId: config.clientID as string,
      flow,
      pkce: flow === 'code' ? 'S256' : 'none',
      scopes: (config.authorizeScopes as string[] | undefined) ?? ['openid'],
      // Arthur reads user info and groups from the access token, whose audience is its API's
      // (`accessTokenValidation.audience`). ssokit's implicit flow (an ID token by form_post) gets no
      // access token: there the claims must be in the ID token.
      ...(flow === 'code'
        ? { userInfo: 'access_token' as const, audience: [...audience] }
        : { userInfo: 'id_token' as const }),
      verifySignature: true,
      ...(typeof config.resourceID === 'string' && config.resourceID !== ''
        ? { resource: config.resourceID }
        : {}),
    },
    claimMapping,
    // Arthur reads the email claim as given: its tokens (the seed's examples among them) carry no
    // `email_verified`. The same here, so they sign in; an explicit `email_verified: false` is still
    // refused. Set `provisioning.trustEmail: false` to require the flag (docs/configuration.md).
    provisioning: { trustEmail: true },
  };
  const roleDefinitions: RoleDefinition[] = (
    (config.globalRoleDefs as { name: string; permissions?: Record<string, string[]> }[] | undefined) ?? []
  ).map((role) => ({
    name: role.name,
    scope: 'global',
    permissions: role.permissions ?? {},
    // Arthur's roles come from the IdP of the same file: its connection may grant them, no other.
    grantedBy: [connectionId],
  }));
  const accessTokenValidation: AccessTokenValidationSettings = {
    type: 'JWT',
    issuer: issuer as string,
    ...(endpoints.jwks ? { jwksUri: endpoints.jwks } : {}),
    audience,
    ...(typeof validation.signatureAlgo === 'string'
      ? { algorithms: [validation.signatureAlgo as JwsAlgorithm] }
      : {}),
    claimMapping,
  };
  return { connection, roleDefinitions, accessTokenValidation };
}
