/**
 * The admin API's sessions: `GET /admin/sessions?userId=…` (or `?connectionId=…[&subject=…]
 * [&idpSessionId=…]`) lists them, without anything secret (no ID token, no store key), and
 * `POST /admin/sessions/revoke` with the same filter as JSON ends them on every instance.
 *
 * @module
 */
import { SsoError } from '@ssokit/core';
import type { SessionFilter, SessionRecord } from '@ssokit/storage';
import { BODY_LIMITS, json, notAllowed, readBody } from './respond.ts';
import type { Revocation } from './revocation.ts';

/** What the admin API may do with sessions (server-side sessions only). */
export interface AdminSessions {
  list(filter: SessionFilter): Promise<SessionRecord[]>;
  revoke(filter: SessionFilter, why: Revocation): Promise<number>;
}

const FILTER_FIELDS = ['userId', 'connectionId', 'subject', 'idpSessionId'] as const;

/** Serves `/admin/sessions` and `/admin/sessions/revoke`, after the admin API's own checks. */
export async function handleAdminSessions(
  request: Request,
  path: string,
  sessions: AdminSessions | undefined,
  by: { actor?: string },
): Promise<Response> {
  if (!sessions) {
    throw new SsoError(
      'invalid_request',
      'Sessions are sealed into cookies here (sessionMode "cookie"): they cannot be listed or revoked. Use a storage with a session store.',
      { details: { reason: 'cookie_sessions' } },
    );
  }
  if (path === '/admin/sessions') {
    if (request.method !== 'GET') throw notAllowed('List sessions with GET.', 'GET');
    const query = new URL(request.url).searchParams;
    const filter = pickFilter(
      Object.fromEntries(FILTER_FIELDS.flatMap((k) => (query.has(k) ? [[k, query.get(k)]] : []))),
    );
    return json((await sessions.list(filter)).map(describe));
  }
  if (path === '/admin/sessions/revoke') {
    if (request.method !== 'POST') throw notAllowed('Revoke sessions with POST.', 'POST');
    const text = await readBody(request, BODY_LIMITS.admin, 'The admin request body');
    if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json'))
      throw new SsoError('invalid_request', 'Send the body as application/json.');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new SsoError('invalid_request', 'The body is not JSON.');
    }
    const revoked = await sessions.revoke(pickFilter(body), { reason: 'admin', ...by });
    return json({ revoked });
  }
  throw new SsoError('invalid_request', 'No such admin route.');
}

/**
 * The filter of a request: `{ userId }` or `{ connectionId[, subject][, idpSessionId] }`, each a
 * non-empty string; anything else is a 400 naming what to send (never "every session").
 */
function pickFilter(body: unknown): SessionFilter {
  const given =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const unknown = Object.keys(given).filter((k) => !(FILTER_FIELDS as readonly string[]).includes(k));
  const fields = Object.fromEntries(
    FILTER_FIELDS.filter((k) => given[k] !== undefined).map((k) => [k, given[k]]),
  );
  const strings = Object.values(fields).every((v) => typeof v === 'string' && v !== '' && v.length <= 1024);
  const shapeOk =
    unknown.length === 0 &&
    strings &&
    (fields.userId !== undefined ? Object.keys(fields).length === 1 : fields.connectionId !== undefined);
  if (!shapeOk) {
    throw new SsoError(
      'invalid_request',
      'Name the sessions: {"userId": "…"} for a user\'s, or {"connectionId": "…"} for a connection\'s, optionally with "subject" (the IdP user) and/or "idpSessionId" (the IdP session).',
      { details: { reason: 'session_filter' } },
    );
  }
  return fields as SessionFilter;
}

/** A session as the admin API shows it: who, where, until when; no ID token, no store key. */
function describe(session: SessionRecord) {
  const data = session.data as { roles?: unknown; groups?: unknown };
  return {
    userId: session.userId,
    connectionId: session.connectionId,
    subject: session.subject,
    ...(session.idpSessionId ? { idpSessionId: session.idpSessionId } : {}),
    roles: data.roles,
    groups: data.groups,
    createdAt: session.createdAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    idleExpiresAt: session.idleExpiresAt.toISOString(),
  };
}
