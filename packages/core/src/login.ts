/**
 * The login pipeline: from validated claims to a user with roles and synced groups.
 *
 * Its tests need a store, so they live with `memoryStorage()` in `packages/storage/test/`:
 * `login-pipeline.test.ts`, `login-preview.test.ts`, `login-policy.security.test.ts`,
 * `account-linking.security.test.ts` and `group-claim-states.security.test.ts`.
 *
 * @module
 */

import type { AuditEvent, AuditHook } from './audit.ts';
import { emitAudit } from './audit.ts';
import { resolveClaimMapping, resolveGroupSync, resolveProvisioning } from './connection-defaults.ts';
import { inEmailDomains, ownsEmail } from './email-owner.ts';
import type { SsoErrorCode } from './errors.ts';
import { isSsoError, SsoError } from './errors.ts';
import type { GroupSyncPlan } from './group-sync.ts';
import { planGroupSync } from './group-sync.ts';
import { assertFunction, assertNonEmptyString, assertObject } from './internal/assert.ts';
import type { GroupsClaim, Profile } from './mapping.ts';
import { mapClaims } from './mapping.ts';
import type { RoleMatch, RoleMatcher, RoleMatchingOptions } from './roles.ts';
import { compileRoleMatcher } from './roles.ts';
import type { Clock } from './symbols.ts';
import { now as nowSymbol } from './symbols.ts';
import type { Connection, Group, IdentityKey, Membership, MembershipSource, User } from './types.ts';

/** The profile fields a login writes onto the user. */
export type UserProfileFields = Pick<
  User,
  'email' | 'emailVerified' | 'username' | 'name' | 'givenName' | 'familyName' | 'picture'
>;

/**
 * Everything one login writes, committed atomically by {@link LoginStore.commitLogin}.
 */
export interface LoginCommit {
  /** The user: an existing one (updated, and activated if invited) or one to create. */
  user:
    | { kind: 'existing'; id: string; profile: UserProfileFields }
    | { kind: 'create'; profile: UserProfileFields };
  /** The identity used; `link: true` creates the link, otherwise only its `lastLoginAt` is updated. */
  identity: { key: IdentityKey; connectionId: string; link: boolean };
  /** Membership changes, all of `source`. Adding an existing one and removing a missing one are no-ops. */
  memberships: { source: MembershipSource; add: string[]; remove: string[] };
  /** The time of the login, for `updatedAt`, `createdAt` and `lastLoginAt`. */
  at: Date;
}

/**
 * What the login pipeline needs from storage. `@ssokit/storage`'s `SsoStorage.login` implements it.
 *
 * `commitLogin` must be atomic: either everything in the commit is written or nothing is. It throws an
 * `SsoError` with code `storage_conflict` and writes nothing when the identity to link is already
 * linked (`details.reason: 'identity'`, a concurrent first login won the race) or the user's new email
 * belongs to another user (`details.reason: 'email'`); the pipeline then resolves again. A membership
 * to add whose group no longer exists is skipped.
 */
export interface LoginStore {
  /** The user linked to this IdP identity, or `null`. */
  findUserByIdentity(key: IdentityKey): Promise<User | null>;
  /** Case-insensitive on the email. */
  findUserByEmail(email: string): Promise<User | null>;
  /** The app groups whose name (or external id) is one of `values`. */
  findGroups(query: {
    values: readonly string[];
    matchBy: 'name' | 'externalId';
    caseInsensitive: boolean;
  }): Promise<Group[]>;
  /** Every membership of the user, whatever its source. */
  listMemberships(userId: string): Promise<Membership[]>;
  /** Writes the commit atomically and returns the user as stored afterwards. */
  commitLogin(commit: LoginCommit): Promise<User>;
}

/** What a protocol package hands to the pipeline after validating the IdP's answer. */
export interface LoginInput {
  connection: Connection;
  /** `(issuer, sub)` for OIDC, `(IdP entityID, NameID)` for SAML. */
  identity: IdentityKey;
  /** The validated claims (ID token + userinfo) or SAML attributes. */
  claims: Readonly<Record<string, unknown>>;
  /** Groups resolved by the protocol layer (Entra overage), replacing the mapped groups claim. */
  groups?: GroupsClaim;
}

/** Dependencies of {@link completeLogin}. */
export interface LoginDependencies {
  store: LoginStore;
  /** Role matching: a compiled matcher or its options. Default: no roles. */
  roles?: RoleMatcher | RoleMatchingOptions;
  audit?: AuditHook;
  /** Receives failures of the audit hook. Default: ignore them. */
  onAuditError?: (error: unknown, event: AuditEvent) => void;
  [nowSymbol]?: Clock;
}

