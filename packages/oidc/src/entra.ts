/**
 * What Microsoft Entra ID does differently from other OpenID Providers, in one place:
 *
 * - **Multi-tenant issuers.** The `common` and `organizations` endpoints publish the issuer as a
 *   template, `https://login.microsoftonline.com/{tenantid}/v2.0`, and each token carries its own
 *   tenant's issuer. {@link matchIssuer} is the one implementation of that rule, used by discovery,
 *   the callback's RFC 9207 check, ID token and bearer token validation, and the Test Provider.
 * - **Group overage.** Past 200 groups (JWT) Entra leaves the `groups` claim out and points at
 *   Microsoft Graph instead (`_claim_names.groups`, or `hasgroups: true` in implicit-flow tokens).
 *   ssokit asks Graph for the user's groups; if it cannot, the groups claim is *unresolvable*, never
 *   empty, so group sync keeps memberships as they are.
 *
 * @module
 */
import type { GroupsClaim } from '@ssokit/core';
import { SsoError } from '@ssokit/core';
import type { HttpOptions } from './http-options.ts';
import { assertIdpUrl, jsonObject, requestIdp } from './internal/http.ts';

/** The placeholder for the tenant id in the issuer of Entra's multi-tenant endpoints. */
const PLACEHOLDER = '{tenantid}';
/**
 * What a tenant id may be: letters, digits and hyphens (Entra's are GUIDs). Never `/`, `.`, `%`, `?`,
 * `#`, `@` or `:`, so a "tenant" can never stand for another path, host or query.
 */
const TENANT_ID = /^[0-9A-Za-z-]{1,64}$/;

/**
 * The outcome of {@link matchIssuer}.
 *
 * @example
 * ```ts
 * import { type IssuerMatch, matchIssuer } from '@ssokit/oidc';
 *
 * const match: IssuerMatch = matchIssuer(iss, 'https://login.microsoftonline.com/{tenantid}/v2.0', ['72f988bf-86f1-41af-91ab-2d7cd011db47']);
 * if (!match.matches && match.reason === 'tenant_not_accepted') console.warn(`tenant ${match.tenant} is not accepted`);
 * ```
 */
export type IssuerMatch =
  | {
      readonly matches: true;
      /** The tenant id taken from `iss`, when the expected issuer is the `{tenantid}` template. */
      readonly tenant: string | undefined;
    }
  | {
      readonly matches: false;
      /**
       * `issuer`: `iss` is not the expected issuer, nor the template filled with one well-formed tenant
       * id. `tenants_unset`: it is, but `tenants` is not set, so no tenant is accepted.
       * `tenant_not_accepted`: it is, but that tenant is not in `tenants`.
       */
      readonly reason: 'issuer' | 'tenants_unset' | 'tenant_not_accepted';
      /** The tenant id taken from `iss`, for the two tenant reasons. */
      readonly tenant: string | undefined;
    };

const SAME: IssuerMatch = Object.freeze({ matches: true, tenant: undefined });
const DIFFERENT: IssuerMatch = Object.freeze({ matches: false, reason: 'issuer', tenant: undefined });

/**
 * Whether an issuer value (a token's `iss`, an RFC 9207 `iss` callback parameter) is the issuer a
 * connection expects. An expected issuer without `{tenantid}` must equal `iss` exactly. Entra's
 * template (`https://login.microsoftonline.com/{tenantid}/v2.0`, as the `common` and `organizations`
 * discovery documents give it; it must hold the placeholder once) matches when `iss` is the template
 * with one tenant id in its place (letters, digits and hyphens, 1 to 64 characters; never a `/` or
 * any other character that could reach another path), and that tenant is accepted by `tenants`:
 * `'any'` accepts every tenant, a list accepts those ids, and `undefined` (not configured) accepts
 * none. The tenant is read from `iss` alone; ID token validation also requires the token's `tid` to
 * name the same tenant.
 *
 * @param iss The issuer to check.
 * @param expected The configured or discovered issuer, possibly the `{tenantid}` template.
 * @param tenants The connection's `tenants` setting.
 * @returns `{ matches: true, tenant }`, or `{ matches: false, reason, tenant }` saying why not.
 *
 * @example
 * ```ts
 * import { matchIssuer } from '@ssokit/oidc';
 *
 * const template = 'https://login.microsoftonline.com/{tenantid}/v2.0';
 * const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47';
 * matchIssuer(`https://login.microsoftonline.com/${tid}/v2.0`, template, [tid]);
 * // { matches: true, tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47' }
 * matchIssuer('https://login.microsoftonline.com/a/b/v2.0', template, 'any');
 * // { matches: false, reason: 'issuer', tenant: undefined }
 * matchIssuer('https://sso.example.com/realms/acme', 'https://sso.example.com/realms/acme');
 * // { matches: true, tenant: undefined }
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/claims-validation
 */
