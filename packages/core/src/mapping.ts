/**
 * Claim mapping: from raw claims to a {@link Profile}.
 *
 * @module
 */
import { readClaim, toBoolean, toSingleString, toStringList } from './claims.ts';
import { SsoError } from './errors.ts';
import type { ClaimMapping, ClaimPath } from './types.ts';

/**
 * The three states of a groups claim, each handled on purpose by group sync:
 * - `absent`: the claim is not there; change nothing.
 * - `present`: the IdP sent a list (maybe empty; an empty list removes what this connection granted).
 * - `unresolvable`: the IdP said there are groups but they could not be read (Entra overage whose
 *   Graph lookup failed); keep memberships as they are and report `reason`.
 */
export type GroupsClaim =
  | { readonly state: 'absent' }
  | { readonly state: 'present'; readonly values: readonly string[] }
  | { readonly state: 'unresolvable'; readonly reason: string };

/** The user as the IdP describes them, after claim mapping. */
export interface Profile {
  /**
   * The mapped user id (claim mapping `userId`), or the identity's subject when `userId` is unmapped
   * (`''`, the SAML default, where the NameID is the user id).
   */
  externalId: string;
  username?: string;
  email?: string;
  /** Whether the email counts as verified (the IdP's flag, or the connection's `trustEmail`). */
  emailVerified: boolean;
  name?: string;
  givenName?: string;
  familyName?: string;
  picture?: string;
  groups: GroupsClaim;
  /** Roles the IdP states directly (claim mapping `roles`); `undefined` when absent or unmapped. */
  roles?: string[];
}

/** Options of {@link mapClaims}. */
export interface MapClaimsOptions {
  /** Used as `externalId` when the mapping's `userId` is unmapped (`''`): the SAML NameID. */
  subject?: string;
  /** Treat the email as verified when the claims have no verification flag. Default: `false`. */
  trustEmail?: boolean;
  /** Groups resolved by the protocol layer (e.g. Entra overage); replaces the mapped groups claim. */
  groups?: GroupsClaim;
}

const MAX_GROUPS = 100_000;

/**
 * Maps raw claims (ID token + userinfo, or SAML attributes) to a {@link Profile}.
 *
 * `name` is derived from given and family name when the IdP sends no full name. A groups or roles claim
 * may be one string or a list. Throws `claim_missing` when a mapped user id is absent (or `userId` is
 * unmapped and no `subject` is given), and `claim_invalid`
 * when a groups claim is neither a string nor a list, or is absurdly long.
 *
 * @example
 * ```ts
 * import { mapClaims, resolveClaimMapping } from '@ssokit/core';
 *
 * const profile = mapClaims(
 *   { sub: '42', email: 'ada@example.com', email_verified: 'true', given_name: 'Ada', family_name: 'Lovelace',
 *     'cognito:groups': ['admins'] },
 *   resolveClaimMapping('oidc', { groups: 'cognito:groups' }),
 * );
 * profile.name; // 'Ada Lovelace'
 * profile.groups; // { state: 'present', values: ['admins'] }
 * ```
 */
export function mapClaims(
  claims: Readonly<Record<string, unknown>>,
  mapping: ClaimMapping,
  options: MapClaimsOptions = {},
): Profile {
  const externalId = checkClaims(claims, mapping, options);
  const email = toSingleString(readClaim(claims, mapping.email));
  const verifiedFlag = toBoolean(unwrap(readClaim(claims, mapping.emailVerified)));
  const givenName = toSingleString(readClaim(claims, mapping.givenName));
  const familyName = toSingleString(readClaim(claims, mapping.familyName));
  const name =
    toSingleString(readClaim(claims, mapping.name)) ??
    ([givenName, familyName].filter(Boolean).join(' ') || undefined);

  const profile: Profile = {
    externalId,
    emailVerified: email !== undefined && (verifiedFlag ?? options.trustEmail === true),
    groups: options.groups ?? readGroups(claims, mapping.groups),
  };
  assign(profile, 'username', toSingleString(readClaim(claims, mapping.username)));
  assign(profile, 'email', email);
  assign(profile, 'name', name);
  assign(profile, 'givenName', givenName);
  assign(profile, 'familyName', familyName);
  assign(profile, 'picture', toSingleString(readClaim(claims, mapping.picture)));
  const roles = readGroups(claims, mapping.roles);
  if (roles.state === 'present') profile.roles = roles.values as string[];
  return profile;
}

/**
 * Checks that claims can be mapped, without building the profile: the user id is there, and the groups
 * and roles claims have a usable shape. Throws exactly what {@link mapClaims} would (`claim_missing`,
 * `claim_invalid`) and returns the user id. For callers that validate eagerly and map on demand.
 *
 * @example
 * ```ts
 * import { checkClaims, resolveClaimMapping } from '@ssokit/core';
 *
 * checkClaims({ sub: '42', groups: 'admins' }, resolveClaimMapping('oidc')); // '42'
 * ```
 */
export function checkClaims(
  claims: Readonly<Record<string, unknown>>,
  mapping: ClaimMapping,
  options: MapClaimsOptions = {},
): string {
  const unmapped = mapping.userId === '' || mapping.userId.length === 0;
  const externalId = unmapped ? options.subject : toSingleString(readClaim(claims, mapping.userId));
  if (externalId === undefined) {
    throw new SsoError(
      'claim_missing',
      `The identity provider sent no user id in claim ${describePath(mapping.userId)}. Map "userId" to a claim the IdP sends.`,
      { details: { field: 'userId', path: mapping.userId } },
    );
  }
  if (!options.groups) checkListShape(readClaim(claims, mapping.groups), mapping.groups, 'groups');
  checkListShape(readClaim(claims, mapping.roles), mapping.roles, 'roles');
  return externalId;
}

function checkListShape(raw: unknown, path: ClaimPath, field: string): void {
  if (raw === undefined || raw === null) return;
  if (typeof raw !== 'string' && !Array.isArray(raw)) {
    throw new SsoError(
      'claim_invalid',
      `The ${field} claim ${describePath(path)} must be a string or a list of strings, not ${typeof raw}.`,
      { details: { field, path } },
    );
  }
  if (Array.isArray(raw) && raw.length > MAX_GROUPS) {
    throw new SsoError('claim_invalid', `The ${field} claim has more than ${MAX_GROUPS} entries.`, {
      details: { field, path, count: raw.length },
    });
  }
}

function readGroups(claims: Readonly<Record<string, unknown>>, path: ClaimPath): GroupsClaim {
  const raw = readClaim(claims, path);
  if (raw === undefined || raw === null) return { state: 'absent' };
  return { state: 'present', values: toStringList(raw) ?? [] };
}

function unwrap(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function assign<K extends keyof Profile>(profile: Profile, key: K, value: Profile[K] | undefined): void {
  if (value !== undefined) profile[key] = value;
}

function describePath(path: ClaimPath): string {
  if (typeof path === 'string') return path === '' ? '(unmapped)' : `"${path}"`;
  return path.length === 0 ? '(unmapped)' : path.map((p) => `"${p}"`).join(' or ');
}
