/**
 * The admin API's test login routes (test-login.ts has the callback side):
 *
 * - `POST /admin/connections/:id/test-login` (JSON `{ returnTo? }`) answers `{ url, expiresAt }`: a
 *   one-time start URL for this browser, and sets the test cookie (`__Host-sso_test` on https,
 *   `sso_test` on http) that binds the test to it.
 * - `GET /admin/connections/:id/test-login/start?token=…` takes the token once and starts the login
 *   (a transaction marked as a test, then the IdP), in the browser that asked for it. A start that
 *   fails once the token counted (the IdP out of reach, an invalid configuration) is a report, as a
 *   callback's failure is; a refused token is a small HTML page to a browser (no report).
 * - `GET /admin/connections/:id/test-login/:resultId` reads the report, in that browser, as often as
 *   wanted while it lasts (10 minutes).
 *
 * Why the start is guarded so: the GET that sets the transaction cookie and leaves for the IdP is a
 * link, and links can be planted. Its token is minted by a same-origin POST (so no other site can get
 * one), is taken on first use (a leaked URL is spent), lives five minutes, and only counts in the
 * browser holding the test cookie whose hash it carries (a token minted by another admin, or sent to a
 * victim, is refused) and for the admin who minted it. A cross-site navigation to it is refused too.
 * The test cookie's value is minted afresh by every POST, never taken from the browser: a value
 * planted in an admin's browser (cookie tossing from a sibling subdomain) is replaced before the
 * admin's test is bound, so the planter cannot read its report; on https the `__Host-` prefix keeps
 * sibling subdomains from setting the cookie at all. Each admin may mint 20 start URLs a minute, so
 * none can fill the transaction store that anonymous logins need.
 * An attacker who still got an admin's browser to run a test login gains nothing: the report is bound
 * to that browser, nothing is written, and no session starts.
 *
 * @module
 */
import { isSsoError, SsoError } from '@ssokit/core';
import type { TransactionValue } from '@ssokit/storage';
import type { AdminContext } from './admin.ts';
import { clientKeyOf, createSharedLimiter } from './client.ts';
import type { SsoContext } from './context.ts';
import { parseCookies, serializeCookie } from './cookies.ts';
import { loadSamlFlow } from './lazy.ts';
import { startOidcLogin } from './oidc-flow.ts';
import { reportError } from './report-error.ts';
import { errorReply, escapeHtml, isCrossSite, isSitePath, json, notAllowed, wantsJson } from './respond.ts';
import {
  failedTestStart,
  hashBinder,
  randomId,
  TEST_RESULT_PREFIX,
  TEST_START_PREFIX,
} from './test-login.ts';
import { clearTransactionCookie, type TestLoginMarker } from './transactions.ts';

/** How long the test cookie lasts: a start, a login at the IdP and the report's lifetime, with room. */
const TEST_COOKIE_MAX_AGE_SEC = 3600;
/** How long a start token can be used: 5 minutes. */
const START_TTL_MS = 5 * 60_000;
/** The longest `returnTo` kept, in characters (as for logins). */
const MAX_RETURN_TO = 2048;
/** What randomId() makes: 32 base64url characters. */
const ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;
/** How many start URLs one admin may mint a minute. */
const STARTS_PER_MINUTE = 20;

/**
 * The cookie that binds test logins to the admin's browser (its value's hash is in each record):
 * `__Host-` prefixed on https (no Domain, Path=/, Secure: a sibling subdomain cannot set it), as the
 * session cookie is.
 */
function testCookieName(ctx: SsoContext): string {
  return ctx.txCookie.secure ? '__Host-sso_test' : 'sso_test';
}

/** Each server's limiter of start URLs per admin (one per context, shared by instances via counters). */
const startLimiters = new WeakMap<SsoContext, ReturnType<typeof createSharedLimiter>>();

/** Counts a start URL for this admin; `rate_limited` past {@link STARTS_PER_MINUTE}. */
async function limitStarts(ctx: SsoContext, request: Request, actor: string | undefined): Promise<void> {
  let limiter = startLimiters.get(ctx);
  if (!limiter) {
    limiter = createSharedLimiter(ctx, 'test-login-start', STARTS_PER_MINUTE);
    startLimiters.set(ctx, limiter);
  }
  // The admin as the hook named them; unnamed admins by client (the test cookie is the browser's to
  // choose, so it cannot be the key).
  const key = actor !== undefined ? `actor:${actor}` : `client:${clientKeyOf(ctx, request)}`;
  if (!(await limiter(key)))
    throw new SsoError('rate_limited', 'Too many test logins were started; wait a minute and try again.', {
      details: { reason: 'test_login_starts' },
    });
}