/** The outcome of a successful login. */
export interface LoginResult {
  user: User;
  profile: Profile;
  identity: IdentityKey;
  /** Roles granted, in priority order (see `RoleMatch.roles`). */
  roles: string[];
  primaryRole: string | undefined;
  roleMatch: RoleMatch;
  /** The group-sync plan that was applied; `null` when group sync is off for the connection. */
  groupSync: GroupSyncPlan | null;
  /**
   * The app groups the IdP's groups matched (group sync on; else empty), with their names: with
   * `groupSync.kept` and `groupSync.add` they give the user's groups after the login without reading
   * the memberships again.
   */
  matchedGroups: Group[];
  /** How the user was found: by linked identity, or newly linked through one of the `via` paths. */
  resolution: 'identity' | 'created' | 'invitation' | 'email';
}

const MAX_ATTEMPTS = 3;

/**
 * Completes a login once a protocol package has validated the IdP's answer:
 * map claims → apply the policy (verified email, just-in-time or invited-only) → resolve the user
 * (linked identity first, then an invited user by verified email, then create if allowed) → plan group
 * sync → commit user, identity and memberships atomically → match roles → emit audit events.
 *
 * Every refusal is an {@link SsoError} with a stable code, emits `login.failed`, and writes nothing.
 *
 * @example
 * ```ts
 * import { completeLogin } from '@ssokit/core';
 * import { memoryStorage } from '@ssokit/storage';
 *
 * const storage = memoryStorage();
 * const result = await completeLogin(
 *   { connection, identity: { issuer: 'https://idp.example.com', subject: '42' }, claims },
 *   { store: storage.login, roles: { roleDefinitions: [{ name: 'admins' }] } },
 * );
 * result.user.id; result.roles;
 * ```
 */
