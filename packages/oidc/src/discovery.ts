/**
 * OpenID Provider discovery, with a cache, and endpoint overrides that complete or replace it.
 *
 * @module
 */

import type { Clock, OidcSettings } from '@ssokit/core';
import { now as nowSymbol, SsoError } from '@ssokit/core';
import { matchIssuer } from './entra.ts';
import type { HttpOptions } from './http-options.ts';
import { assertIdpUrl, jsonObject, requestIdp } from './internal/http.ts';

/**
 * The provider metadata ssokit uses (OpenID Connect Discovery §3, RFC 8414, RFC 9207): the validated
 * discovery document, with a connection's endpoint overrides applied.
 *
 * @example
 * ```ts
 * import { buildAuthorizationRequest, type ProviderMetadata } from '@ssokit/oidc';
 *
 * const metadata: ProviderMetadata = {
 *   issuer: 'https://sso.example.com/realms/acme',
 *   authorization_endpoint: 'https://sso.example.com/realms/acme/protocol/openid-connect/auth',
 *   jwks_uri: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
 * };
 * const { url } = buildAuthorizationRequest(connection.oidc, metadata, { redirectUri });
 * ```
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export interface ProviderMetadata {
  /** The issuer tokens must carry; may be Entra's `{tenantid}` template. */
  issuer: string;
  authorization_endpoint: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  jwks_uri: string;
  end_session_endpoint?: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  code_challenge_methods_supported?: string[];
  response_modes_supported?: string[];
  response_types_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  [member: string]: unknown;
}

/**
 * The URL of an issuer's discovery document: its issuer, less a trailing slash, plus the well-known path.
 *
 * @example
 * ```ts
 * import { discoveryUrl } from '@ssokit/oidc';
 *
 * discoveryUrl('https://common.auth0.com/'); // 'https://common.auth0.com/.well-known/openid-configuration'
 * ```
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationRequest
 */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

const ENDPOINT_MEMBERS = [
  ['authorization_endpoint', true],
  ['token_endpoint', false],
  ['userinfo_endpoint', false],
  ['jwks_uri', true],
  ['end_session_endpoint', false],
  ['revocation_endpoint', false],
  ['introspection_endpoint', false],
] as const;

/**
 * Validates a discovery document for the configured issuer. The document's `issuer` must equal it,
 * except that Entra's multi-tenant endpoints (`.../common/v2.0`, `.../organizations/v2.0`) answer with
 * the `{tenantid}` template, which is accepted and becomes the issuer tokens are checked against.
 * Every endpoint must be https (or http on a loopback host). Throws `discovery_failed` naming what is
 * wrong.
 *
 * @example
 * ```ts
 * import { processDiscoveryDocument } from '@ssokit/oidc';
 *
 * const metadata = processDiscoveryDocument('https://accounts.google.com', await (await fetch(url)).json());
 * metadata.jwks_uri; // 'https://www.googleapis.com/oauth2/v3/certs'
 * ```
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation
 */
export function processDiscoveryDocument(
  issuer: string,
  document: unknown,
  options: HttpOptions = {},
): ProviderMetadata {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new SsoError('discovery_failed', `The discovery document of ${issuer} is not a JSON object.`);
  }
  const doc = document as Record<string, unknown>;
  if (typeof doc.issuer !== 'string')
    throw new SsoError('discovery_failed', `The discovery document of ${issuer} has no "issuer".`);
  if (!issuerMatchesDocument(issuer, doc.issuer)) {
    const hint =
      doc.issuer.replace(/\/$/, '') === issuer.replace(/\/$/, '')
        ? ' They differ only in the trailing slash: configure the issuer exactly as the IdP writes it.'
        : ' Configure the issuer exactly as the IdP writes it (behind a proxy, check its public host name).';
    throw new SsoError(
      'discovery_failed',
      `The discovery document says its issuer is "${clip(doc.issuer)}", not the configured "${issuer}".${hint}`,
      {
        details: { expected: issuer, actual: clip(doc.issuer) },
      },
    );
  }
  for (const [member, required] of ENDPOINT_MEMBERS) {
    const value = doc[member];
    if (value === undefined && !required) continue;
    if (typeof value !== 'string') {
      throw new SsoError(
        'discovery_failed',
        `The discovery document of ${issuer} has no valid "${member}".`,
        { details: { member } },
      );
    }
    assertIdpUrl(value, `the ${member.replace(/_/g, ' ')}`, options);
  }
  for (const member of [
    'code_challenge_methods_supported',
    'response_modes_supported',
    'id_token_signing_alg_values_supported',
  ]) {
    const value = doc[member];
    if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      throw new SsoError(
        'discovery_failed',
        `The discovery document member "${member}" of ${issuer} is not a list of strings.`,
      );
    }
  }
  return doc as ProviderMetadata;
}

/** The tenant segments of Entra's multi-tenant endpoints, whose discovery issuer is the template. */
const MULTI_TENANT_SEGMENTS = ['common', 'organizations'] as const;

/**
 * The configured issuer is the documented one; or, for Entra's multi-tenant endpoints, the documented
 * `{tenantid}` template with `common` or `organizations` in the tenant's place.
 */
function issuerMatchesDocument(configured: string, documented: string): boolean {
  return matchIssuer(configured, documented, MULTI_TENANT_SEGMENTS).matches;
}

/**
 * Options of {@link discover} and {@link createDiscoveryCache}.
 *
 * @example
 * ```ts
 * import { createDiscoveryCache, type DiscoveryOptions } from '@ssokit/oidc';
 *
 * const options: DiscoveryOptions = { maxAgeMs: 15 * 60_000, timeoutMs: 5_000 };
 * const discovery = createDiscoveryCache(options);
 * ```
 */