export function matchIssuer(iss: string, expected: string, tenants?: readonly string[] | 'any'): IssuerMatch {
  const at = expected.indexOf(PLACEHOLDER);
  if (at === -1) return iss === expected ? SAME : DIFFERENT;
  const tenant = tenantIn(iss, expected, at);
  if (tenant === undefined) return DIFFERENT;
  if (tenants === undefined) return { matches: false, reason: 'tenants_unset', tenant };
  if (tenants === 'any') return { matches: true, tenant };
  if (!Array.isArray(tenants)) {
    throw Object.assign(new TypeError('"tenants" must be a list of tenant ids, or "any".'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  }
  return tenants.includes(tenant)
    ? { matches: true, tenant }
    : { matches: false, reason: 'tenant_not_accepted', tenant };
}

/**
 * Whether an issuer is Microsoft Entra's (v2 `login.microsoftonline.com`, v1 `sts.windows.net`, and
 * the national clouds): only then is a group overage resolved through Microsoft Graph.
 */
export function isEntraIssuer(iss: string): boolean {
  try {
    return /^(?:login\.microsoftonline\.(?:com|us)|sts\.windows\.net|login\.partner\.microsoftonline\.cn|login\.chinacloudapi\.cn)$/.test(
      new URL(iss).hostname,
    );
  } catch {
    return false;
  }
}

/** Whether an issuer is Entra's multi-tenant template (holds `{tenantid}`). */
export function isIssuerTemplate(issuer: string): boolean {
  return issuer.includes(PLACEHOLDER);
}

/** Whether a value (a token's `tid` claim) is a well-formed tenant id. */
export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID.test(value);
}

/** The tenant id that, put in the template's placeholder (at `at`), gives `iss`; or undefined. */
function tenantIn(iss: string, template: string, at: number): string | undefined {
  const before = template.slice(0, at);
  const after = template.slice(at + PLACEHOLDER.length);
  // A template with a second placeholder never matches: only one tenant can be read from an issuer.
  if (after.includes(PLACEHOLDER)) return undefined;
  if (iss.length <= before.length + after.length || !iss.startsWith(before) || !iss.endsWith(after))
    return undefined;
  const tenant = iss.slice(before.length, iss.length - after.length);
  return TENANT_ID.test(tenant) ? tenant : undefined;
}

/**
 * Options of Entra overage resolution ({@link resolveGroupOverage}, and `processCallback`'s
 * `entraOverage`).
 *
 * @example
 * ```ts
 * import type { EntraOverageOptions } from '@ssokit/oidc';
 *
 * // A national cloud.
 * const options: EntraOverageOptions = { graphBaseUrl: 'https://graph.microsoft.us/v1.0', timeoutMs: 5_000 };
 * ```
 */
export interface EntraOverageOptions extends HttpOptions {
  /**
   * The Microsoft Graph base URL. Never taken from the token (its `_claim_sources` endpoint is the
   * retired Azure AD Graph, and a URL from a token is not one to send an access token to).
   * Default: `https://graph.microsoft.com/v1.0` (use the national-cloud host where needed).
   */
  graphBaseUrl?: string;
}

/**
 * Whether the claims carry Entra's overage indication (`_claim_names.groups`, or `hasgroups`) instead
 * of the groups.
 *
 * @example
 * ```ts
 * import { hasGroupOverage } from '@ssokit/oidc';
 *
 * hasGroupOverage({ _claim_names: { groups: 'src1' }, _claim_sources: { src1: {} } }); // true
 * hasGroupOverage({ groups: ['a1b2'] }); // false
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference#groups-overage-claim
 */
export function hasGroupOverage(claims: Readonly<Record<string, unknown>>): boolean {
  const names = claims._claim_names;
  const viaNames = typeof names === 'object' && names !== null && 'groups' in names;
  return (
    (viaNames || claims.hasgroups === true || claims.hasgroups === 'true') && !Array.isArray(claims.groups)
  );
}

/**
 * Resolves Entra's group overage through Microsoft Graph (`POST /me/getMemberObjects`, which lists
 * the object ids of every group, transitively). Returns `undefined` when the claims have no overage,
 * `{ state: 'present', values }` when Graph answered, and `{ state: 'unresolvable', reason }` when it
 * could not be asked (no access token, as in the implicit flow) or failed.
 *
 * The access token must be valid for Graph (scope `GroupMember.Read.All` or `Directory.Read.All`, or
 * `User.Read` with the `groupMembershipClaims` set to security groups).
 *
 * @example
 * ```ts
 * import { resolveGroupOverage } from '@ssokit/oidc';
 *
 * const groups = await resolveGroupOverage(claims, tokens.accessToken);
 * if (groups?.state === 'unresolvable') console.warn(groups.reason);
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference#groups-overage-claim
 */
export async function resolveGroupOverage(
  claims: Readonly<Record<string, unknown>>,
  accessToken: string | undefined,
  options: EntraOverageOptions = {},
): Promise<GroupsClaim | undefined> {
  if (!hasGroupOverage(claims)) return undefined;
  if (accessToken === undefined) {
    return {
      state: 'unresolvable',
      reason:
        'Entra sent a group overage indication, and this flow has no access token to ask Microsoft Graph with.',
    };
  }
  try {
    const base = (options.graphBaseUrl ?? 'https://graph.microsoft.com/v1.0').replace(/\/$/, '');
    const url = assertIdpUrl(`${base}/me/getMemberObjects`, 'Microsoft Graph', options, 'idp_unreachable');
    const response = await requestIdp(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({ securityEnabledOnly: false }),
      },
      'Microsoft Graph',
      options,
    );
    const body = jsonObject(response, 'Microsoft Graph', 'idp_unreachable');
    const value = body.value;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      return {
        state: 'unresolvable',
        reason: `Microsoft Graph at ${response.url} answered without a list of group ids.`,
      };
    }
    return { state: 'present', values: value as string[] };
  } catch (error) {
    return {
      state: 'unresolvable',
      reason:
        error instanceof SsoError ? error.message : 'Microsoft Graph could not be asked for the groups.',
    };
  }
}
