/**
 * Invariant family: a user's identity key is (issuer, subject), never the email alone; linking an
 * existing user by email needs a verified email and an explicit policy (or an invitation).
 */
import { completeLogin, inEmailDomains, SsoError } from '@ssokit/core';
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

/**
 * The nOAuth pattern: an address sent unverified (a multi-tenant Entra app with `tenants: 'any'`, where
 * any tenant admin sets any mail attribute) is squatted first; the owner's verified login comes later
 * through another connection. Security review 1, finding 1.
 */
describe('an unverified address can neither capture nor lock out a later verified login', () => {
  const squat = async (e: ReturnType<typeof setup>) => {
    const loose = await makeConnection(e.storage, {
      provider: 'entra',
      provisioning: { createUsers: true, requireVerifiedEmail: false },
    } as never);
    return completeLogin(
      {
        connection: loose,
        identity: { issuer: 'https://login.microsoftonline.com/attacker-tenant/v2.0', subject: 'attacker' },
        claims: { sub: 'attacker', email: 'victim@example.com' },
      },
      e.deps(),
    );
  };

  for (const linkExistingUsersByEmail of [true, false]) {
    it(`the verified owner gets an account of their own (linkExistingUsersByEmail: ${linkExistingUsersByEmail})`, async () => {
      const e = setup();
      const attacker = await squat(e);
      expect(attacker.user.emailVerified).toBe(false);
      const strict = await makeConnection(e.storage, {
        provisioning: { createUsers: true, requireVerifiedEmail: true, linkExistingUsersByEmail },
      } as never);
      const victim = await completeLogin(
        { connection: strict, identity: { issuer: ISSUER, subject: 'victim' }, claims: claimsFor('victim') },
        e.deps(),
      );
      expect(victim.resolution).toBe('created');
      expect(victim.user.id).not.toBe(attacker.user.id);
      expect(await e.raw.identities(attacker.user.id)).toEqual([
        'https://login.microsoftonline.com/attacker-tenant/v2.0|attacker',
      ]);
      expect(await e.raw.identities(victim.user.id)).toEqual([`${ISSUER}|victim`]);
      // The squatter's next login still lands in its own account, never the owner's.
      const again = await squat(e);
      expect(again.user.id).toBe(attacker.user.id);
    });
  }

  it('a store that still returns the unverified holder is not trusted with it', async () => {
    const e = setup();
    const attacker = await squat(e);
    const strict = await makeConnection(e.storage, {
      provisioning: { createUsers: false, requireVerifiedEmail: true, linkExistingUsersByEmail: true },
    } as never);
    const leaky = {
      ...e.storage.login,
      findUserByEmail: async () => e.storage.users.get(attacker.user.id),
    };
    const before = await e.snapshot();
    const error = await completeLogin(
      { connection: strict, identity: { issuer: ISSUER, subject: 'victim' }, claims: claimsFor('victim') },
      e.deps({ store: leaky }),
    ).catch((err: unknown) => err);
    // Not linked into the attacker's account: with no user creation, the owner is not provisioned.
    expect((error as SsoError).code).toBe('user_not_provisioned');
    expect(await e.snapshot()).toBe(before);
  });

  it('the other way round is still refused: an unverified login never joins a verified owner', async () => {
    const e = setup();
    const strict = await makeConnection(e.storage);
    await completeLogin(
      { connection: strict, identity: { issuer: ISSUER, subject: 'victim' }, claims: claimsFor('victim') },
      e.deps(),
    );
    const before = await e.snapshot();
    const error = await squat(e).catch((err: unknown) => err);
    expect((error as SsoError).code).toBe('identity_conflict');
    expect(await e.snapshot()).toBe(before);
  });
});

/**
 * An IdP vouches for its own domains only. A partner's SAML IdP trusts its emails by default (SAML has
 * no verification attribute), so without `emailDomains` it could own, link or claim any address.
 * Security review 2, finding 4.
 */
