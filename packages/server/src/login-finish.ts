/**
 * The end of every login, whatever the protocol: the core pipeline (`completeLogin`: mapping, policy,
 * user, group sync, roles, audit), the user's group names, the session cookie, and the redirect to
 * where the login started. An admin's test login ends here too, in a report instead (test-login.ts).
 *
 * @module
 */
import {
  type Connection,
  completeLogin,
  type IdentityKey,
  type LoginResult,
  now as nowSymbol,
  SsoError,
} from '@ssokit/core';
import { loginStep, recordLoginSuccess } from './activity.ts';
import type { SsoContext } from './context.ts';
import type { SessionData } from './session.ts';
import { writeSession } from './session-cookie.ts';
import { finishTestLogin } from './test-login.ts';
import { clearTransactionCookie, type TestLoginMarker } from './transactions.ts';

/** What a protocol flow validated and hands over. */
export interface ValidatedLogin {
  connection: Connection;
  identity: IdentityKey;
  claims: Record<string, unknown>;
  /** Where the browser goes afterwards: a path on this site. */
  returnTo: string;
  /** What the session keeps for logout (the ID token, or the SAML NameID and SessionIndex). */
  extra: Partial<SessionData>;
  /** Groups resolved by the protocol (Entra overage), when the claims alone do not hold them. */
  groups?: Parameters<typeof completeLogin>[0]['groups'];
  /** The test marker of the login's transaction: then nothing is written and no session starts. */
  test?: TestLoginMarker;
}

/**
 * Completes a validated login: the user and memberships are written, a session starts, 303. A test
 * login (its transaction's marker) is previewed instead, and writes nothing.
 */
export async function finishLogin(
  ctx: SsoContext,
  request: Request,
  login: ValidatedLogin,
): Promise<Response> {
  if (login.test) return finishTestLogin(ctx, { ...login, test: login.test });
  const { connection: c, identity, claims, returnTo, extra, groups } = login;
  const { options, storage } = ctx;
  loginStep(request, { connectionId: c.id }, 'mapping');
  const result = await completeLogin(
    { connection: c, identity, claims, ...(groups ? { groups } : {}) },
    {
      store: storage.login,
      roles: (await ctx.roles.load()).matcher,
      ...(options.audit ? { audit: options.audit } : {}),
      [nowSymbol]: ctx.clock,
    },
  );
  loginStep(request, { connectionId: c.id }, 'session');
  for (const role of new Set(result.roleMatch.refused.map((entry) => entry.role))) {
    ctx.warn(
      'role-not-granted',
      `The connection "${c.id}" sent groups matching the role "${role}", which it may not grant: add "${c.id}" to that role's grantedBy if it should.`,
      { connectionId: c.id, role },
      `${c.id}\u0000${role}`,
    );
  }
  const groupNames = await sessionGroupNames(ctx, result);
  const nowSec = Math.floor(ctx.clock() / 1000);
  const headers = new Headers({ location: returnTo, 'cache-control': 'no-store' });
  const key = await writeSession(ctx, headers, request, {
    userId: result.user.id,
    connectionId: c.id,
    identity,
    roles: result.roles,
    groups: groupNames,
    issuedAt: nowSec,
    expiresAt: nowSec + ctx.sessionTtlSec,
    ...extra,
  });
  // An admin may have deactivated or deleted the connection (on any instance) after this login checked
  // it: that revoked the sessions that existed then, not this one. Checked again now that the session
  // exists, one of the two always sees the other.
  const still = await storage.connections.get(c.id);
  if (!still?.active) {
    if (key) await ctx.sessionStore?.delete(key);
    throw new SsoError('connection_inactive', `The connection "${c.name}" was disabled during the sign-in.`);
  }
  clearTransactionCookie(headers, ctx.txCookie);
  await recordLoginSuccess(ctx, request, c.id, result);
  return new Response(null, { status: 303, headers });
}

/**
 * The names of the user's groups after the login, for the session: every membership, manual ones
 * too. With group sync the pipeline knows them (the plan's kept and added memberships, the groups the
 * claim matched): only groups it did not read (manual, another connection's) are looked up, in one
 * batched call. Without group sync the memberships are read.
 */
async function sessionGroupNames(ctx: SsoContext, result: LoginResult): Promise<string[]> {
  const plan = result.groupSync;
  const names = new Map<string, string>(result.matchedGroups.map((g) => [g.id, g.name]));
  const ids = plan
    ? [...plan.kept.map((m) => m.groupId), ...plan.add.map((g) => g.id)]
    : (await ctx.storage.memberships.listForUser(result.user.id)).map((m) => m.groupId);
  const unknown = [...new Set(ids.filter((id) => !names.has(id)))];
  if (unknown.length > 0) {
    for (const g of await ctx.storage.groups.find({ values: unknown, matchBy: 'id', caseInsensitive: false }))
      names.set(g.id, g.name);
  }
  return [...new Set(ids.flatMap((id) => names.get(id) ?? []))];
}
