import { describe, expect, it } from 'vitest';
import { resolveClaimMapping, resolveGroupSync, resolveProvisioning } from './connection-defaults.ts';
import { isSsoError } from './errors.ts';
import { mapClaims } from './mapping.ts';

const oidc = resolveClaimMapping('oidc');

describe('mapClaims', () => {
  it('gives a SAML user a username when the IdP sends none: the uid, else the UPN, else the email', () => {
    const saml = resolveClaimMapping('saml');
    const map = (claims: Record<string, unknown>) =>
      mapClaims(claims, saml, { subject: 'nameid-1' }).username;
    // Keycloak's default SAML client: email, firstName, lastName and groups only.
    expect(map({ email: 'ada@example.com', firstName: 'Ada' })).toBe('ada@example.com');
    expect(map({ 'urn:oid:0.9.2342.19200300.100.1.3': 'ada@example.org' })).toBe('ada@example.org');
    expect(
      map({ 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'ada@contoso.com', email: 'a@x' }),
    ).toBe('ada@contoso.com');
    expect(map({ uid: 'ada', email: 'ada@example.com' })).toBe('ada');
  });

  it('maps the standard OIDC claims', () => {
    const profile = mapClaims(
      {
        sub: 'u-1',
        preferred_username: 'ada',
        email: 'ada@example.com',
        email_verified: true,
        name: 'Ada Lovelace',
        given_name: 'Ada',
        family_name: 'Lovelace',
        picture: 'https://example.com/ada.png',
        groups: ['admins', 'ml-engineers'],
      },
      oidc,
    );
    expect(profile).toEqual({
      externalId: 'u-1',
      username: 'ada',
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada Lovelace',
      givenName: 'Ada',
      familyName: 'Lovelace',
      picture: 'https://example.com/ada.png',
      groups: { state: 'present', values: ['admins', 'ml-engineers'] },
    });
  });

  it('derives the name from given and family names, and falls back to email for the username', () => {
    const profile = mapClaims(
      { sub: '1', email: 'x@example.com', given_name: 'Grace', family_name: 'Hopper' },
      oidc,
    );
    expect(profile.name).toBe('Grace Hopper');
    expect(profile.username).toBe('x@example.com');
    expect(mapClaims({ sub: '1', family_name: 'Hopper' }, oidc).name).toBe('Hopper');
    expect(mapClaims({ sub: '1' }, oidc).name).toBeUndefined();
  });

  it("reads Cognito's string email_verified and cognito:groups", () => {
    const mapping = resolveClaimMapping('oidc', { groups: 'cognito:groups' });
    const profile = mapClaims(
      { sub: '1', email: 'a@b.c', email_verified: 'true', 'cognito:groups': 'admins' },
      mapping,
    );
    expect(profile.emailVerified).toBe(true);
    expect(profile.groups).toEqual({ state: 'present', values: ['admins'] });
    expect(mapClaims({ sub: '1', email: 'a@b.c', email_verified: 'false' }, mapping).emailVerified).toBe(
      false,
    );
  });

  it("maps Arthur's minimal example: empty strings are unmapped", () => {
    const mapping = resolveClaimMapping('oidc', {
      roles: 'Groups',
      userId: 'user',
      username: 'user',
      givenName: '',
      familyName: '',
      email: 'user',
    });
    const profile = mapClaims(
      {
        iss: 'https://dev.okta.com/oauth2/default',
        Groups: ['idp-admin', 'org-1-model-owner'],
        user: 'jdoe@example.com',
        given_name: 'x',
      },
      mapping,
    );
    expect(profile).toMatchObject({
      externalId: 'jdoe@example.com',
      username: 'jdoe@example.com',
      email: 'jdoe@example.com',
    });
    expect(profile.givenName).toBeUndefined();
    expect(profile.roles).toEqual(['idp-admin', 'org-1-model-owner']);
  });

  it('distinguishes an absent groups claim from an empty one', () => {
    expect(mapClaims({ sub: '1' }, oidc).groups).toEqual({ state: 'absent' });
    expect(mapClaims({ sub: '1', groups: [] }, oidc).groups).toEqual({ state: 'present', values: [] });
    expect(mapClaims({ sub: '1', groups: null }, oidc).groups).toEqual({ state: 'absent' });
  });

  it('takes groups resolved by the protocol layer over the claim (Entra overage)', () => {
    const profile = mapClaims({ sub: '1', groups: ['stale'] }, oidc, {
      groups: { state: 'unresolvable', reason: 'Graph 503' },
    });
    expect(profile.groups).toEqual({ state: 'unresolvable', reason: 'Graph 503' });
  });

  it('uses the identity subject when userId is unmapped (SAML NameID)', () => {
    const saml = resolveClaimMapping('saml');
    const profile = mapClaims(
      {
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': ['ada@example.com'],
        'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': ['g1', 'g2'],
        'urn:oid:2.5.4.42': ['Ada'],
      },
      saml,
      { subject: 'name-id-1', trustEmail: true },
    );
    expect(profile).toMatchObject({
      externalId: 'name-id-1',
      email: 'ada@example.com',
      emailVerified: true,
      givenName: 'Ada',
    });
    expect(profile.groups).toEqual({ state: 'present', values: ['g1', 'g2'] });
  });

  it('never counts a missing email as verified, and an explicit false beats trustEmail', () => {
    expect(mapClaims({ sub: '1', email_verified: true }, oidc).emailVerified).toBe(false);
    expect(
      mapClaims({ sub: '1', email: 'a@b.c', email_verified: false }, oidc, { trustEmail: true })
        .emailVerified,
    ).toBe(false);
    expect(mapClaims({ sub: '1', email: 'a@b.c' }, oidc, { trustEmail: true }).emailVerified).toBe(true);
    expect(mapClaims({ sub: '1', email: 'a@b.c' }, oidc).emailVerified).toBe(false);
  });

  it('fails with claim_missing naming the path when there is no user id', () => {
    const error = (() => {
      try {
        mapClaims({ email: 'a@b.c' }, oidc);
      } catch (e) {
        return e;
      }
    })();
    expect(isSsoError(error, 'claim_missing')).toBe(true);
    expect((error as Error).message).toContain('"sub"');
    expect(() => mapClaims({ sub: { nested: true } }, oidc)).toThrow(
      expect.objectContaining({ code: 'claim_missing' }),
    );
  });

  it('fails with claim_invalid for a groups claim that is not a string or list, or is huge', () => {
    expect(() => mapClaims({ sub: '1', groups: { a: 1 } }, oidc)).toThrow(
      expect.objectContaining({ code: 'claim_invalid' }),
    );
    expect(() => mapClaims({ sub: '1', groups: 5 }, oidc)).toThrow(
      expect.objectContaining({ code: 'claim_invalid' }),
    );
    expect(() => mapClaims({ sub: '1', groups: new Array(100_001).fill('g') }, oidc)).toThrow(
      expect.objectContaining({ code: 'claim_invalid' }),
    );
  });
});

