/**
 * Ending sessions other than the request's own: `sso.revokeSessions`, the admin API, a deleted or
 * deactivated connection, and the IdP's logout messages (SAML LogoutRequest, OIDC back-channel
 * logout). Every path goes through {@link revokeSessions}, so each filter is checked alike.
 *
 * @module
 */
import { emitAudit, type SessionsRevokedEvent, SsoError } from '@ssokit/core';
import { checkSessionFilter, type SessionFilter } from '@ssokit/storage';
import type { SsoContext } from './context.ts';

/** Why sessions were revoked, and by whom (an admin). */
export interface Revocation {
  reason: SessionsRevokedEvent['reason'];
  actor?: string;
}

/** Ends the sessions `filter` matches on every instance, audited; how many ended. */
export async function revokeSessions(
  ctx: SsoContext,
  filter: SessionFilter,
  why: Revocation = { reason: 'api' },
): Promise<number> {
  const checked = checkSessionFilter(filter);
  if (!ctx.sessionStore) {
    throw new SsoError(
      'config_invalid',
      'Sessions cannot be revoked: they are sealed into cookies (sessionMode "cookie", or a storage without a session store). Use server-side sessions.',
      { details: { reason: 'cookie_sessions' } },
    );
  }
  const count = await ctx.sessionStore.revoke(checked);
  ctx.sessionCache.forget();
  // A revocation someone asked for is audited even when it ended nothing; one that follows from
  // another event (a deleted connection, an IdP's logout) only when it did.
  const asked = why.reason === 'api' || why.reason === 'admin';
  if (count > 0 || asked)
    await emitAudit(ctx.options.audit, {
      type: 'sessions.revoked',
      at: new Date(ctx.clock()),
      filter: checked,
      count,
      ...why,
    });
  return count;
}

/**
 * The sessions an IdP's logout names at one connection: by subject, IdP session, or both (each of
 * several SAML SessionIndexes). Returns how many ended; 0 in cookie mode, where only the browser that
 * carries the session can end it.
 */
export async function endIdpSessions(
  ctx: SsoContext,
  reason: 'backchannel_logout' | 'saml_logout',
  connectionId: string,
  subject: string | undefined,
  idpSessionIds: readonly string[],
): Promise<number> {
  if (!ctx.sessionStore) return 0;
  const base = { connectionId, ...(subject !== undefined ? { subject } : {}) };
  if (idpSessionIds.length === 0) return revokeSessions(ctx, base, { reason });
  let ended = 0;
  for (const idpSessionId of idpSessionIds)
    ended += await revokeSessions(ctx, { ...base, idpSessionId }, { reason });
  return ended;
}