/** What the admin router gives the test login routes. */
export interface TestLoginRequest {
  request: Request;
  connectionId: string;
  /** `undefined` for the mint route; `start`, or a result id. */
  rest: string | undefined;
  /** The admin, as `authorizeAdmin` named them (absent when it answered `true`). */
  actor: string | undefined;
  /** Reads the JSON body (optional). */
  readJson: (optional: boolean) => Promise<Record<string, unknown>>;
}

/** Serves `/admin/connections/:id/test-login[/start|/:resultId]` for an admin (already authorized). */
export async function handleTestLogin(admin: AdminContext, call: TestLoginRequest): Promise<Response> {
  const ctx = admin.context;
  const { request, rest } = call;
  if (rest === undefined) {
    if (request.method !== 'POST') throw notAllowed('Start a test login with POST.', 'POST');
    return mintStart(ctx, call);
  }
  if (request.method !== 'GET') throw notAllowed('Test login routes answer GET.', 'GET');
  return rest === 'start' ? takeStart(ctx, call) : readResult(ctx, call);
}

/** `POST …/test-login`: a one-time start URL for this browser. */
async function mintStart(ctx: SsoContext, call: TestLoginRequest): Promise<Response> {
  const { request, connectionId, actor } = call;
  // Active or not: testing before enabling is the point.
  const c = await ctx.connection(connectionId);
  const body = await call.readJson(true);
  const returnTo = body.returnTo;
  if (returnTo !== undefined) {
    if (typeof returnTo !== 'string' || !isSitePath(returnTo))
      throw new SsoError('invalid_return_to', 'returnTo must be a path on this site, such as /admin/sso.');
    if (returnTo.length > MAX_RETURN_TO)
      throw new SsoError('invalid_return_to', `returnTo is longer than ${MAX_RETURN_TO} characters.`);
  }
  await limitStarts(ctx, request, actor);
  // A fresh binder every time, never the one the browser sends (it may have been planted by someone
  // who knows it). So a second test started in another tab replaces the first one's binding: the
  // first tab's start URL and report are then refused in this browser (`test_login_browser`).
  const binder = randomId();
  const token = randomId();
  const expiresAt = ctx.clock() + START_TTL_MS;
  await ctx.storage.transactions.put(
    `${TEST_START_PREFIX}${token}`,
    {
      kind: 'test-login-start',
      connectionId,
      // For the report of a start that fails after the connection was deleted.
      protocol: c.protocol,
      binder: hashBinder(binder),
      ...(actor !== undefined ? { actor } : {}),
      ...(typeof returnTo === 'string' ? { returnTo } : {}),
    },
    START_TTL_MS,
  );
  const headers = new Headers();
  headers.append(
    'set-cookie',
    serializeCookie(testCookieName(ctx), binder, {
      // `__Host-` requires Path=/ (https); on http the cookie stays under basePath.
      path: ctx.txCookie.secure ? '/' : ctx.basePath,
      secure: ctx.txCookie.secure ?? false,
      // Lax: the report may be opened by the redirect at the end of the IdP's round trip.
      sameSite: 'Lax',
      maxAge: TEST_COOKIE_MAX_AGE_SEC,
    }),
  );
  const url = ctx.url(
    `/admin/connections/${encodeURIComponent(connectionId)}/test-login/start?token=${token}`,
  );
  return json({ url, expiresAt: new Date(expiresAt).toISOString() }, 200, headers);
}

/**
 * `GET …/test-login/start?token=`: the token taken once, then the login started in this browser.
 *
 * A failure before the token is taken for this browser and admin (another site, a spent, expired or
 * unknown token, another browser, another admin) trusts nothing of the record: no report, no
 * `returnTo`; a browser that asked for HTML gets a small page ({@link startRefusedPage}). A failure
 * after it (discovery, metadata, configuration, the connection gone, a limit of the login) is the
 * admin's test failing: a report (`stage: 'start'`), and the browser sent to it as from a callback.
 */
async function takeStart(ctx: SsoContext, call: TestLoginRequest): Promise<Response> {
  const { request, connectionId } = call;
  let start: { marker: TestLoginMarker; protocol: 'oidc' | 'saml' };
  try {
    start = await validStart(ctx, call);
  } catch (error) {
    if (isSsoError(error) && wantsHtml(request)) return startRefusedPage(ctx, request, error);
    throw error;
  }
  const { marker, protocol } = start;
  const landing = marker.returnTo ?? '/';
  try {
    const c = await ctx.connection(connectionId);
    return c.protocol === 'oidc'
      ? await startOidcLogin(ctx, c, landing, marker)
      : await (await loadSamlFlow()).startSamlLogin(ctx, c, landing, marker);
  } catch (error) {
    if (!isSsoError(error)) throw error;
    return failedTestStart(ctx, connectionId, protocol, marker, error);
  }
}

