/**
 * Login activity: the recent refused logins of each connection (where and why, with the fix) and the
 * IdP groups recent logins brought that matched nothing. What the admin console reads to answer "it
 * does not work" and "my groups do not show". Every login start is anonymous, so the store is bounded
 * per connection and outcome, by count and by age, and every string in it is bounded too.
 *
 * @module
 */

/** How a recorded login ended. */
export type LoginOutcome = 'failed' | 'succeeded';

/**
 * Where a login was refused, in the words of a test login's report (`TestLoginReport.error.stage`),
 * plus `session`:
 * - `start`: the login could not begin (`GET /login/:id`: the connection disabled, its IdP out of
 *   reach, its settings invalid, a `returnTo` refused);
 * - `response`: the IdP refused, or its answer failed a check at the callback or ACS (state, token
 *   exchange, ID token, signature, audience, InResponseTo, replay...);
 * - `mapping`: the login pipeline refused the validated answer (claim mapping, verified email,
 *   provisioning, account linking);
 * - `session`: the user was accepted but the session could not start (the connection disabled during
 *   the sign-in, the session store failing).
 */
export type LoginStep = 'start' | 'response' | 'mapping' | 'session';

/**
 * The steps, in the order a login passes them.
 *
 * @example
 * ```ts
 * import { loginSteps } from '@ssokit/storage';
 *
 * // Refused logins of a connection, counted by step for an admin page.
 * const failures = await storage.loginActivity?.list('okta-prod', { outcome: 'failed' }) ?? [];
 * const byStep = loginSteps.map((step) => [step, failures.filter((f) => f.outcome === 'failed' && f.step === step).length]);
 * ```
 */
export const loginSteps: readonly LoginStep[] = ['start', 'response', 'mapping', 'session'];

/** A refused login. Nothing about the person: no subject, no email, no token. */
export interface LoginFailureEntry {
  connectionId: string;
  at: Date;
  outcome: 'failed';
  step: LoginStep;
  /** The stable error code (`idp_error`, `email_not_verified`, ...). */
  code: string;
  /** The error's `details.reason`, when it has one (`state`, `unsolicited_status`, ...). */
  reason?: string;
  /** What happened, for an administrator. */
  message: string;
  /** What an administrator can do about it, when ssokit knows. */
  fix?: string;
}

/**
 * A login that succeeded, kept for its IdP groups: those that matched no role and no app group, and
 * all of them (which roles they map to is worked out when asked, from the roles as they are then).
 */
export interface LoginSuccessEntry {
  connectionId: string;
  at: Date;
  outcome: 'succeeded';
  unmatchedGroups: string[];
  /** The login's IdP groups, at most `loginActivityLimits.seenGroups` of them. Absent: none recorded. */
  groups?: string[];
}

/** One recorded login. */
export type LoginActivityEntry = LoginFailureEntry | LoginSuccessEntry;

/** How much a store keeps of each connection's activity. */
export interface LoginActivityRetention {
  /**
   * The most recent entries kept per connection and outcome (failures and successes apart, so that
   * busy successful logins never push out the failures). An integer from 1 to 1000. Default: 100.
   */
  maxEntries?: number;
  /** How long an entry is kept after its `at`, in milliseconds. Default: 2592000000 (30 days). */
  maxAgeMs?: number;
}

/**
 * Recent login activity, per connection. Optional on `SsoStorage`: without it the server records
 * nothing and the admin API answers empty lists.
 */
export interface LoginActivityStore {
  /**
   * Records one login, then keeps only the `maxEntries` most recently recorded entries of its
   * connection and outcome, and none older than `maxAgeMs` (an entry already that old is not
   * stored). Strings are cut and unknown fields dropped ({@link checkLoginActivity}).
   */
  record(entry: LoginActivityEntry, retention?: LoginActivityRetention): Promise<void>;
  /**
   * A connection's entries of one outcome, most recently recorded first, at most `limit` (from 1 to
   * 1000; default 100), none past its age limit. An unknown connection has none.
   */
  list(
    connectionId: string,
    options: { outcome: LoginOutcome; limit?: number },
  ): Promise<LoginActivityEntry[]>;
}

