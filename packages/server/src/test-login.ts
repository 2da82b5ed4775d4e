/**
 * Test logins, the live half of Test Provider: an admin's real login through the IdP (every check of
 * a login: state, nonce, PKCE, signatures, InResponseTo, replay) that ends in a report instead of a
 * session. Nothing is written (no user, identity, membership or session) and no `login.*` audit event
 * is sent: the one trace is `connection.test_login`. A failure (the IdP out of reach at the start, the
 * IdP refused, a signature did not verify, the policy refused) is a report too, not an error page.
 *
 * The admin API starts one (admin-test-login.ts); the callbacks (oidc-flow.ts, saml-flow/login.ts)
 * hand their transaction to {@link settleTestLogin} and `finishLogin` hands a validated test login to
 * {@link finishTestLogin}. Whether a login is a test is decided by its server-side transaction only.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Connection, emitAudit, isSsoError, type SsoError, type SsoErrorCode } from '@ssokit/core';
import type { TransactionValue } from '@ssokit/storage';
import type { SsoContext } from './context.ts';
import type { ValidatedLogin } from './login-finish.ts';
import { mappingPreview } from './test-connection/preview.ts';
import {
  type Finding,
  type FindingStatus,
  fixFor,
  messageOf,
  type TestLoginReport,
  worstStatus,
} from './test-connection/report.ts';
import { clearTransactionCookie, type TakenTransaction, type TestLoginMarker } from './transactions.ts';

/** Where start tokens live in the transaction store (a `:` no login key has; transactions.ts). */
export const TEST_START_PREFIX = 'test-login-start:';
/** Where reports live in the transaction store. */
export const TEST_RESULT_PREFIX = 'test-login-result:';
/** How long a report can be read (and read again: a reload works): 10 minutes. */
export const TEST_RESULT_TTL_MS = 10 * 60_000;