/** The start token taken and checked: this browser's and this admin's test, or an `SsoError`. */
async function validStart(
  ctx: SsoContext,
  call: TestLoginRequest,
): Promise<{ marker: TestLoginMarker; protocol: 'oidc' | 'saml' }> {
  const { request, connectionId, actor } = call;
  if (isCrossSite(request, ctx.origin))
    throw new SsoError('forbidden', 'A test login starts from this site only.', {
      details: { reason: 'origin' },
    });
  const token = new URL(request.url).searchParams.get('token') ?? '';
  // Taken before any other check: a start URL works once, whoever opens it.
  const record = ID_PATTERN.test(token)
    ? ((await ctx.storage.transactions.take(`${TEST_START_PREFIX}${token}`)) as Record<
        string,
        unknown
      > | null)
    : null;
  if (record?.kind !== 'test-login-start' || record.connectionId !== connectionId)
    throw new SsoError(
      'transaction_expired',
      'This test login link expired or was already used. Start the test again.',
      { details: { reason: 'test_login_start' } },
    );
  const marker = boundMarker(ctx, request, record, actor);
  return { marker, protocol: record.protocol === 'saml' ? 'saml' : 'oidc' };
}

/** Whether the browser asked for a page (`Accept: text/html`) rather than JSON. */
function wantsHtml(request: Request): boolean {
  return (request.headers.get('accept') ?? '').includes('text/html') && !wantsJson(request);
}

/**
 * A start refused before its token counted for this browser and admin, as a small page: what
 * happened and to start again from the admin page. Nothing of the record is trusted (it may be
 * another admin's or planted), so the one link is to `/`. The transaction cookie is cleared and
 * `onError` told, as the route table does for a failure it renders.
 */
function startRefusedPage(ctx: SsoContext, request: Request, error: SsoError): Response {
  const { status, headers: fields, body } = errorReply(error, { expose: true });
  const headers = new Headers(fields);
  headers.set('content-type', 'text/html; charset=utf-8');
  headers.set('content-security-policy', "default-src 'none'");
  headers.set('referrer-policy', 'no-referrer');
  clearTransactionCookie(headers, ctx.txCookie);
  const code = body.reason ? `${body.error} (${body.reason})` : body.error;
  reportError(ctx, error, request, status);
  return new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>Test login not started</title></head><body><h1>The test login did not start</h1><p>${escapeHtml(body.message)}</p><p>Start the test again from the admin page.</p><p><code>${escapeHtml(code)}</code></p><p><a href="/">Back to the site</a></p></body></html>`,
    { status, headers },
  );
}

/** `GET …/test-login/:resultId`: the report, in the browser and for the admin that ran the test. */
async function readResult(ctx: SsoContext, call: TestLoginRequest): Promise<Response> {
  const { request, connectionId, actor, rest: resultId = '' } = call;
  const gone = () =>
    new SsoError('transaction_expired', 'This test login report expired or does not exist. Test again.', {
      details: { reason: 'test_login_result' },
    });
  if (!ID_PATTERN.test(resultId)) throw gone();
  const key = `${TEST_RESULT_PREFIX}${resultId}`;
  // The store takes, it does not peek: the record is put back for what remains of its lifetime, so
  // a reload reads it again (two reads at the same instant: one may find it briefly gone).
  const record = (await ctx.storage.transactions.take(key)) as Record<string, unknown> | null;
  if (record?.kind !== 'test-login-result') throw gone();
  const remaining = Number(record.expiresAt) - ctx.clock();
  if (!(remaining > 0)) throw gone();
  // A failed put (a full store) does not cost this reader the report already taken: it is answered
  // below all the same; only a later reload finds it gone (`test_login_result`: test again).
  await ctx.storage.transactions.put(key, record as TransactionValue, remaining).catch(() => undefined);
  // Another connection's report is not found here, whoever asks: the route confirms nothing.
  if (record.connectionId !== connectionId) throw gone();
  boundMarker(ctx, request, record, actor);
  return json(record.report);
}

/**
 * The record's marker, when this browser holds the test cookie whose hash the record keeps and the
 * admin is the one who started it; `forbidden` otherwise.
 */
function boundMarker(
  ctx: SsoContext,
  request: Request,
  record: Record<string, unknown>,
  actor: string | undefined,
): TestLoginMarker {
  const cookie = parseCookies(request.headers.get('cookie')).get(testCookieName(ctx));
  if (cookie === undefined || hashBinder(cookie) !== record.binder)
    throw new SsoError('forbidden', 'This test login belongs to another browser. Start the test here.', {
      details: { reason: 'test_login_browser' },
    });
  if (record.actor !== undefined && record.actor !== actor)
    throw new SsoError('forbidden', 'This test login was started by another admin.', {
      details: { reason: 'test_login_actor' },
    });
  return {
    binder: record.binder as string,
    ...(typeof record.actor === 'string' ? { actor: record.actor } : {}),
    ...(typeof record.returnTo === 'string' ? { returnTo: record.returnTo } : {}),
  };
}
