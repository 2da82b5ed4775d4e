/**
 * Login activity, for the admin console: each refused login at a route where its connection is known
 * (the login start, the OIDC callback, the SAML ACS), with the step that refused it, its code, the
 * message and the fix; and each successful login's IdP groups that matched nothing. Kept in
 * `storage.loginActivity` (bounded per connection, shared by every instance), read by
 * admin-activity.ts.
 *
 * What is kept is for an administrator and about the connection, never about the person: no subject,
 * no email (an IdP's own text has addresses masked), no token, assertion, cookie or secret (anything
 * shaped like a token is masked). Test logins are not recorded: each is its own report.
 *
 * Recording never fails a login and never holds it up for long: a login waits at most
 * {@link RECORD_WAIT_MS} for the store (so that a platform that freezes the process once the response
 * is sent still gets the record), then goes on. A store that fails or is slow is reported to
 * `onError` once, and again only after a record has succeeded since.
 *
 * @module
 */
import { isSsoError, type LoginResult, SsoError } from '@ssokit/core';
import { checkLoginActivity, type LoginActivityEntry, type LoginStep } from '@ssokit/storage';
import type { SsoContext } from './context.ts';
import { reportError } from './report-error.ts';
import { decodePathSegment } from './respond.ts';
import { fixFor, messageOf } from './test-connection/report.ts';

/** The longest a login waits for its activity to be recorded: 250 milliseconds. */
export const RECORD_WAIT_MS = 250;

/** Where each login in progress is: set by the flows as it passes each step. */
const steps = new WeakMap<Request, { connectionId: string; step: LoginStep }>();

/**
 * Notes that the login `request` carries has reached `step` at a connection; a refusal from here on
 * is recorded at that step. A test login (`test` set) is not noted: its report says it all.
 */
export function loginStep(request: Request, at: { connectionId: string; test?: unknown }, step: LoginStep) {
  if (!at.test) steps.set(request, { connectionId: at.connectionId, step });
}

/**
 * Refusals not recorded: a connection that does not exist has no activity (nor may a visitor naming
 * made-up ids create any); a refused flood (`rate_limited`) would only push out the failures an admin
 * needs (the limiter already says it to `onError`); and what concerns only the visitor's own request
 * (a `returnTo` off this site, a start at a disabled connection) says nothing about the IdP, while any
 * page could send it by the hundred to push the real failures out.
 */
const UNRECORDED = new Set<string>([
  'connection_not_found',
  'rate_limited',
  'invalid_return_to',
  'connection_inactive',
]);

/** The login start route, relative to the base path. */
const START = /^\/login\/([^/]+)$/;

/**
 * Records the refusal of the login `request`, answered with `status`, when its connection is known:
 * noted by {@link loginStep}, or named by `GET /login/:id` (route, relative to the base path) and
 * stored. Anything else (an unknown connection, an invalid state, other routes) records nothing.
 */
export async function recordLoginFailure(
  ctx: SsoContext,
  request: Request,
  route: string,
  error: unknown,
  status: number,
): Promise<void> {
  if (!ctx.storage.loginActivity || (isSsoError(error) && UNRECORDED.has(error.code))) return;
  const noted = steps.get(request);
  if (!noted && !START.test(route)) return;
  await bounded(ctx, request, status, async () => {
    const at = noted ?? (await startOf(ctx, request, route));
    if (!at) return;
    const entry: LoginActivityEntry = {
      connectionId: at.connectionId,
      at: new Date(ctx.clock()),
      outcome: 'failed',
      step: at.step,
      ...explain(error),
    };
    await (ctx.storage.loginActivity as NonNullable<typeof ctx.storage.loginActivity>).record(
      checkLoginActivity(entry),
    );
  });
}

/**
 * Records a successful login at `connectionId` that brought IdP groups: those that matched nothing
 * (the connection page's list) and all of them (which roles they map to: `GET /admin/roles`).
 */
export async function recordLoginSuccess(
  ctx: SsoContext,
  request: Request,
  connectionId: string,
  result: LoginResult,
): Promise<void> {
  const store = ctx.storage.loginActivity;
  const groups = result.profile.groups.state === 'present' ? result.profile.groups.values : [];
  if (!store || groups.length === 0) return;
  const entry = {
    connectionId,
    at: new Date(ctx.clock()),
    outcome: 'succeeded' as const,
    unmatchedGroups: unmatchedGroupsOf(result),
    groups: [...groups],
  };
  await bounded(ctx, request, 303, () => store.record(checkLoginActivity(entry)));
}

/**
 * The IdP's groups of a login that granted nothing: no role and, with group sync, no app group (as
 * Test Provider's preview counts them). A group that matched a role the connection may not grant is
 * not among them: that is a refused role, warned about apart.
 */