describe('provisioning.emailDomains: an IdP vouches for its own domains only', () => {
  const partnerLogin = async (e: ReturnType<typeof setup>, emailDomains?: string[]) => {
    const partner = await makeConnection(e.storage, {
      protocol: 'saml',
      provider: 'generic-saml',
      saml: { spEntityId: 'https://app.example.com/sp', wantAssertionsSigned: true },
      provisioning: {
        createUsers: true,
        requireVerifiedEmail: false,
        ...(emailDomains ? { emailDomains } : {}),
      },
    } as never);
    return completeLogin(
      {
        connection: partner,
        identity: { issuer: 'https://idp.partner.example', subject: 'mallory' },
        // SAML: no verification flag, trusted by default.
        claims: { email: 'ceo@corp.example' },
      },
      e.deps(),
    );
  };
  const corpLogin = async (e: ReturnType<typeof setup>, createUsers = true) => {
    const corp = await makeConnection(e.storage, {
      provisioning: {
        createUsers,
        requireVerifiedEmail: true,
        linkExistingUsersByEmail: true,
        emailDomains: ['corp.example'],
      },
    } as never);
    return completeLogin(
      {
        connection: corp,
        identity: { issuer: ISSUER, subject: 'ceo' },
        claims: { sub: 'ceo', email: 'ceo@corp.example', email_verified: true },
      },
      e.deps(),
    );
  };

  it("a partner's IdP restricted to its domains cannot own an address of another, so the owner's login is not captured", async () => {
    const e = setup();
    const mallory = await partnerLogin(e, ['partner.example']);
    expect(mallory.user.emailVerified).toBe(false);
    const ceo = await corpLogin(e);
    expect(ceo.resolution).toBe('created');
    expect(ceo.user.id).not.toBe(mallory.user.id);
  });

  it('nor claim an invitation for it', async () => {
    const e = setup();
    const invited = await e.storage.users.create({ status: 'invited', email: 'ceo@corp.example' });
    // Outside its domains the partner's address is unverified: it cannot take the invitation.
    await expect(partnerLogin(e, ['partner.example'])).rejects.toMatchObject({ code: 'identity_conflict' });
    expect(await e.raw.user(invited.id)).toMatchObject({ status: 'invited' });
    const ceo = await corpLogin(e, false);
    expect(ceo.user.id).toBe(invited.id);
    expect(ceo.resolution).toBe('invitation');
  });

  it('where a verified email is required, an address outside the domains is refused saying so (reason domain)', async () => {
    const e = setup();
    const corp = await makeConnection(e.storage, {
      provisioning: { requireVerifiedEmail: true, emailDomains: ['corp.example'] },
    } as never);
    const login = (claims: Record<string, unknown>) =>
      completeLogin({ connection: corp, identity: { issuer: ISSUER, subject: 'x' }, claims }, e.deps());
    await expect(
      login({ sub: 'x', email: 'ada@elsewhere.example', email_verified: true }),
    ).rejects.toMatchObject({
      code: 'email_not_verified',
      details: { reason: 'domain' },
      message: expect.stringContaining('emailDomains: corp.example'),
    });
    await expect(login({ sub: 'x', email: 'ada@corp.example', email_verified: false })).rejects.toMatchObject(
      {
        details: { reason: 'unverified' },
      },
    );
    await expect(login({ sub: 'x' })).rejects.toMatchObject({ details: { reason: 'missing' } });
  });

  it('subdomains with *., ASCII case folding, and an address outside refused where a verified one is required', () => {
    expect(inEmailDomains('a@EU.Corp.Example', ['*.corp.example'])).toBe(true);
    expect(inEmailDomains('a@corp.example', ['*.corp.example'])).toBe(false);
    expect(inEmailDomains('a@evilcorp.example', ['*.corp.example'])).toBe(false);
    expect(inEmailDomains('a@corp.example.evil', ['corp.example'])).toBe(false);
    expect(inEmailDomains('no-at-sign', ['corp.example'])).toBe(false);
  });
});
