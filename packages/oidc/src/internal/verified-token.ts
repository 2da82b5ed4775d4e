/**
 * The result of the bearer verifier (`../access-token.ts`): a verified token whose profile and roles
 * are computed when first read.
 */
import type { ClaimMapping, Profile, RoleMatch, RoleMatcher } from '@ssokit/core';
import { mapClaims } from '@ssokit/core';
import type { VerifiedAccessToken } from '../access-token.ts';

/**
 * The result object. Its accessors live on the prototype and its lazy state in private fields, so a
 * verification allocates one small object (a verifier serves thousands a second). Frozen.
 */
export class VerifiedToken implements VerifiedAccessToken {
  readonly claims: Readonly<Record<string, unknown>>;
  readonly #mapping: ClaimMapping;
  readonly #mapOptions: { subject?: string };
  readonly #matcher: RoleMatcher;
  #profile: Profile | undefined;
  #match: RoleMatch | undefined;

  constructor(
    claims: Record<string, unknown>,
    mapping: ClaimMapping,
    mapOptions: { subject?: string },
    matcher: RoleMatcher,
  ) {
    this.claims = Object.freeze(claims);
    this.#mapping = mapping;
    this.#mapOptions = mapOptions;
    this.#matcher = matcher;
    Object.freeze(this);
  }

  get profile(): Profile {
    this.#profile ??= mapClaims(this.claims, this.#mapping, this.#mapOptions);
    return this.#profile;
  }

  get roleMatch(): RoleMatch {
    if (this.#match === undefined) {
      const { groups, roles } = this.profile;
      const names = groups.state === 'present' ? groups.values : [];
      this.#match = this.#matcher.match(roles ? [...names, ...roles] : names);
    }
    return this.#match;
  }

  get roles(): string[] {
    return this.roleMatch.roles;
  }

  get primaryRole(): string | undefined {
    return this.roleMatch.primaryRole;
  }

  /** The verified token as plain data (what `JSON.stringify` writes): claims, profile and roles. */
  toJSON(): Record<string, unknown> {
    return { claims: this.claims, profile: this.profile, roles: this.roles, primaryRole: this.primaryRole };
  }
}