export function unmatchedGroupsOf(result: LoginResult): string[] {
  if (result.profile.groups.state !== 'present') return [];
  const noRole = new Set(result.roleMatch.unmatchedGroups);
  const noGroup = result.groupSync ? new Set(result.groupSync.unmatched) : undefined;
  return result.profile.groups.values.filter((g) => noRole.has(g) && (noGroup?.has(g) ?? true));
}

/** The connection a refused `GET /login/:id` names, when one with that id exists. */
async function startOf(ctx: SsoContext, request: Request, route: string) {
  const named = START.exec(route);
  if (request.method !== 'GET' || !named) return undefined;
  let id: string;
  try {
    id = decodePathSegment(named[1] as string);
  } catch {
    return undefined;
  }
  // Checked, since the start may have been refused before the connection was read (restore mode).
  const found = await ctx.storage.connections.get(id);
  return found ? { connectionId: found.id, step: 'start' as const } : undefined;
}

/** Code, reason, message and fix of a refusal, as an admin reads them. */
function explain(error: unknown) {
  if (!isSsoError(error))
    return {
      code: 'server_error',
      message: 'The server failed unexpectedly; the host’s onError hook received the error.',
      fix: 'Look up this time in the error log the host keeps from onError.',
    };
  const reason = error.details?.reason;
  // An IdP's refusal reaches this server through the visitor's browser (an OIDC `error=` callback, an
  // unsigned SAML status): anyone can send one, with any text. Its free text is never kept, so an
  // admin is never told what to do by a visitor; the code is, and a test login shows the real answer.
  if (error.code === 'idp_error')
    return {
      code: error.code,
      ...(typeof reason === 'string' && /^[a-z0-9_]{1,40}$/.test(reason) ? { reason } : {}),
      message:
        'The answer brought back by the browser said the identity provider refused the sign-in. Its text is not kept: anyone can send such an answer.',
      fix: 'Run a test login from this connection’s page to see the identity provider’s own answer; often the person is not assigned to the application at the IdP.',
    };
  const fix = fixFor(error);
  return {
    code: error.code,
    ...(typeof reason === 'string' && /^[a-z0-9_]{1,40}$/.test(reason) ? { reason } : {}),
    // Cut before anything else: the masking must cost the same whatever the message's length.
    message: masked(messageOf(error).slice(0, 1000)),
    ...(fix ? { fix } : {}),
  };
}

/**
 * Text with what must not be kept masked: tokens (JWS/JWE compact serialisations), long opaque runs
 * (codes, assertions, secrets; hexadecimal fingerprints stay) and email addresses. Our messages carry
 * none of these; an IdP's `error_description` might.
 */
export function masked(text: string): string {
  return (
    text
      .replace(/eyJ[\w-]*(?:\.[\w-]*){1,4}/g, '[token]')
      .replace(/[\w+=-]{40,}/g, (run) => (/^[0-9a-f]+$/i.test(run) ? run : '[redacted]'))
      // Bounded parts: on a text with no @, an unbounded local part made this quadratic.
      .replace(/[^\s@<>()"',;:]{1,64}@[^\s@<>()"',;:]{1,255}\.[a-z]{2,24}/gi, '[email]')
  );
}

/** Whether recording failed for this instance since it last succeeded (then it is not reported again). */
const failing = new WeakMap<SsoContext, boolean>();

/** Runs `work`, waiting at most {@link RECORD_WAIT_MS}; whatever it throws is reported once, never thrown. */
async function bounded(ctx: SsoContext, request: Request, status: number, work: () => Promise<void>) {
  const report = (error: unknown) => {
    if (failing.get(ctx)) return;
    failing.set(ctx, true);
    const code = isSsoError(error, 'storage_unavailable') ? 'storage_unavailable' : 'storage_failure';
    reportError(
      ctx,
      new SsoError(code, 'Login activity could not be recorded; the login went on without it.', {
        cause: error,
        details: { reason: 'login_activity' },
      }),
      request,
      status,
    );
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(resolve, RECORD_WAIT_MS, 'late');
    (timer as { unref?: () => void }).unref?.();
  });
  const done = new Promise<void>((resolve) => resolve(work())).then(
    () => {
      failing.set(ctx, false);
      return 'done' as const;
    },
    (error: unknown) => {
      report(error);
      return 'failed' as const;
    },
  );
  const outcome = await Promise.race([done, late]);
  clearTimeout(timer);
  if (outcome === 'late')
    report(
      new SsoError('storage_unavailable', `The login activity store took longer than ${RECORD_WAIT_MS} ms.`),
    );
}