/**
 * The bounds of login activity, in characters unless said otherwise. A store cuts longer strings
 * (ending them with `…`) and drops groups past `groups`, through {@link checkLoginActivity}.
 *
 * @example
 * ```ts
 * import { loginActivityLimits } from '@ssokit/storage';
 *
 * // A custom store's retention, within the ceiling the interface allows.
 * const maxEntries = Math.min(500, loginActivityLimits.maxEntriesCeiling);
 * await storage.loginActivity?.record(entry, { maxEntries, maxAgeMs: loginActivityLimits.maxAgeMs });
 * ```
 */
export const loginActivityLimits = {
  /** Entries kept per connection and outcome by default. */
  maxEntries: 100,
  /** The most entries a caller may ask a store to keep per connection and outcome. */
  maxEntriesCeiling: 1000,
  /** How long an entry is kept by default: 30 days, in milliseconds. */
  maxAgeMs: 30 * 24 * 60 * 60 * 1000,
  /** The longest connection id (longer is refused: ids are the store's keys). */
  connectionId: 128,
  code: 64,
  reason: 64,
  message: 500,
  fix: 500,
  /** The longest group name kept. */
  group: 256,
  /** The most unmatched groups kept of one login. */
  groups: 32,
  /** The most of a login's IdP groups kept (`LoginSuccessEntry.groups`). */
  seenGroups: 64,
} as const;

/**
 * Checks an entry and returns a clean copy: only the fields of its outcome, every string with control
 * characters turned into spaces (PostgreSQL refuses NUL) and cut to {@link loginActivityLimits}, at
 * most `groups` unmatched groups. A coded `TypeError` (`ERR_INVALID_ARG_VALUE`) for what cannot be
 * cut into shape: a missing or over-long connection id, an invalid `at`, an unknown outcome or step, a
 * missing code or message. Every adapter calls it first, so they all keep the same.
 *
 * @example
 * ```ts
 * import { checkLoginActivity } from '@ssokit/storage';
 *
 * const entry = checkLoginActivity({
 *   connectionId: 'okta', at: new Date(), outcome: 'failed', step: 'response',
 *   code: 'idp_error', message: 'x'.repeat(10_000),
 * });
 * entry.outcome === 'failed' && entry.message.length; // 500
 * ```
 */
export function checkLoginActivity(entry: LoginActivityEntry): LoginActivityEntry {
  const e = (entry ?? {}) as unknown as Record<string, unknown>;
  const L = loginActivityLimits;
  const connectionId = e.connectionId;
  if (typeof connectionId !== 'string' || connectionId === '' || connectionId.length > L.connectionId)
    throw invalid(`"entry.connectionId" must be a non-empty string of at most ${L.connectionId} characters`);
  if (!(e.at instanceof Date) || Number.isNaN(e.at.getTime()))
    throw invalid('"entry.at" must be a valid Date');
  const at = new Date(e.at.getTime());
  if (e.outcome === 'succeeded') {
    if (!Array.isArray(e.unmatchedGroups))
      throw invalid('"entry.unmatchedGroups" must be an array of strings');
    const groupList = (list: unknown[], max: number) =>
      list
        .filter((g): g is string => typeof g === 'string' && g !== '')
        .slice(0, max)
        .map((g) => bounded(g, L.group));
    if (e.groups !== undefined && !Array.isArray(e.groups))
      throw invalid('"entry.groups" must be an array of strings');
    return {
      connectionId,
      at,
      outcome: 'succeeded',
      unmatchedGroups: groupList(e.unmatchedGroups, L.groups),
      ...(Array.isArray(e.groups) ? { groups: groupList(e.groups, L.seenGroups) } : {}),
    };
  }
  if (e.outcome !== 'failed') throw invalid('"entry.outcome" must be "failed" or "succeeded"');
  if (!(loginSteps as readonly unknown[]).includes(e.step))
    throw invalid(`"entry.step" must be one of ${loginSteps.map((s) => `"${s}"`).join(', ')}`);
  for (const key of ['code', 'message'])
    if (typeof e[key] !== 'string' || e[key] === '')
      throw invalid(`"entry.${key}" must be a non-empty string`);
  const optional = (key: 'reason' | 'fix') =>
    typeof e[key] === 'string' && e[key] !== '' ? { [key]: bounded(e[key] as string, L[key]) } : {};
  return {
    connectionId,
    at,
    outcome: 'failed',
    step: e.step as LoginStep,
    code: bounded(e.code as string, L.code),
    ...optional('reason'),
    message: bounded(e.message as string, L.message),
    ...optional('fix'),
  };
}

