/**
 * Invariant family: a user's identity key is (issuer, subject), never the email alone; linking an
 * existing user by email needs a verified email and an explicit policy (or an invitation).
 */
import { completeLogin, SsoError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { claimsFor, ISSUER, makeConnection, setup } from './helpers.ts';

describe('account linking', () => {
  it('never logs a second issuer into an account because the email matches', async () => {
    const e = setup();
    const connection = await makeConnection(e.storage);
    const victim = await completeLogin(
      { connection, identity: { issuer: ISSUER, subject: 'victim' }, claims: claimsFor('victim') },
      e.deps(),
    );
    const before = await e.snapshot();
    // Another IdP (or another subject) asserts the victim's verified email.
    const error = await completeLogin(
      {
        connection,
        identity: { issuer: 'https://evil.example.com', subject: 'attacker' },
        claims: { sub: 'attacker', email: 'VICTIM@example.com', email_verified: true },
      },
      e.deps(),
    ).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SsoError);
    expect((error as SsoError).code).toBe('identity_conflict');
    expect(await e.snapshot()).toBe(before);
    expect(await e.raw.identities(victim.user.id)).toEqual([`${ISSUER}|victim`]);
  });

  it('treats the same subject at another issuer as another identity', async () => {
    const e = setup();
    const connection = await makeConnection(e.storage, {
      provisioning: { createUsers: true, requireVerifiedEmail: false },
    });
    const a = await completeLogin(
      { connection, identity: { issuer: ISSUER, subject: 'same' }, claims: { sub: 'same' } },
      e.deps(),
    );
    const b = await completeLogin(
      {
        connection,
        identity: { issuer: 'https://other.example.com', subject: 'same' },
        claims: { sub: 'same' },
      },
      e.deps(),
    );
    expect(a.user.id).not.toBe(b.user.id);
    expect(await e.raw.userCount()).toBe(2);
  });

  it('does not link an existing active user by email without linkExistingUsersByEmail', async () => {
    const e = setup();
    const connection = await makeConnection(e.storage);
    await e.storage.users.create({ status: 'active', email: 'ada@example.com' });
    const before = await e.snapshot();
    await expect(
      completeLogin(
        { connection, identity: { issuer: ISSUER, subject: 'ada' }, claims: claimsFor('ada') },
        e.deps(),
      ),
    ).rejects.toMatchObject({ code: 'identity_conflict' });
    expect(await e.snapshot()).toBe(before);
  });

  it('does not link by an unverified email, even with linkExistingUsersByEmail or an invitation', async () => {
    for (const status of ['active', 'invited'] as const) {
      const e = setup();
      const connection = await makeConnection(e.storage, {
        provisioning: { createUsers: true, requireVerifiedEmail: false, linkExistingUsersByEmail: true },
      });
      await e.storage.users.create({ status, email: 'ada@example.com' });
      const before = await e.snapshot();
      const error = await completeLogin(
        {
          connection,
          identity: { issuer: ISSUER, subject: 'ada' },
          claims: claimsFor('ada', { email_verified: false }),
        },
        e.deps(),
      ).catch((err: unknown) => err);
      expect(error, status).toMatchObject({ code: 'identity_conflict' });
      expect((error as Error).message).toContain('not verified');
      expect(await e.snapshot()).toBe(before);
    }
  });

  it('does not link by email to a disabled account', async () => {
    const e = setup();
    const connection = await makeConnection(e.storage, {
      provisioning: { createUsers: true, requireVerifiedEmail: true, linkExistingUsersByEmail: true },
    });
    await e.storage.users.create({ status: 'disabled', email: 'ada@example.com' });
    const before = await e.snapshot();
    await expect(
      completeLogin(
        { connection, identity: { issuer: ISSUER, subject: 'ada' }, claims: claimsFor('ada') },
        e.deps(),
      ),
    ).rejects.toMatchObject({ code: 'identity_conflict' });
    expect(await e.snapshot()).toBe(before);
  });

  it('refuses a returning user whose IdP email now belongs to another account, writing nothing', async () => {
    const e = setup();
    const connection = await makeConnection(e.storage);
    const ada = await completeLogin(
      { connection, identity: { issuer: ISSUER, subject: 'ada' }, claims: claimsFor('ada') },
      e.deps(),
    );
    await e.storage.users.create({ status: 'active', email: 'grace@example.com' });
    const before = await e.snapshot();
    await expect(
      completeLogin(
        {
          connection,
          identity: { issuer: ISSUER, subject: 'ada' },
          claims: claimsFor('ada', { email: 'grace@example.com' }),
        },
        e.deps(),
      ),
    ).rejects.toMatchObject({ code: 'identity_conflict' });
    expect(await e.snapshot()).toBe(before);
    expect(await e.raw.user(ada.user.id)).toMatchObject({ email: 'ada@example.com' });
  });
});
