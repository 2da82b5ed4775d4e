/**
 * `GET /admin/connections/:id/activity?limit=`: a connection's recent refused logins, each with the
 * step that refused it, its code, message and fix (activity.ts records them), and the IdP groups its
 * recent logins brought that matched no role and no app group, counted. Nothing in it names a person
 * or holds a token. Loaded on first use, behind the admin API's own checks (admin.ts).
 *
 * @module
 */
import { SsoError } from '@ssokit/core';
import { type LoginActivityEntry, type LoginFailureEntry, loginActivityLimits } from '@ssokit/storage';
import type { AdminContext } from './admin.ts';
import { decodePathSegment, json, notAllowed } from './respond.ts';

/** The most unmatched groups the answer lists (the most frequent first). */
export const MAX_UNMATCHED_GROUPS = 100;

/** A refused login as the admin API shows it. */
export interface ActivityFailure {
  /** When, as an ISO 8601 string. */
  at: string;
  step: LoginFailureEntry['step'];
  code: string;
  reason?: string;
  message: string;
  fix?: string;
}

/** An IdP group that matched nothing, over the recent logins that brought it. */
export interface UnmatchedGroup {
  group: string;
  /** How many of the recent logins recorded brought it. */
  count: number;
  /** The latest of them, as an ISO 8601 string. */
  lastSeen: string;
}

/** The answer of `GET /admin/connections/:id/activity`. */
export interface ConnectionActivity {
  connectionId: string;
  /** Whether the storage records login activity (`storage.loginActivity`); when not, both lists are empty. */
  recording: boolean;
  /** What the store keeps of each connection: its entries per outcome, and their age limit in ms. */
  retention: { maxEntries: number; maxAgeMs: number } | null;
  /** The most recent first, at most `limit` (default and most useful: 100, what is kept). */
  failures: ActivityFailure[];
  /** The most frequent first (then the most recent), at most {@link MAX_UNMATCHED_GROUPS}. */
  unmatchedGroups: UnmatchedGroup[];
}

/** Serves `GET /admin/connections/:id/activity`; `path` is relative to the base path. */
export async function activity(request: Request, path: string, ctx: AdminContext): Promise<Response> {
  const route = /^\/admin\/connections\/([^/]+)\/activity$/.exec(path);
  if (!route) throw new SsoError('invalid_request', 'No such admin route.');
  if (request.method !== 'GET') throw notAllowed('Read login activity with GET.', 'GET');
  const id = decodePathSegment(route[1] as string);
  const limit = limitOf(new URL(request.url).searchParams.get('limit'));
  const connection = await ctx.storage.connections.get(id);
  if (!connection) throw new SsoError('connection_not_found', 'No connection has this id.');
  // A connection created again under a deleted one's id does not inherit its activity.
  const since = (entries: LoginActivityEntry[]) =>
    entries.filter((e) => e.at.getTime() >= connection.createdAt.getTime());
  const store = ctx.storage.loginActivity;
  if (!store) {
    const none: ConnectionActivity = {
      connectionId: id,
      recording: false,
      retention: null,
      failures: [],
      unmatchedGroups: [],
    };
    return json(none);
  }
  const [failed, succeeded] = await Promise.all([
    store.list(id, { outcome: 'failed', limit }),
    store.list(id, { outcome: 'succeeded', limit: loginActivityLimits.maxEntries }),
  ]);
  const answer: ConnectionActivity = {
    connectionId: id,
    recording: true,
    retention: { maxEntries: loginActivityLimits.maxEntries, maxAgeMs: loginActivityLimits.maxAgeMs },
    failures: since(failed).flatMap(describeFailure),
    unmatchedGroups: countGroups(since(succeeded)),
  };
  return json(answer);
}

/** `?limit=`: an integer from 1 to 1000; absent, 100. */
function limitOf(given: string | null): number {
  if (given === null) return loginActivityLimits.maxEntries;
  const limit = /^\d{1,4}$/.test(given) ? Number(given) : Number.NaN;
  if (!(limit >= 1 && limit <= loginActivityLimits.maxEntriesCeiling))
    throw new SsoError(
      'invalid_request',
      `"limit" must be a whole number from 1 to ${loginActivityLimits.maxEntriesCeiling}.`,
      { details: { reason: 'limit' } },
    );
  return limit;
}

function describeFailure(entry: LoginActivityEntry): ActivityFailure[] {
  if (entry.outcome !== 'failed') return [];
  return [
    {
      at: entry.at.toISOString(),
      step: entry.step,
      code: entry.code,
      ...(entry.reason ? { reason: entry.reason } : {}),
      message: entry.message,
      ...(entry.fix ? { fix: entry.fix } : {}),
    },
  ];
}

/** Each group once per login, counted over the logins (most recent first, as listed). */
function countGroups(entries: LoginActivityEntry[]): UnmatchedGroup[] {
  const groups = new Map<string, { count: number; lastSeen: number }>();
  for (const entry of entries) {
    if (entry.outcome !== 'succeeded') continue;
    for (const group of new Set(entry.unmatchedGroups)) {
      const seen = groups.get(group);
      if (seen) {
        seen.count += 1;
        seen.lastSeen = Math.max(seen.lastSeen, entry.at.getTime());
      } else groups.set(group, { count: 1, lastSeen: entry.at.getTime() });
    }
  }
  return [...groups]
    .sort(([a, x], [b, y]) => y.count - x.count || y.lastSeen - x.lastSeen || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, MAX_UNMATCHED_GROUPS)
    .map(([group, { count, lastSeen }]) => ({ group, count, lastSeen: new Date(lastSeen).toISOString() }));
}
