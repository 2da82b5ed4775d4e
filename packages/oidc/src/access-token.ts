/**
 * Bearer-token verification for API requests: Arthur's `accessTokenValidation`. The access-token rules
 * (signature, algorithm, `typ`, issuer, times, token kind, audience) are `internal/access-token-rules.ts`'s,
 * shared with logins that read the access token's claims; this module adds a cache of verified tokens,
 * claim mapping and role matching, and keeps the path synchronous when the keys are cached.
 *
 * @module
 */
import type { KeyObject } from 'node:crypto';
import type { ClaimMapping, Clock, Profile, RoleMatch, RoleMatcher, RoleMatchingOptions } from '@ssokit/core';
import { checkClaims, compileRoleMatcher, now as nowSymbol, resolveClaimMapping } from '@ssokit/core';
import { type JwsAlgorithm, supportedAlgorithms } from './algorithms.ts';
import { createDiscoveryCache, type DiscoveryCache } from './discovery.ts';
import type { HttpOptions } from './http-options.ts';
import {
  type AccessTokenRules,
  asAccessTokenError,
  checkAccessToken,
  parseAccessToken,
} from './internal/access-token-rules.ts';
import { clockTolerance, type ParsedJwt } from './internal/jwt.ts';
import { VerifiedToken } from './internal/verified-token.ts';
import { createJwksCache, type JwksCache } from './jwks.ts';

/**
 * Options of {@link createAccessTokenVerifier}: where the keys come from, what the token must carry,
 * and how its claims become a profile and roles.
 *
 * @example
 * ```ts
 * import type { AccessTokenVerifierOptions } from '@ssokit/oidc';
 *
 * // Entra multi-tenant access tokens, accepted from two tenants only.
 * const options: AccessTokenVerifierOptions = {
 *   issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
 *   jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
 *   tenants: ['72f988bf-86f1-41af-91ab-2d7cd011db47', 'f8cdef31-a31e-4b4a-93e4-5f571e91255a'],
 *   audience: ['api://my-api'],
 *   algorithms: ['RS256'],
 * };
 * ```
 */
export interface AccessTokenVerifierOptions extends HttpOptions {
  /** The issuer tokens must carry; its discovery document gives the JWKS URI unless `jwksUri` is set. */
  issuer?: string;
  /** Further issuers accepted (AD FS signs access tokens as `http://<host>/adfs/services/trust`). */
  additionalIssuers?: readonly string[];
  /** For a `{tenantid}` issuer: the accepted tenant ids, or `'any'` (see `matchIssuer`). Default: none. */
  tenants?: readonly string[] | 'any';
  /** Where the keys are. Required when `issuer` is not set, or is Entra's `{tenantid}` template. */
  jwksUri?: string;
  /** The audiences accepted; the token's `aud` must name at least one. Required, not empty. */
  audience: readonly string[];
  /** Allowed algorithms (Arthur's `signatureAlgo`). Default: every asymmetric algorithm, never `none` or HMAC. */
  algorithms?: readonly JwsAlgorithm[];
  /** Where profile fields and roles are read from. Default: the OIDC claim mapping. */
  claimMapping?: Partial<ClaimMapping>;
  /** Role matching of the token's groups and roles claims. Default: no roles. */
  roles?: RoleMatcher | RoleMatchingOptions;
  /** Allowed clock skew in seconds, 0 to 300. Default: 60. */
  clockToleranceSec?: number;
  /**
   * Accept only tokens whose `typ` header is `at+jwt` (or `application/at+jwt`, in any case), as
   * RFC 9068 §4 asks of resource servers for JWT access tokens. It is also the one complete defence
   * against an ID token sent as a bearer token. Turn it on when the IdP issues RFC 9068 access tokens:
   * Duende IdentityServer and panva's oidc-provider do by default, Auth0 with an API's "RFC 9068" token
   * profile, Keycloak with the client's "Use at+jwt type for access tokens" option. Default: `false`,
   * because many IdPs send `JWT` or no `typ` at all (Entra ID v1 and v2, Okta, Amazon Cognito, Keycloak
   * by default). Whatever this says, a token typed for another purpose (`logout+jwt`, `secevent+jwt`,
   * `dpop+jwt`, ...) and a token whose claims show it is an ID or logout token are refused.
   */
  requireJwtAccessTokenType?: boolean;
  /**
   * Remembers verified tokens, so a client repeating one token skips the signature check. Entries are
   * keyed by the whole token (never a prefix or a truncated hash, so no two tokens can collide), are
   * never used past the token's `exp`, and are bounded in number (oldest dropped first). `false`
   * turns it off. Default: 1000 entries.
   */
  cache?: { maxEntries: number } | false;
  /** A key cache to share with other verifiers and the login flow. Default: a new one. */
  keys?: JwksCache;
  /** A discovery cache to share. Default: a new one. */
  discovery?: DiscoveryCache;
  [nowSymbol]?: Clock;
}

