/**
 * The session of a request: read, started and ended here and nowhere else, in either mode.
 * - Server-side (a session store): the cookie holds a random token; the record (session-record.ts)
 *   holds the rest, so a session ends everywhere the moment its record is gone.
 * - Cookie (no session store): the session is sealed by the codec (session.ts) into numbered cookies
 *   (cookies.ts), without the ID token and with its group names bounded so the cookie stays small.
 *
 * @module
 */
import { organizationsOf } from './authorization.ts';
import type { SsoContext } from './context.ts';
import { clearChunked, parseCookies, readChunked, serializeCookie, writeChunked } from './cookies.ts';
import type { SessionData } from './session.ts';
import { fromRecord, newSessionToken, sessionKeyOf, toRecord } from './session-record.ts';
import { type SsoSession, ssoUser } from './sso.ts';

/**
 * The most characters of group names a cookie session keeps: past it, the rest are left out and the
 * session says `groupsTruncated` (server-side sessions keep every group).
 */
export const COOKIE_GROUP_CHARS = 2048;
/** How often, at most, a request moves a server-side session's idle expiry, in milliseconds. */
const TOUCH_EVERY_MS = 60_000;

/** A session read from a request: its data, and in server mode the store key of its record. */
export type OpenSession = SessionData & { key?: string };

/** The session cookie's name: `__Host-` prefixed on https (no Domain, Path=/, Secure: this host only). */
export function sessionCookieName(ctx: SsoContext): string {
  return ctx.sessionCookie.secure ? '__Host-sso_session' : 'sso_session';
}

/** The session a request carries, unexpired, or `null`. */
export async function readSession(ctx: SsoContext, request: Request): Promise<OpenSession | null> {
  if (ctx.sessionStore) {
    const key = requestSessionKey(ctx, request);
    return key ? readStoredSession(ctx, ctx.sessionStore, key) : null;
  }
  const sealed = readChunked(parseCookies(request.headers.get('cookie')), sessionCookieName(ctx));
  return sealed ? ctx.codec.open(sealed, Math.floor(ctx.clock() / 1000)) : null;
}

/** Server mode: the store key of the request's session cookie, or null when it holds no token. */
function requestSessionKey(ctx: SsoContext, request: Request): string | null {
  return sessionKeyOf(parseCookies(request.headers.get('cookie')).get(sessionCookieName(ctx)));
}

/** Server mode: the unexpired session stored under `key`, its idle expiry moved when due. */
async function readStoredSession(
  ctx: SsoContext,
  store: NonNullable<SsoContext['sessionStore']>,
  key: string,
): Promise<OpenSession | null> {
  const record = await store.get(key);
  if (!record) return null;
  const now = ctx.clock();
  // The session was used: its idle expiry moves, when that gains more than a minute (so at most once
  // a minute, and never near the absolute expiry, where it cannot move). The read stands either way.
  const next = Math.min(now + ctx.sessionIdleSec * 1000, record.expiresAt.getTime());
  if (next - record.idleExpiresAt.getTime() > TOUCH_EVERY_MS)
    await store.touch(key, new Date(next)).catch(() => false);
  return { ...fromRecord(record), key };
}

/**
 * Starts a session: a new record and token (server mode; the browser's previous session, if any, is
 * ended, so a login never keeps an old id) or sealed cookies. Returns the record's store key (server
 * mode) or `undefined`.
 */
export async function writeSession(
  ctx: SsoContext,
  headers: Headers,
  request: Request,
  data: SessionData,
): Promise<string | undefined> {
  const now = ctx.clock();
  const maxAge = data.expiresAt - Math.floor(now / 1000);
  const cookies = parseCookies(request.headers.get('cookie'));
  const name = sessionCookieName(ctx);
  const store = ctx.sessionStore;
  if (store) {
    const previous = sessionKeyOf(cookies.get(name));
    if (previous) {
      ctx.sessionCache.forget(previous);
      await store.delete(previous);
    }
    const token = newSessionToken();
    const key = sessionKeyOf(token) as string;
    await store.create(toRecord(key, data, now, ctx.sessionIdleSec));
    headers.append('set-cookie', serializeCookie(name, token, { ...ctx.sessionCookie, maxAge }));
    return key;
  }
  const sealed = await ctx.codec.seal(forCookie(data));
  for (const cookie of writeChunked(name, sealed, { ...ctx.sessionCookie, maxAge }, cookies))
    headers.append('set-cookie', cookie);
  return undefined;
}

