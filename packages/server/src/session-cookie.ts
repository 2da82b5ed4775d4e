/**
 * The session cookie of a request: read, written and cleared here and nowhere else. A session is
 * sealed by the codec (session.ts) and stored in numbered chunks (cookies.ts) so large group lists fit.
 *
 * @module
 */
import type { SsoContext } from './context.ts';
import { clearChunked, parseCookies, readChunked, writeChunked } from './cookies.ts';
import { type SsoSession, ssoUser } from './options.ts';
import type { SessionData } from './session.ts';

const SESSION_COOKIE = 'sso_session';

/** The session a request carries, opened and unexpired, or `null`. */
export async function readSession(ctx: SsoContext, request: Request): Promise<SessionData | null> {
  const sealed = readChunked(parseCookies(request.headers.get('cookie')), SESSION_COOKIE);
  if (!sealed) return null;
  return ctx.codec.open(sealed, Math.floor(ctx.clock() / 1000));
}

/** Seals a session into (numbered) cookies on `headers`, clearing chunks left from a larger one. */
export async function writeSession(
  ctx: SsoContext,
  headers: Headers,
  request: Request,
  data: SessionData,
): Promise<void> {
  const sealed = await ctx.codec.seal(data);
  const maxAge = data.expiresAt - Math.floor(ctx.clock() / 1000);
  for (const cookie of writeChunked(
    SESSION_COOKIE,
    sealed,
    { ...ctx.sessionCookie, maxAge },
    parseCookies(request.headers.get('cookie')),
  ))
    headers.append('set-cookie', cookie);
}

/** Deletes every session cookie chunk the request carries. */
export function clearSession(ctx: SsoContext, headers: Headers, request: Request): void {
  for (const cookie of clearChunked(
    SESSION_COOKIE,
    ctx.sessionCookie,
    parseCookies(request.headers.get('cookie')),
  ))
    headers.append('set-cookie', cookie);
}

/** A restore-mode administrator's session as the host sees it. */
export function restoreSession(data: SessionData): SsoSession {
  return {
    user: { id: 'restore', name: 'Restore administrator' },
    roles: data.roles,
    groups: [],
    connectionId: 'restore',
    expiresAt: new Date(data.expiresAt * 1000),
    restore: true,
  };
}

/**
 * `sso.getSession(request)`: the session with its user as stored now; `null` when there is none, the
 * user is gone or disabled, or a restore-mode session outlived restore mode.
 */
export async function getSession(
  ctx: SsoContext,
  request: Request,
  restoreActive: () => boolean,
): Promise<SsoSession | null> {
  const data = await readSession(ctx, request);
  if (!data) return null;
  if (data.restore === true) return restoreActive() ? restoreSession(data) : null;
  const user = await ctx.storage.users.get(data.userId);
  if (!user || user.status === 'disabled') return null;
  return {
    user: ssoUser(user.id, user),
    roles: data.roles,
    groups: data.groups,
    connectionId: data.connectionId,
    expiresAt: new Date(data.expiresAt * 1000),
  };
}