/** The SHA-256 of a test cookie's value, base64url: what records keep instead of the value. */
export function hashBinder(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** 192 random bits, base64url (32 characters): start tokens, result ids, test cookies. */
export function randomId(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The connection a callback finishes with: it must be active, except for a test login, whose point is
 * testing a connection before enabling it.
 */
export function loginConnection(ctx: SsoContext, tx: TakenTransaction): Promise<Connection> {
  return tx.test ? ctx.connection(tx.connectionId) : ctx.activeConnection(tx.connectionId);
}

/**
 * Runs a callback's work once its transaction is taken. A normal login runs as is. For a test login,
 * an `SsoError` on the way (the IdP's refusal, a check of its answer, a deleted connection) becomes a
 * report with its code, message and fix, which the admin's browser is sent to.
 */
export async function settleTestLogin(
  ctx: SsoContext,
  tx: TakenTransaction,
  run: () => Promise<Response>,
): Promise<Response> {
  const test = tx.test;
  if (!test) return run();
  try {
    return await run();
  } catch (error) {
    if (!isSsoError(error)) throw error;
    return failedTestLogin(ctx, tx, test, error);
  }
}

/**
 * A validated test login: the login pipeline previewed on the IdP's answer (previewLogin: the real
 * mapping, policy, user resolution, group-sync plan and roles, stopped before the commit), the report
 * stored, the audit event sent, and the admin's browser sent to the report. No session.
 */
export async function finishTestLogin(
  ctx: SsoContext,
  login: ValidatedLogin & { test: TestLoginMarker },
): Promise<Response> {
  const { connection: c, identity, claims, groups, test } = login;
  const findings: Finding[] = [];
  const add = (check: string, status: FindingStatus, message: string, fix?: string) =>
    findings.push({ check, status, message, ...(fix ? { fix } : {}) });
  add(
    'login',
    'ok',
    `The identity provider signed in "${identity.subject}" and its answer passed every check (${
      c.protocol === 'oidc'
        ? 'state, nonce, PKCE and the ID token'
        : 'RelayState, InResponseTo, signature, audience, recipient and replay'
    }).`,
  );
  if (!c.active)
    add(
      'active',
      'warning',
      'The connection is disabled: users cannot sign in with it yet.',
      'Activate it when the test passes.',
    );
  const preview = await mappingPreview(c, identity, claims, ctx, add, {
    source: 'login',
    ...(groups ? { groups } : {}),
  });
  const refusal = preview.error;
  return storeReport(ctx, test, {
    connectionId: c.id,
    name: c.name,
    protocol: c.protocol,
    outcome: preview.outcome,
    findings,
    identity,
    claims: withoutTokens(claims),
    preview,
    ...(refusal
      ? {
          error: {
            code: refusal.code as SsoErrorCode,
            message: refusal.message,
            ...(refusal.fix ? { fix: refusal.fix } : {}),
            stage: 'mapping' as const,
          },
        }
      : {}),
  });
}

/** A test login that failed before its answer was validated: a report of the refusal. */
function failedTestLogin(
  ctx: SsoContext,
  tx: TakenTransaction,
  test: TestLoginMarker,
  error: SsoError,
): Promise<Response> {
  return failureReport(
    ctx,
    tx.connectionId,
    tx.protocol === 'oidc' ? 'oidc' : 'saml',
    test,
    error,
    'response',
  );
}

/** What an admin can do about a start that failed, where {@link fixFor} knows nothing. */
const START_FIXES: Partial<Record<SsoErrorCode, string>> = {
  config_invalid: "Correct the connection's settings named in the message, then test again.",
  connection_not_found: 'The connection was deleted during the test; create it again, then test it.',
  rate_limited: 'Wait a minute, then start the test again.',
  storage_failure: 'Check the transaction store, then start the test again.',
  storage_unavailable: 'Check the transaction store, then start the test again.',
};

/**
 * A test login whose start failed once its token was taken for this browser and admin (the IdP's
 * discovery or metadata out of reach, the connection's configuration invalid or the connection gone,
 * a limit of the login itself): a report of the failure, `stage: 'start'`, stored and sent to as a
 * callback's. `protocol` is the start record's, for a connection deleted meanwhile.
 */
export function failedTestStart(
  ctx: SsoContext,
  connectionId: string,
  protocol: 'oidc' | 'saml',
  test: TestLoginMarker,
  error: SsoError,
): Promise<Response> {
  return failureReport(ctx, connectionId, protocol, test, error, 'start');
}

/** The report of a test login that failed at `stage`, stored and sent to ({@link storeReport}). */
async function failureReport(
  ctx: SsoContext,
  connectionId: string,
  protocol: 'oidc' | 'saml',
  test: TestLoginMarker,
  error: SsoError,
  stage: 'start' | 'response',
): Promise<Response> {
  const c = await ctx.storage.connections.get(connectionId);
  const fix = fixFor(error) ?? (stage === 'start' ? START_FIXES[error.code] : undefined);
  // The admin reads this: the message with its cause (an IdP's text is shown as the IdP's).
  const message = messageOf(error);
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : undefined;
  return storeReport(ctx, test, {
    connectionId,
    ...(c ? { name: c.name } : {}),
    protocol: c?.protocol ?? protocol,
    outcome: 'would-fail',
    findings: [
      {
        check: 'login',
        status: 'error',
        message: `The login did not ${stage === 'start' ? 'start' : 'complete'}: ${message}`,
        ...(fix ? { fix } : {}),
      },
    ],
    error: {
      code: error.code,
      message,
      ...(fix ? { fix } : {}),
      ...(reason ? { reason } : {}),
      stage,
    },
  });
}

/** What the callbacks know of a report; the rest is added by {@link storeReport}. */
type ReportBody = Omit<TestLoginReport, 'id' | 'status' | 'testedAt' | 'actor'>;

/**
 * Stores the report under a fresh id for {@link TEST_RESULT_TTL_MS}, bound to the admin's browser
 * (the test cookie's hash) and to the connection, sends `connection.test_login`, clears the
 * transaction cookie and sends the browser to `returnTo?testLogin=<id>` (or to the report itself).
 */
async function storeReport(ctx: SsoContext, test: TestLoginMarker, body: ReportBody): Promise<Response> {
  const id = randomId();
  const at = ctx.clock();
  const report: TestLoginReport = {
    id,
    ...body,
    status: worstStatus(body.findings),
    testedAt: new Date(at).toISOString(),
    ...(test.actor !== undefined ? { actor: test.actor } : {}),
  };
  await ctx.storage.transactions.put(
    `${TEST_RESULT_PREFIX}${id}`,
    {
      kind: 'test-login-result',
      connectionId: body.connectionId,
      binder: test.binder,
      ...(test.actor !== undefined ? { actor: test.actor } : {}),
      expiresAt: at + TEST_RESULT_TTL_MS,
      // A JSON copy: what the store keeps is what a reader gets.
      report: JSON.parse(JSON.stringify(report)) as TransactionValue,
    },
    TEST_RESULT_TTL_MS,
  );
  await emitAudit(ctx.options.audit, {
    type: 'connection.test_login',
    at: new Date(at),
    connectionId: body.connectionId,
    outcome: body.outcome === 'would-succeed' ? 'succeeded' : 'failed',
    ...(body.error ? { code: body.error.code } : {}),
    ...(test.actor !== undefined ? { actor: test.actor } : {}),
    ...(body.identity ? { identity: body.identity } : {}),
  });
  const headers = new Headers({
    location: test.returnTo
      ? withParameter(test.returnTo, 'testLogin', id)
      : ctx.url(
          `/admin/connections/${encodeURIComponent(body.connectionId)}/test-login/${encodeURIComponent(id)}`,
        ),
    'cache-control': 'no-store',
  });
  clearTransactionCookie(headers, ctx.txCookie);
  return new Response(null, { status: 303, headers });
}

/** `path` (a site path, maybe with a query and a fragment) with `name=value` added to its query. */
function withParameter(path: string, name: string, value: string): string {
  const hash = path.indexOf('#');
  const [base, fragment] = hash < 0 ? [path, ''] : [path.slice(0, hash), path.slice(hash)];
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${separator}${encodeURIComponent(name)}=${encodeURIComponent(value)}${fragment}`;
}

/** Members that are tokens, wherever they sit (distributed claims carry access tokens). */
const TOKEN_MEMBERS = new Set(['id_token', 'access_token', 'refresh_token']);
/** Members of an ID token that are about the token, not the person. */
const TOKEN_ONLY_CLAIMS = new Set(['nonce', 'at_hash', 'c_hash', 's_hash']);

/** The claims without tokens: what the admin asked to see, and nothing that could be replayed. */
function withoutTokens(claims: Record<string, unknown>): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !TOKEN_MEMBERS.has(key))
        .map(([key, v]) => [key, strip(v)]),
    );
  };
  return Object.fromEntries(
    Object.entries(strip(claims) as Record<string, unknown>).filter(([key]) => !TOKEN_ONLY_CLAIMS.has(key)),
  );
}
