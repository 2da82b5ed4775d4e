/**
 * Invariant family: every refused login ends with a typed SsoError carrying a stable code, writes
 * nothing (users, identities and memberships are byte-for-byte unchanged) and emits `login.failed`.
 */

import type { Connection, LoginInput, SsoErrorCode } from '@ssokit/core';
import { completeLogin, SsoError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { claimsFor, ISSUER, makeConnection, setup } from './helpers.ts';

type Env = ReturnType<typeof setup> & { connection: Connection };

async function expectRefused(env: Env, input: Partial<LoginInput>, code: SsoErrorCode): Promise<SsoError> {
  const before = await env.snapshot();
  const eventsBefore = env.events.length;
  const error = await completeLogin(
    {
      connection: env.connection,
      identity: { issuer: ISSUER, subject: 'mallory' },
      claims: claimsFor('mallory'),
      ...input,
    },
    env.deps(),
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SsoError);
  expect((error as SsoError).code).toBe(code);
  expect(await env.snapshot()).toBe(before);
  const newEvents = env.events.slice(eventsBefore);
  expect(newEvents.map((e) => e.type)).toEqual(['login.failed']);
  expect(newEvents[0]).toMatchObject({ code, connectionId: env.connection.id });
  return error as SsoError;
}

async function env(overrides: Partial<Connection> = {}): Promise<Env> {
  const base = setup();
  const connection = await makeConnection(base.storage, overrides);
  await base.storage.groups.create({ id: 'g-admins', name: 'admins' });
  return { ...base, connection };
}

describe('login policy refusals', () => {
  it('refuses a disabled connection: connection_inactive', async () => {
    const e = await env({ active: false });
    await expectRefused(e, {}, 'connection_inactive');
  });

  it('refuses an unverified email when verification is required: email_not_verified', async () => {
    const e = await env();
    const error = await expectRefused(
      e,
      { claims: claimsFor('mallory', { email_verified: false, groups: ['admins'] }) },
      'email_not_verified',
    );
    expect(error.message).toContain('not verified');
  });

  it('refuses a Cognito-style string "false" email_verified', async () => {
    const e = await env();
    await expectRefused(
      e,
      { claims: claimsFor('mallory', { email_verified: 'false' }) },
      'email_not_verified',
    );
  });

  it('refuses a missing email_verified claim on OIDC (never assumed true)', async () => {
    const e = await env();
    await expectRefused(
      e,
      { claims: { sub: 'mallory', email: 'mallory@example.com' } },
      'email_not_verified',
    );
  });

  it('refuses a login with no email when one is required, saying how to fix it', async () => {
    const e = await env();
    const error = await expectRefused(e, { claims: { sub: 'mallory' } }, 'email_not_verified');
    expect(error.message).toContain('Map "email"');
  });

  it('refuses an unknown identity on an invited-only connection: user_not_provisioned', async () => {
    const e = await env({ provisioning: { createUsers: false, requireVerifiedEmail: true } });
    await expectRefused(e, {}, 'user_not_provisioned');
  });

  it('refuses a disabled user found by identity: user_disabled', async () => {
    const e = await env();
    const first = await completeLogin(
      {
        connection: e.connection,
        identity: { issuer: ISSUER, subject: 'mallory' },
        claims: claimsFor('mallory'),
      },
      e.deps(),
    );
    await e.storage.users.update(first.user.id, { status: 'disabled' });
    await expectRefused(e, { claims: claimsFor('mallory', { groups: ['admins'] }) }, 'user_disabled');
  });

  it('refuses claims without a user id: claim_missing', async () => {
    const e = await env({ claimMapping: { userId: 'employee_id' } });
    await expectRefused(e, {}, 'claim_missing');
  });

  it('refuses a malformed groups claim: claim_invalid', async () => {
    const e = await env();
    await expectRefused(e, { claims: claimsFor('mallory', { groups: { admins: true } }) }, 'claim_invalid');
  });

  it('turns a store failure into storage_failure, with the cause kept and nothing written', async () => {
    const e = await env();
    const failing = {
      ...e.storage.login,
      commitLogin: async () => Promise.reject(new Error('connection reset')),
    };
    const before = await e.snapshot();
    const error = await completeLogin(
      { connection: e.connection, identity: { issuer: ISSUER, subject: 'x' }, claims: claimsFor('x') },
      e.deps({ store: failing }),
    ).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'storage_failure' });
    expect((error as Error).cause).toMatchObject({ message: 'connection reset' });
    expect(await e.snapshot()).toBe(before);
    expect(e.events.at(-1)).toMatchObject({ type: 'login.failed', code: 'storage_failure' });
  });

  it('reports host programming mistakes as coded TypeErrors, not login failures', async () => {
    const e = await env();
    await expect(
      completeLogin(
        { connection: e.connection, identity: { issuer: '', subject: 'x' }, claims: {} },
        e.deps(),
      ),
    ).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    await expect(
      completeLogin(
        { connection: e.connection, identity: { issuer: ISSUER, subject: 'x' }, claims: {} },
        { store: {} as never },
      ),
    ).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: expect.stringContaining('"deps.store.findUserByIdentity"'),
    });
    expect(e.events).toEqual([]);
  });
});