/**
 * The retention a store applies: the caller's, with the defaults filled in. A coded `TypeError`
 * (`ERR_INVALID_ARG_VALUE`) for a `maxEntries` that is not an integer from 1 to 1000, or a `maxAgeMs`
 * that is not a positive, finite number.
 *
 * @example
 * ```ts
 * import { checkLoginActivityRetention } from '@ssokit/storage';
 *
 * checkLoginActivityRetention(); // { maxEntries: 100, maxAgeMs: 2592000000 }
 * ```
 */
export function checkLoginActivityRetention(
  retention: LoginActivityRetention = {},
): Required<LoginActivityRetention> {
  const L = loginActivityLimits;
  const { maxEntries = L.maxEntries, maxAgeMs = L.maxAgeMs } = retention ?? {};
  if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > L.maxEntriesCeiling)
    throw invalid(`"retention.maxEntries" must be an integer from 1 to ${L.maxEntriesCeiling}`);
  if (typeof maxAgeMs !== 'number' || !Number.isFinite(maxAgeMs) || maxAgeMs <= 0)
    throw invalid('"retention.maxAgeMs" must be a positive number of milliseconds');
  return { maxEntries, maxAgeMs };
}

/**
 * The options of `LoginActivityStore.list`, checked: a known outcome, and a `limit` that is an integer
 * from 1 to 1000 (default 100). A coded `TypeError` (`ERR_INVALID_ARG_VALUE`) otherwise.
 *
 * @example
 * ```ts
 * import { checkLoginActivityQuery } from '@ssokit/storage';
 *
 * checkLoginActivityQuery('okta', { outcome: 'failed' }); // { outcome: 'failed', limit: 100 }
 * ```
 */
export function checkLoginActivityQuery(
  connectionId: string,
  options: { outcome: LoginOutcome; limit?: number },
): { outcome: LoginOutcome; limit: number } {
  if (typeof connectionId !== 'string') throw invalid('"connectionId" must be a string');
  const { outcome, limit = loginActivityLimits.maxEntries } = options ?? ({} as never);
  if (outcome !== 'failed' && outcome !== 'succeeded')
    throw invalid('"options.outcome" must be "failed" or "succeeded"');
  if (!Number.isInteger(limit) || limit < 1 || limit > loginActivityLimits.maxEntriesCeiling)
    throw invalid(`"options.limit" must be an integer from 1 to ${loginActivityLimits.maxEntriesCeiling}`);
  return { outcome, limit };
}

/** Control characters, which a log line, a terminal or PostgreSQL (NUL) should never get. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it removes.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` without control characters, cut to `max` characters (`…` last), never inside a surrogate pair. */
function bounded(text: string, max: number): string {
  const clean = text.replace(CONTROL, ' ');
  if (clean.length <= max) return clean;
  let end = max - 1;
  const last = clean.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${clean.slice(0, end)}…`;
}

function invalid(reason: string): TypeError {
  return Object.assign(new TypeError(`Invalid login activity: ${reason}.`), {
    code: 'ERR_INVALID_ARG_VALUE',
  });
}
