/**
 * The mapping preview of Test Provider: what a login with a sample, or with the IdP's answer to a test
 * login, would do (user, roles, group-sync plan against the current memberships), from the real
 * pipeline stopped before it writes.
 *
 * @module
 */
import {
  type Connection,
  type GroupsClaim,
  type IdentityKey,
  now as nowSymbol,
  previewLogin,
} from '@ssokit/core';
import type { SsoContext } from '../context.ts';
import { type Add, fixFor, type MappingPreview } from './report.ts';

/** Options of {@link mappingPreview}. */
export interface MappingPreviewOptions {
  /** What the claims came from, for the findings' wording: a pasted `sample` (default) or a test `login`. */
  source?: 'sample' | 'login';
  /** Groups the protocol resolved (Entra overage), replacing the mapped groups claim, as at a login. */
  groups?: GroupsClaim;
}

/** Runs the pipeline on a sample (or a test login's answer) without writing, and reports what it would do. */
export async function mappingPreview(
  c: Connection,
  identity: IdentityKey,
  claims: Record<string, unknown>,
  ctx: SsoContext,
  add: Add,
  options: MappingPreviewOptions = {},
): Promise<MappingPreview> {
  const what = options.source === 'login' ? 'this answer of the IdP' : 'this sample';
  if (identity.subject === '') {
    add(
      'sample',
      'error',
      'The sample has no subject ("sub", or the SAML NameID).',
      'Add "sub" to the claims, or give "subject".',
    );
    return {
      identity,
      outcome: 'would-fail',
      error: { code: 'claim_missing', message: 'The sample has no subject.' },
    };
  }
  const preview = await previewLogin(
    {
      connection: { ...c, active: true },
      identity,
      claims,
      ...(options.groups ? { groups: options.groups } : {}),
    },
    {
      store: ctx.storage.login,
      roles: (await ctx.roles.load()).matcher,
      [nowSymbol]: ctx.clock,
    },
  );
  if (preview.outcome === 'would-fail') {
    const fix = fixFor(preview.error);
    add('mapping', 'error', `A login with ${what} would be refused: ${preview.error.message}`, fix);
    return {
      identity,
      outcome: 'would-fail',
      error: { code: preview.error.code, message: preview.error.message, ...(fix ? { fix } : {}) },
    };
  }
  const { result } = preview;
  const nameOf = async (groupId: string) => (await ctx.storage.groups.get(groupId))?.name;
  const plan = result.groupSync;
  add(
    'mapping',
    'ok',
    `A login with ${what} would succeed with roles ${result.roles.length ? result.roles.join(', ') : '(none)'}.`,
  );
  if (result.roleMatch.refused.length > 0)
    add(
      'mapping.roles',
      'warning',
      `This connection's IdP sends groups that match roles it may not grant: ${[
        ...new Set(result.roleMatch.refused.map((m) => `${m.role} (from ${m.group})`)),
      ].join(', ')}.`,
      `If this IdP should grant them, add this connection's id ("${c.id}") to each role's "grantedBy" (ids only, never names).`,
    );
  if (result.profile.groups.state === 'absent')
    add(
      'mapping.groups',
      'warning',
      `${what === 'this sample' ? 'The sample carries' : 'The answer of the IdP carries'} no groups claim: group sync would change nothing.`,
      'Map "groups" to the claim or attribute that lists the groups, and have the IdP send it.',
    );
  // The IdP's groups that granted nothing: no role, and with group sync no app group either.
  const noRole = new Set(result.roleMatch.unmatchedGroups);
  const noGroup = plan ? new Set(plan.unmatched) : undefined;
  const unmatchedGroups =
    result.profile.groups.state === 'present'
      ? result.profile.groups.values.filter((g) => noRole.has(g) && (noGroup?.has(g) ?? true))
      : [];
  return {
    identity,
    outcome: 'would-succeed',
    profile: result.profile,
    roles: result.roles,
    ...(unmatchedGroups.length > 0 ? { unmatchedGroups } : {}),
    ...(result.primaryRole ? { primaryRole: result.primaryRole } : {}),
    ...(result.roleMatch.refused.length > 0
      ? { refusedRoles: result.roleMatch.refused.map(({ group, role }) => ({ group, role })) }
      : {}),
    user: {
      id: result.user.id === '' ? null : result.user.id,
      ...(result.user.email ? { email: result.user.email } : {}),
      resolution: result.resolution,
    },
    groupSync: plan
      ? {
          state: plan.state,
          add: plan.add.map((g) => ({ id: g.id, name: g.name })),
          remove: await Promise.all(
            plan.remove.map(async (m) => withName({ groupId: m.groupId }, await nameOf(m.groupId))),
          ),
          kept: await Promise.all(
            plan.kept.map(async (m) =>
              withName({ groupId: m.groupId, source: m.source }, await nameOf(m.groupId)),
            ),
          ),
          unmatched: plan.unmatched,
          ...(plan.reason ? { reason: plan.reason } : {}),
        }
      : null,
  };
}

function withName<T extends object>(value: T, name: string | undefined): T & { name?: string } {
  return name === undefined ? value : { ...value, name };
}
