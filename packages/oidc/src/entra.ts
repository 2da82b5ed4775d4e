/**
 * Microsoft Entra ID group overage: past 200 groups (JWT) Entra leaves the `groups` claim out and
 * points at Microsoft Graph instead (`_claim_names.groups`, or `hasgroups: true` in implicit-flow
 * tokens). ssokit asks Graph for the user's groups; if it cannot, the groups claim is *unresolvable*,
 * never empty, so group sync keeps memberships as they are.
 *
 * @module
 */
import type { GroupsClaim } from '@ssokit/core';
import { SsoError } from '@ssokit/core';
import { assertIdpUrl, type HttpOptions, jsonObject, requestIdp } from './internal/http.ts';

/** Options of Entra overage resolution. */
export interface EntraOverageOptions extends HttpOptions {
  /**
   * The Microsoft Graph base URL. Never taken from the token (its `_claim_sources` endpoint is the
   * retired Azure AD Graph, and a URL from a token is not one to send an access token to).
   * Default: `https://graph.microsoft.com/v1.0` (use the national-cloud host where needed).
   */
  graphBaseUrl?: string;
}

/** Whether the claims carry Entra's overage indication instead of the groups. */
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