export async function completeLogin(input: LoginInput, deps: LoginDependencies): Promise<LoginResult> {
  assertObject(input, 'input');
  assertObject(input.connection, 'input.connection');
  assertObject(input.identity, 'input.identity');
  assertNonEmptyString(input.identity.issuer, 'input.identity.issuer');
  assertNonEmptyString(input.identity.subject, 'input.identity.subject');
  assertObject(input.claims, 'input.claims');
  assertObject(deps, 'deps');
  assertObject(deps.store, 'deps.store');
  for (const method of [
    'findUserByIdentity',
    'findUserByEmail',
    'findGroups',
    'listMemberships',
    'commitLogin',
  ] as const) {
    assertFunction(deps.store[method], `deps.store.${method}`);
  }
  const matcher = deps.roles && 'match' in deps.roles ? deps.roles : compileRoleMatcher(deps.roles);
  const clock = deps[nowSymbol] ?? Date.now;
  const { connection, identity } = input;

  const fail = async (error: SsoError): Promise<never> => {
    await emitAudit(
      deps.audit,
      {
        type: 'login.failed',
        at: new Date(clock()),
        connectionId: connection.id,
        code: error.code,
        message: error.message,
        identity,
      },
      deps.onAuditError,
    );
    throw error;
  };

  try {
    if (!connection.active) {
      throw new SsoError(
        'connection_inactive',
        `The connection "${connection.name}" is disabled; an admin must activate it.`,
      );
    }
    const provisioning = resolveProvisioning(connection);
    const profile = mapClaims(
      input.claims,
      resolveClaimMapping(connection.protocol, connection.claimMapping),
      {
        subject: identity.subject,
        trustEmail: provisioning.trustEmail,
        ...(input.groups ? { groups: input.groups } : {}),
      },
    );
    // An IdP vouches for its own domains only (provisioning.emailDomains): outside them an address is
    // unverified, so it links nothing and owns nothing.
    const outsideDomains =
      profile.email !== undefined &&
      profile.emailVerified &&
      !inEmailDomains(profile.email, provisioning.emailDomains);
    if (outsideDomains) profile.emailVerified = false;
    if (provisioning.requireVerifiedEmail && !(profile.email && profile.emailVerified)) {
      // Three different fixes, so three reasons: the domain list, the IdP's verification, the mapping.
      const [reason, message] = outsideDomains
        ? [
            'domain',
            `The identity provider verified this address, but its domain is not one this connection trusts it for (emailDomains: ${(provisioning.emailDomains ?? []).join(', ')}). Add the domain to "emailDomains" if this IdP is authoritative for it.`,
          ]
        : profile.email
          ? [
              'unverified',
              'The identity provider has not verified this email address. Verify it at the IdP, or turn off "requireVerifiedEmail".',
            ]
          : [
              'missing',
              'The identity provider sent no email address, and this connection requires a verified email. Map "email" to the claim that holds it.',
            ];
      throw new SsoError('email_not_verified', message, {
        details: { reason, emailPresent: profile.email !== undefined },
      });
    }

    for (let attempt = 1; ; attempt++) {
      try {
        return await attemptLogin(input, deps, matcher, profile, provisioning, new Date(clock()));
      } catch (error) {
        // A concurrent first login won the race to link the identity or take the email: resolve again.
        if (isSsoError(error, 'storage_conflict') && attempt < MAX_ATTEMPTS) continue;
        if (isSsoError(error, 'storage_conflict') && error.details?.reason === 'email') {
          throw new SsoError(
            'identity_conflict',
            'Another account already uses the email this identity provider sent.',
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    }
  } catch (error) {
    if (error instanceof SsoError) return fail(error);
    if (error instanceof TypeError && 'code' in error) throw error; // host programming mistake
    return fail(
      new SsoError('storage_failure', 'The user store failed while completing the login.', { cause: error }),
    );
  }
}

async function attemptLogin(
  input: LoginInput,
  deps: LoginDependencies,
  matcher: RoleMatcher,
  profile: Profile,
  provisioning: ReturnType<typeof resolveProvisioning>,
  at: Date,
): Promise<LoginResult> {
  const { connection, identity } = input;
  const store = deps.store;
  const fields = profileFields(profile);

  let user = await store.findUserByIdentity(identity);
  let resolution: LoginResult['resolution'] = 'identity';
  if (user?.status === 'disabled') {
    throw new SsoError('user_disabled', 'This account is disabled; ask an administrator to enable it.');
  }
  if (!user && profile.email) {
    const found = await store.findUserByEmail(profile.email);
    // Only the owner of the address can be linked by it or stand in the way (email-owner.ts); a
    // store that still returns an unverified holder is not trusted with it.
    const byEmail = found && ownsEmail(found) ? found : null;
    if (byEmail) {
      const invited = byEmail.status === 'invited';
      const linkable =
        profile.emailVerified &&
        (invited || (provisioning.linkExistingUsersByEmail && byEmail.status === 'active'));
      if (!linkable) {
        throw new SsoError(
          'identity_conflict',
          profile.emailVerified
            ? 'An account with this email already exists but is not linked to this identity. An admin can link it, or enable "linkExistingUsersByEmail" for an IdP that is authoritative for the domain.'
            : 'An account with this email already exists, and the identity provider has not verified the email, so it cannot be linked.',
          { details: { emailVerified: profile.emailVerified } },
        );
      }
      user = byEmail;
      resolution = invited ? 'invitation' : 'email';
    }
  }
  if (!user) {
    if (!provisioning.createUsers) {
      throw new SsoError(
        'user_not_provisioned',
        'No account exists for this identity and this connection does not create users. Ask an administrator to invite you.',
      );
    }
    resolution = 'created';
  }

  const sync = resolveGroupSync(connection);
  let plan: GroupSyncPlan | null = null;
  let appGroups: Group[] = [];
  if (sync.enabled) {
    const memberships = user ? await store.listMemberships(user.id) : [];
    const values = profile.groups.state === 'present' ? profile.groups.values : [];
    appGroups =
      values.length > 0
        ? await store.findGroups({ values, matchBy: sync.matchBy, caseInsensitive: sync.caseInsensitive })
        : [];
    plan = planGroupSync({
      connectionId: connection.id,
      groups: profile.groups,
      appGroups,
      memberships,
      removeRevoked: sync.removeRevoked,
      match: { matchBy: sync.matchBy, caseInsensitive: sync.caseInsensitive },
    });
  }

  const stored = await store.commitLogin({
    user: user ? { kind: 'existing', id: user.id, profile: fields } : { kind: 'create', profile: fields },
    identity: { key: identity, connectionId: connection.id, link: resolution !== 'identity' },
    memberships: {
      source: plan?.source ?? `sso:${connection.id}`,
      add: plan ? plan.add.map((group) => group.id) : [],
      remove: plan ? plan.remove.map((membership) => membership.groupId) : [],
    },
    at,
  });

  const roleInput =
    profile.groups.state === 'present'
      ? [...profile.groups.values, ...(profile.roles ?? [])]
      : (profile.roles ?? []);
  // Only the roles the host allowed this connection to grant (RoleDefinition.grantedBy).
  const roleMatch = matcher.match(roleInput, { connection: { id: connection.id } });

  const base = { at, connectionId: connection.id, userId: stored.id };
  const events: AuditEvent[] = [];
  if (resolution === 'created') events.push({ type: 'user.created', ...base });
  if (resolution !== 'identity') events.push({ type: 'identity.linked', ...base, identity, via: resolution });
  if (plan && (plan.add.length > 0 || plan.remove.length > 0)) {
    events.push({
      type: 'memberships.changed',
      ...base,
      added: plan.add.map((group) => ({ groupId: group.id, groupName: group.name })),
      removed: plan.remove.map((membership) => ({ groupId: membership.groupId })),
    });
  }
  const refusedRoles = [...new Set(roleMatch.refused.map((entry) => entry.role))];
  events.push({
    type: 'login.succeeded',
    ...base,
    identity,
    roles: roleMatch.roles,
    refusedRoles,
    // Bounded: 100 values of at most 256 characters each, whatever the IdP sent.
    ...(plan
      ? {
          unmatchedGroups: plan.unmatched
            .slice(0, 100)
            .map((v) => (v.length > 256 ? `${v.slice(0, 256)}…` : v)),
        }
      : {}),
  });
  for (const event of events) await emitAudit(deps.audit, event, deps.onAuditError);

  return {
    user: stored,
    profile,
    identity,
    roles: roleMatch.roles,
    primaryRole: roleMatch.primaryRole,
    roleMatch,
    groupSync: plan,
    matchedGroups: appGroups,
    resolution,
  };
}

/** What {@link previewLogin} found: what the login would do, or the refusal it would end in. */
export type LoginPreview =
  | {
      outcome: 'would-succeed';
      /** The result the login would return. For a user it would create, `user.id` is `''`. */
      result: LoginResult;
      /** Exactly what the login would write. */
      commit: LoginCommit;
    }
  | { outcome: 'would-fail'; error: SsoError };

/**
 * Runs the login pipeline of {@link completeLogin} without writing anything and without audit events:
 * the same mapping, policy, user resolution, group-sync plan and role matching, stopped at the commit.
 * For "Test Provider" previews and dry runs of a configuration change.
 *
 * @example
 * ```ts
 * import { previewLogin } from '@ssokit/core';
 *
 * const preview = await previewLogin({ connection, identity, claims }, { store: storage.login, roles });
 * if (preview.outcome === 'would-succeed') console.log(preview.result.roles, preview.commit.memberships);
 * else console.log(preview.error.code);
 * ```
 */
export async function previewLogin(
  input: LoginInput,
  deps: Omit<LoginDependencies, 'audit' | 'onAuditError'>,
): Promise<LoginPreview> {
  assertObject(deps, 'deps');
  assertObject(deps.store, 'deps.store');
  const store = deps.store;
  const seen = new Map<string, User>();
  const remember = (user: User | null) => {
    if (user) seen.set(user.id, user);
    return user;
  };
  let captured: LoginCommit | undefined;
  const readOnly: LoginStore = {
    findUserByIdentity: async (key) => remember(await store.findUserByIdentity(key)),
    findUserByEmail: async (email) => remember(await store.findUserByEmail(email)),
    findGroups: (query) => store.findGroups(query),
    listMemberships: (userId) => store.listMemberships(userId),
    async commitLogin(commit) {
      captured = commit;
      const base: User =
        commit.user.kind === 'existing'
          ? (seen.get(commit.user.id) as User)
          : { id: '', status: 'active', createdAt: commit.at, updatedAt: commit.at };
      return { ...base, ...commit.user.profile, status: 'active', updatedAt: commit.at };
    },
  };
  try {
    const result = await completeLogin(input, { ...deps, store: readOnly });
    return { outcome: 'would-succeed', result, commit: captured as LoginCommit };
  } catch (error) {
    if (error instanceof SsoError) return { outcome: 'would-fail', error };
    throw error;
  }
}

function profileFields(profile: Profile): UserProfileFields {
  const fields: UserProfileFields = {};
  if (profile.email !== undefined) {
    fields.email = profile.email;
    fields.emailVerified = profile.emailVerified;
  }
  for (const key of ['username', 'name', 'givenName', 'familyName', 'picture'] as const) {
    if (profile[key] !== undefined) fields[key] = profile[key];
  }
  return fields;
}

/** The codes {@link completeLogin} itself can fail with (protocol packages add their own). */
export type LoginErrorCode = Extract<
  SsoErrorCode,
  | 'connection_inactive'
  | 'claim_missing'
  | 'claim_invalid'
  | 'email_not_verified'
  | 'user_not_provisioned'
  | 'user_disabled'
  | 'identity_conflict'
  | 'storage_failure'
  | 'storage_unavailable'
  | 'storage_conflict'
>;
