import { describe, expect, it } from 'vitest';
import { hasGroupOverage, isIssuerTemplate, isTenantId, matchIssuer } from './entra.ts';

const template = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const issuerOf = (tenant: string) => `https://login.microsoftonline.com/${tenant}/v2.0`;

describe('matchIssuer', () => {
  it('compares an issuer without the placeholder exactly', () => {
    const expected = 'https://sso.example.com/realms/acme';
    expect(matchIssuer(expected, expected)).toEqual({ matches: true, tenant: undefined });
    for (const iss of [`${expected}/`, 'https://SSO.example.com/realms/acme', `${expected}x`, '']) {
      expect(matchIssuer(iss, expected, 'any'), iss).toEqual({
        matches: false,
        reason: 'issuer',
        tenant: undefined,
      });
    }
  });

  it('reads the tenant from an issuer that fills the template, and applies "tenants"', () => {
    expect(matchIssuer(issuerOf(tid), template, [tid])).toEqual({ matches: true, tenant: tid });
    expect(matchIssuer(issuerOf(tid), template, 'any')).toEqual({ matches: true, tenant: tid });
    expect(matchIssuer(issuerOf(tid), template, ['other'])).toEqual({
      matches: false,
      reason: 'tenant_not_accepted',
      tenant: tid,
    });
    expect(matchIssuer(issuerOf(tid), template, [])).toMatchObject({ reason: 'tenant_not_accepted' });
    expect(matchIssuer(issuerOf(tid), template)).toEqual({
      matches: false,
      reason: 'tenants_unset',
      tenant: tid,
    });
  });

  it('never lets a "tenant" reach another path, host, query or encoding', () => {
    const tricks = [
      'a/b',
      `${tid}/v2.0/x`,
      '..',
      'a.b',
      '%2F',
      'a?b',
      'a#b',
      'a@b',
      'a:b',
      'a b',
      'a\u0000b',
      'ı', // a non-ASCII letter
      '',
      'x'.repeat(65),
      '{tenantid}',
    ];
    for (const tenant of tricks) {
      expect(matchIssuer(issuerOf(tenant), template, 'any').matches, JSON.stringify(tenant)).toBe(false);
    }
    expect(matchIssuer('https://evil.example.com/x/v2.0', template, 'any').matches).toBe(false);
    expect(matchIssuer('https://login.microsoftonline.com/v2.0', template, 'any').matches).toBe(false);
    expect(matchIssuer(issuerOf('x'.repeat(64)), template, 'any').matches).toBe(true);
  });

  it('does not take the template itself, or a template with two placeholders', () => {
    expect(matchIssuer(template, template, 'any').matches).toBe(false);
    const twice = 'https://{tenantid}.example.com/{tenantid}';
    expect(matchIssuer('https://a.example.com/a', twice, 'any').matches).toBe(false);
  });

  it('matches a configured multi-tenant endpoint against the documented template (discovery)', () => {
    const segments = ['common', 'organizations'];
    expect(matchIssuer(issuerOf('common'), template, segments).matches).toBe(true);
    expect(matchIssuer(issuerOf('organizations'), template, segments).matches).toBe(true);
    expect(matchIssuer(issuerOf('consumers'), template, segments).matches).toBe(false);
  });

  it('refuses a "tenants" value of the wrong type as a host mistake', () => {
    expect(() => matchIssuer(issuerOf(tid), template, 'all' as never)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});

describe('isIssuerTemplate and isTenantId', () => {
  it('recognise the template and well-formed tenant ids', () => {
    expect(isIssuerTemplate(template)).toBe(true);
    expect(isIssuerTemplate(issuerOf(tid))).toBe(false);
    expect(isTenantId(tid)).toBe(true);
    for (const value of [undefined, 7, '', 'a/b', 'x'.repeat(65)]) expect(isTenantId(value)).toBe(false);
  });
});

describe('hasGroupOverage', () => {
  it('sees the overage indication only when the groups are missing', () => {
    expect(hasGroupOverage({ _claim_names: { groups: 'src1' } })).toBe(true);
    expect(hasGroupOverage({ hasgroups: true })).toBe(true);
    expect(hasGroupOverage({ hasgroups: 'true' })).toBe(true);
    expect(hasGroupOverage({ hasgroups: true, groups: ['g'] })).toBe(false);
    expect(hasGroupOverage({ groups: [] })).toBe(false);
  });
});