export interface DiscoveryOptions extends HttpOptions {
  /** How long a discovery document is reused, in ms. Default: 3600000 (1 hour). */
  maxAgeMs?: number;
  /**
   * How long a failed discovery is remembered, in ms: meanwhile `get` answers with the same error
   * without asking the IdP again. Login starts are anonymous, so without it every one of them would
   * make this server fetch the document. Default: 30000.
   */
  retryAfterMs?: number;
  [nowSymbol]?: Clock;
}

/**
 * Fetches and validates an issuer's discovery document. Failures are `discovery_failed` (a bad
 * document, or an HTTP error status, naming the URL and status) or `idp_unreachable` (no answer).
 *
 * @example
 * ```ts
 * import { discover } from '@ssokit/oidc';
 *
 * const metadata = await discover('https://sso.example.com/realms/acme');
 * ```
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
export async function discover(issuer: string, options: DiscoveryOptions = {}): Promise<ProviderMetadata> {
  assertIdpUrl(issuer, 'the issuer', options);
  const url = assertIdpUrl(discoveryUrl(issuer), 'the discovery URL', options);
  const response = await requestIdp(
    url,
    { headers: { accept: 'application/json' } },
    'the discovery document',
    options,
  );
  return processDiscoveryDocument(
    issuer,
    jsonObject(response, 'the discovery document', 'discovery_failed'),
    options,
  );
}

/**
 * A cache of discovery documents by issuer; made by {@link createDiscoveryCache}.
 *
 * @example
 * ```ts
 * import type { DiscoveryCache } from '@ssokit/oidc';
 *
 * async function refresh(discovery: DiscoveryCache, issuer: string) {
 *   discovery.clear(issuer);
 *   return discovery.get(issuer);
 * }
 * ```
 */
export interface DiscoveryCache {
  /** The issuer's discovery document, fetched and checked when missing or older than `maxAgeMs`. */
  get(issuer: string): Promise<ProviderMetadata>;
  /** Forgets one issuer, or all. */
  clear(issuer?: string): void;
}

/**
 * Creates a discovery cache: one fetch per issuer per `maxAgeMs`, shared by concurrent callers; a
 * failure is remembered for `retryAfterMs`.
 *
 * @example
 * ```ts
 * import { createDiscoveryCache } from '@ssokit/oidc';
 *
 * const discovery = createDiscoveryCache({ maxAgeMs: 15 * 60_000 });
 * const metadata = await discovery.get('https://accounts.google.com');
 * ```
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
export function createDiscoveryCache(options: DiscoveryOptions = {}): DiscoveryCache {
  const maxAgeMs = options.maxAgeMs ?? 3_600_000;
  const clock = options[nowSymbol] ?? Date.now;
  const retryAfterMs = options.retryAfterMs ?? 30_000;
  const entries = new Map<string, { at: number; value: Promise<ProviderMetadata>; failed?: boolean }>();
  return {
    get(issuer) {
      const entry = entries.get(issuer);
      if (entry && clock() - entry.at < (entry.failed ? retryAfterMs : maxAgeMs)) return entry.value;
      const value = discover(issuer, options);
      const fresh: { at: number; value: Promise<ProviderMetadata>; failed?: boolean } = {
        at: clock(),
        value,
      };
      entries.set(issuer, fresh);
      value.catch(() => {
        // Remembered as failed from now: the same error until retryAfterMs has passed.
        if (entries.get(issuer) === fresh) {
          fresh.failed = true;
          fresh.at = clock();
        }
      });
      return value;
    },
    clear(issuer) {
      if (issuer === undefined) entries.clear();
      else entries.delete(issuer);
    },
  };
}

/**
 * The metadata a connection uses: its endpoint overrides over the discovery document. When the
 * overrides name the authorization endpoint, the JWKS and (for the code flow) the token endpoint,
 * discovery is skipped entirely, for IdPs whose discovery endpoint cannot be reached (Arthur's
 * `endpointOverrides`).
 *
 * @example
 * ```ts
 * import { createDiscoveryCache, resolveProviderMetadata } from '@ssokit/oidc';
 *
 * const metadata = await resolveProviderMetadata(connection.oidc, createDiscoveryCache());
 * ```
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export async function resolveProviderMetadata(
  settings: Pick<OidcSettings, 'issuer' | 'endpoints' | 'flow'>,
  cache: DiscoveryCache,
  options: HttpOptions = {},
): Promise<ProviderMetadata> {
  const e = settings.endpoints ?? {};
  const overrides: Partial<ProviderMetadata> = {};
  const pairs: [keyof typeof e, string][] = [
    ['authorization', 'authorization_endpoint'],
    ['token', 'token_endpoint'],
    ['userinfo', 'userinfo_endpoint'],
    ['jwks', 'jwks_uri'],
    ['endSession', 'end_session_endpoint'],
    ['revocation', 'revocation_endpoint'],
    ['introspection', 'introspection_endpoint'],
  ];
  for (const [key, member] of pairs) {
    const value = e[key];
    if (value !== undefined)
      overrides[member] = assertIdpUrl(value, `the "${key}" endpoint override`, options).href;
  }
  const complete =
    overrides.authorization_endpoint &&
    overrides.jwks_uri &&
    (settings.flow === 'implicit' || overrides.token_endpoint);
  if (complete) return { issuer: settings.issuer, ...overrides } as ProviderMetadata;
  const discovered = await cache.get(settings.issuer);
  return { ...discovered, ...overrides };
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
