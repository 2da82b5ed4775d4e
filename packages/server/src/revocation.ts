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
  // Only when something ended: anonymous routes (an IdP's logout with a made-up sid) must not be able
  // to empty the cache and send every request to the store.
  if (count > 0) ctx.sessionCache.forget();
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
 * several SAML SessionIndexes). With `issuer`, only sessions that issuer signed in end: a multi-tenant
 * connection (Entra's `{tenantid}`) has one `sub` namespace per tenant. Returns how many ended; 0 in
 * cookie mode, where only the browser that carries the session can end it.
 */
export async function endIdpSessions(
  ctx: SsoContext,
  reason: 'backchannel_logout' | 'frontchannel_logout' | 'saml_logout',
  connectionId: string,
  subject: string | undefined,
  idpSessionIds: readonly string[],
  issuer?: string,
): Promise<number> {
  const store = ctx.sessionStore;
  if (!store) return 0;
  const base = { connectionId, ...(subject !== undefined ? { subject } : {}) };
  if (issuer !== undefined) {
    // Rare (back-channel logout at a connection whose sessions come from several issuers): the
    // matching sessions are listed and ended one by one, each checked for its issuer.
    const filters =
      idpSessionIds.length === 0 ? [base] : idpSessionIds.map((idpSessionId) => ({ ...base, idpSessionId }));
    let ended = 0;
    for (const filter of filters) {
      for (const session of await store.list(filter)) {
        if ((session.data as { issuer?: unknown }).issuer === issuer && (await store.delete(session.id)))
          ended += 1;
      }
    }
    if (ended > 0) ctx.sessionCache.forget();
    if (ended > 0)
      await emitAudit(ctx.options.audit, {
        type: 'sessions.revoked',
        at: new Date(ctx.clock()),
        filter: base,
        count: ended,
        reason,
      });
    return ended;
  }
  if (idpSessionIds.length === 0) return revokeSessions(ctx, base, { reason });
  let ended = 0;
  for (const idpSessionId of idpSessionIds)
    ended += await revokeSessions(ctx, { ...base, idpSessionId }, { reason });
  return ended;
}