describe('connection defaults', () => {
  it('overrides only the fields given', () => {
    const mapping = resolveClaimMapping('oidc', { groups: 'roles', email: undefined });
    expect(mapping.groups).toBe('roles');
    expect(mapping.email).toBe('email');
  });

  it('trusts SAML emails by default, not OIDC ones, and lets the connection decide', () => {
    expect(resolveProvisioning({ protocol: 'saml' }).trustEmail).toBe(true);
    expect(resolveProvisioning({ protocol: 'oidc' }).trustEmail).toBe(false);
    expect(
      resolveProvisioning({ protocol: 'saml', provisioning: { trustEmail: false, createUsers: undefined } }),
    ).toMatchObject({
      trustEmail: false,
      createUsers: true,
      requireVerifiedEmail: true,
    });
  });

  it('resolves group sync defaults', () => {
    expect(resolveGroupSync({})).toEqual({
      enabled: false,
      removeRevoked: true,
      matchBy: 'name',
      caseInsensitive: false,
    });
    expect(resolveGroupSync({ groupSync: { enabled: true, matchBy: 'externalId' } })).toMatchObject({
      enabled: true,
      matchBy: 'externalId',
    });
  });
});

describe('user id mapping', () => {
  it('fails with claim_missing when an explicitly mapped user id is absent, even with a subject', () => {
    const mapping = resolveClaimMapping('oidc', { userId: 'employee_id' });
    expect(() => mapClaims({ sub: '1' }, mapping, { subject: '1' })).toThrow(
      expect.objectContaining({ code: 'claim_missing' }),
    );
    expect(mapClaims({ sub: '1', employee_id: 'E-7' }, mapping, { subject: '1' }).externalId).toBe('E-7');
  });

  it('fails with claim_missing when userId is unmapped and there is no subject', () => {
    expect(() => mapClaims({}, resolveClaimMapping('saml'))).toThrow(
      expect.objectContaining({ code: 'claim_missing' }),
    );
  });
});