/**
 * A verified bearer token. The claims are checked when the token is verified (a missing user id or a
 * malformed groups claim fails `verify`); the profile is built and the roles are matched when first
 * read, then remembered, so an API that only needs the claims pays for neither.
 *
 * @example
 * ```ts
 * import type { VerifiedAccessToken } from '@ssokit/oidc';
 *
 * function canWrite(token: VerifiedAccessToken): boolean {
 *   return token.roles.includes('editor') || token.claims.scp === 'write';
 * }
 * ```
 */
export interface VerifiedAccessToken {
  readonly claims: Readonly<Record<string, unknown>>;
  readonly profile: Profile;
  readonly roles: string[];
  readonly primaryRole: string | undefined;
  readonly roleMatch: RoleMatch;
}

/**
 * Verifies bearer tokens; made by {@link createAccessTokenVerifier}.
 *
 * @example
 * ```ts
 * import type { AccessTokenVerifier } from '@ssokit/oidc';
 *
 * async function userOf(request: Request, verifier: AccessTokenVerifier) {
 *   const header = request.headers.get('authorization') ?? '';
 *   return verifier.verify(header.replace(/^Bearer /i, ''));
 * }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export interface AccessTokenVerifier {
  /** Verifies a token (without the `Bearer ` prefix). Failures are `access_token_invalid`. */
  verify(token: string): Promise<VerifiedAccessToken>;
}