/** What a cookie session keeps: no ID token, and group names up to {@link COOKIE_GROUP_CHARS}. */
function forCookie(data: SessionData): SessionData {
  const { idToken: _left, ...rest } = data;
  let used = 0;
  const groups: string[] = [];
  for (const group of data.groups) {
    used += group.length;
    if (used > COOKIE_GROUP_CHARS) break;
    groups.push(group);
  }
  return groups.length === data.groups.length ? rest : { ...rest, groups, groupsTruncated: true };
}

/** Ends the request's session: its record (server mode) and its cookies. */
export async function endSession(
  ctx: SsoContext,
  headers: Headers,
  request: Request,
  session?: OpenSession | null,
): Promise<void> {
  const cookies = parseCookies(request.headers.get('cookie'));
  const name = sessionCookieName(ctx);
  if (ctx.sessionStore) {
    const key = session?.key ?? sessionKeyOf(cookies.get(name));
    if (key) {
      ctx.sessionCache.forget(key);
      await ctx.sessionStore.delete(key);
    }
    if (cookies.has(name))
      headers.append('set-cookie', serializeCookie(name, '', { ...ctx.sessionCookie, maxAge: 0 }));
    return;
  }
  for (const cookie of clearChunked(name, ctx.sessionCookie, cookies)) headers.append('set-cookie', cookie);
}

/** A restore-mode administrator's session as the host sees it. */
export function restoreSession(data: SessionData): SsoSession {
  return {
    user: { id: 'restore', name: 'Restore administrator' },
    roles: data.roles,
    groups: [],
    organizations: [],
    connectionId: 'restore',
    expiresAt: new Date(data.expiresAt * 1000),
    restore: true,
  };
}

/**
 * `sso.getSession(request)`: the session with its user as stored now; `null` when there is none, it
 * was ended or revoked, the user is gone or disabled, or a restore-mode session outlived restore mode.
 */
export async function getSession(
  ctx: SsoContext,
  request: Request,
  restoreActive: () => boolean,
): Promise<SsoSession | null> {
  // Server mode: the cookie is parsed and its token hashed once, for the cache and the store.
  const store = ctx.sessionStore;
  const key = store ? requestSessionKey(ctx, request) : null;
  if (store && !key) return null;
  const cached = key ? ctx.sessionCache.get(key, ctx.clock()) : undefined;
  if (cached) return withOrganizations(ctx, cached);
  const data = store && key ? await readStoredSession(ctx, store, key) : await readSession(ctx, request);
  if (!data) return null;
  if (data.restore === true) return restoreActive() ? withOrganizations(ctx, restoreSession(data)) : null;
  const user = await ctx.storage.users.get(data.userId);
  if (!user || user.status === 'disabled') {
    // Ended, not hidden: enabling the user again does not bring an old session back.
    if (data.key) await ctx.sessionStore?.delete(data.key);
    return null;
  }
  const session: SsoSession = {
    user: ssoUser(user.id, user),
    roles: data.roles,
    groups: data.groups,
    organizations: [],
    ...(data.groupsTruncated ? { groupsTruncated: true as const } : {}),
    connectionId: data.connectionId,
    expiresAt: new Date(data.expiresAt * 1000),
  };
  if (key) ctx.sessionCache.set(key, session, ctx.clock());
  return withOrganizations(ctx, session);
}

/**
 * The session with the organizations its roles apply to now (not when it was cached or started): a
 * role moved to another organization shows on the next request.
 */
async function withOrganizations(ctx: SsoContext, session: SsoSession): Promise<SsoSession> {
  const { definitions } = await ctx.roles.load();
  return { ...session, organizations: organizationsOf(definitions, session, ctx.roles.policy) };
}
