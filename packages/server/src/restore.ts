/**
 * Restore mode (W&B's `LOCAL_RESTORE`): while it lasts, SSO logins are refused and `POST /restore` with
 * the temporary password gives an administrator a session. Every attempt is audited; wrong passwords
 * are rate-limited before any password hashing.
 *
 * @module
 */
import type { RestoreMode } from '@ssokit/config';
import { emitAudit, SsoError } from '@ssokit/core';
import { clientKeyOf, createClientLimiter } from './client.ts';
import type { SsoContext } from './context.ts';
import { BODY_LIMITS, isCrossSite, json, readBody, wantsJson } from './respond.ts';
import type { SessionData } from './session.ts';
import { restoreSession, writeSession } from './session-cookie.ts';

const ATTEMPTS_PER_MINUTE = 5;

/** Restore mode of one `createSso()` instance. */
export interface Restore {
  /** Whether restore mode is on now. */
  active(): boolean;
  /** Throws `sso_disabled` while restore mode is on (every SSO login route calls it first). */
  refuseSso(): void;
  /** `POST /restore`. */
  login(request: Request): Promise<Response>;
}

/** Restore mode for `ctx.options.restore` (inactive without it). */
export function createRestore(ctx: SsoContext): Restore {
  const { options, clock } = ctx;
  const restore = options.restore;
  const failures = createClientLimiter({ perWindow: ATTEMPTS_PER_MINUTE, windowMs: 60_000 });
  const active = () => restore !== undefined && clock() < restore.expiresAt.getTime();
  return {
    active,
    refuseSso() {
      if (active())
        throw new SsoError(
          'sso_disabled',
          'Single sign-on is off: the app runs in restore mode. An administrator signs in at /restore with the temporary password.',
        );
    },
    async login(request) {
      const at = () => new Date(clock());
      const refuse = async (error: SsoError): Promise<never> => {
        await emitAudit(options.audit, { type: 'restore.login.failed', at: at(), code: error.code });
        throw error;
      };
      if (isCrossSite(request, ctx.origin)) {
        await refuse(
          new SsoError('forbidden', 'The restore sign-in must come from this site.', {
            details: { reason: 'origin' },
          }),
        );
      }
      if (!active()) {
        await refuse(
          new SsoError('sso_disabled', 'Restore mode has ended: sign in with single sign-on again.'),
        );
      }
      const nowMs = clock();
      // Per client: anyone else's wrong guesses never keep the administrator out. Counted before the
      // first await, so attempts sent in parallel cannot all pass; given back when the password is right.
      const client = clientKeyOf(ctx, request);
      if (!failures.hit(client, nowMs)) {
        await refuse(
          new SsoError('rate_limited', 'Too many wrong restore passwords; wait a minute and try again.'),
        );
      }
      let text = '';
      try {
        text = await readBody(request, BODY_LIMITS.restore, 'The restore request body');
      } catch (error) {
        await refuse(error as SsoError);
      }
      const password = await readPassword(request, text, refuse);
      if (!(restore as RestoreMode).verify(password)) {
        await refuse(
          new SsoError('forbidden', 'The restore password is wrong.', {
            details: { reason: 'restore_password' },
          }),
        );
      }
      failures.forget(client);
      const nowSec = Math.floor(nowMs / 1000);
      const data: SessionData = {
        userId: 'restore',
        connectionId: 'restore',
        identity: { issuer: 'restore', subject: 'restore' },
        roles: [...(options.restoreRoles ?? ['admin'])],
        groups: [],
        issuedAt: nowSec,
        expiresAt: Math.min(
          nowSec + ctx.sessionTtlSec,
          Math.floor((restore as RestoreMode).expiresAt.getTime() / 1000),
        ),
        restore: true,
      };
      const headers = new Headers({ 'cache-control': 'no-store' });
      await writeSession(ctx, headers, request, data);
      await emitAudit(options.audit, { type: 'restore.login.succeeded', at: at() });
      if (wantsJson(request)) return json({ session: restoreSession(data) }, 200, headers);
      headers.set('location', '/');
      return new Response(null, { status: 303, headers });
    },
  };
}

/** The password of a restore request: JSON `{"password"}` or a form field `password`. */
async function readPassword(
  request: Request,
  text: string,
  refuse: (error: SsoError) => Promise<never>,
): Promise<string> {
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  let password: unknown;
  if (type.startsWith('application/json')) {
    try {
      password = (JSON.parse(text) as { password?: unknown })?.password;
    } catch {
      await refuse(new SsoError('invalid_request', 'The restore request body is not JSON.'));
    }
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    password = new URLSearchParams(text).get('password');
  }
  if (typeof password !== 'string' || password === '')
    await refuse(
      new SsoError(
        'invalid_request',
        'Send the temporary password as JSON {"password": "..."} or as a form field "password".',
      ),
    );
  return password as string;
}