/**
 * Creates a verifier for the JWT access tokens clients send to the host's API. It checks the
 * signature with the issuer's keys, the algorithm, issuer, audience and times, and that the token is
 * an access token: `typ` `at+jwt` when `requireJwtAccessTokenType` is on (RFC 9068 §4), never a type
 * made for another purpose (`logout+jwt`, `secevent+jwt`, ...), never an ID token or logout token its
 * claims give away (`details.reason` `typ` or `token_kind`). Then it maps the claims and matches roles
 * like a login does.
 *
 * @example
 * ```ts
 * import { createAccessTokenVerifier } from '@ssokit/oidc';
 *
 * const verifier = createAccessTokenVerifier({
 *   issuer: 'https://dev.okta.com/oauth2/default',
 *   audience: ['api://default'],
 *   claimMapping: { roles: 'Groups', userId: 'EmployeeID', username: 'Login', email: 'Login' },
 *   roles: { roleDefinitions: [{ name: 'idp-admin', permissions: { custom_roles: ['read', 'write'] } }] },
 * });
 * const { profile, roles } = await verifier.verify(bearerToken);
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  if (typeof options !== 'object' || options === null)
    throw argError('"options" must be an object.', 'ERR_INVALID_ARG_TYPE');
  if (options.issuer === undefined && options.jwksUri === undefined)
    throw argError('Set "options.issuer" or "options.jwksUri".', 'ERR_INVALID_ARG_VALUE');
  if (
    !Array.isArray(options.audience) ||
    options.audience.length === 0 ||
    !options.audience.every((a) => typeof a === 'string' && a !== '')
  ) {
    throw argError(
      '"options.audience" must be a non-empty list of audience strings.',
      'ERR_INVALID_ARG_VALUE',
    );
  }
  for (const alg of options.algorithms ?? []) {
    if (!supportedAlgorithms.includes(alg)) {
      throw argError(
        `"options.algorithms" has "${String(alg)}"; supported: ${supportedAlgorithms.join(', ')}.`,
        'ERR_INVALID_ARG_VALUE',
      );
    }
  }
  if (
    options.requireJwtAccessTokenType !== undefined &&
    typeof options.requireJwtAccessTokenType !== 'boolean'
  )
    throw argError('"options.requireJwtAccessTokenType" must be a boolean.', 'ERR_INVALID_ARG_TYPE');
  const tolerance = clockTolerance(options.clockToleranceSec);
  const rules: AccessTokenRules = {
    allowed: new Set<string>(options.algorithms ?? supportedAlgorithms),
    typ: options.requireJwtAccessTokenType === true ? 'at+jwt' : 'access_token',
    issuers: options.issuer === undefined ? [] : [options.issuer, ...(options.additionalIssuers ?? [])],
    tenants: options.tenants,
    audience: new Set(options.audience),
    tolerance,
  };
  const mapping = resolveClaimMapping('oidc', options.claimMapping);
  const matcher =
    options.roles && 'match' in options.roles ? options.roles : compileRoleMatcher(options.roles);
  const keys = options.keys ?? createJwksCache(options);
  const discovery = options.discovery ?? createDiscoveryCache(options);
  const clock = options[nowSymbol] ?? Date.now;
  const maxEntries = options.cache === false ? 0 : (options.cache?.maxEntries ?? 1000);
  const cache = new Map<string, { exp: number; result: VerifiedAccessToken }>();
  let jwksUri: Promise<string> | undefined;
  let discoveredJwksUri: string | undefined;
  const resolveJwksUri = () => {
    if (options.jwksUri !== undefined) return Promise.resolve(options.jwksUri);
    jwksUri ??= discovery.get(options.issuer as string).then(
      (metadata) => {
        discoveredJwksUri = metadata.jwks_uri;
        return metadata.jwks_uri;
      },
      (error: unknown) => {
        jwksUri = undefined;
        throw error;
      },
    );
    return jwksUri;
  };

  const check = (parsed: ParsedJwt, key: KeyObject, nowSec: number, cacheKey?: string) => {
    const claims = checkAccessToken(parsed, key, rules, nowSec);
    const mapOptions = typeof claims.sub === 'string' ? { subject: claims.sub } : {};
    checkClaims(claims, mapping, mapOptions);
    const result = new VerifiedToken(claims, mapping, mapOptions, matcher);
    if (cacheKey !== undefined) {
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(cacheKey, { exp: claims.exp as number, result });
    }
    return result;
  };

  const verifySlowly = async (parsed: ParsedJwt, nowSec: number, cacheKey?: string) => {
    let key: KeyObject;
    try {
      key = await keys.keyFor(await resolveJwksUri(), parsed.header, parsed.alg);
    } catch (error) {
      throw asAccessTokenError(error);
    }
    return check(parsed, key, nowSec, cacheKey);
  };

  return {
    verify(token) {
      try {
        const nowSec = Math.floor(clock() / 1000);
        // The token itself is the key: the Map hashes it and compares whole tokens, so two tokens can
        // never share an entry. Bounded by maxEntries; an entry is never used past the token's exp.
        const cacheKey = maxEntries > 0 && typeof token === 'string' ? token : undefined;
        if (cacheKey !== undefined) {
          const hit = cache.get(cacheKey);
          if (hit && nowSec - tolerance < hit.exp) return Promise.resolve(hit.result);
          if (hit) cache.delete(cacheKey);
        }
        // RFC 9068 §4 when required; a type made for another purpose always (RFC 8725 §3.11).
        const parsed = parseAccessToken(token, rules);
        // The hot path stays synchronous: a configured (or already discovered) JWKS URI whose keys are
        // cached and fresh. Anything else (first use, rotation, discovery) takes the async path.
        const uri = options.jwksUri ?? discoveredJwksUri;
        const key = uri === undefined ? undefined : keys.cachedKey?.(uri, parsed.header, parsed.alg);
        if (key === undefined) return verifySlowly(parsed, nowSec, cacheKey);
        return Promise.resolve(check(parsed, key, nowSec, cacheKey));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}

function argError(message: string, code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE'): TypeError {
  return Object.assign(new TypeError(message), { code });
}
