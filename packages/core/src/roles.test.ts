import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRoleMatcher, matchRoles } from './roles.ts';

const definitions = [{ name: 'admin' }, { name: 'engineer' }, { name: 'viewer' }];

describe('role matching', () => {
  it("applies Arthur's rule: a group grants the role of the same name", () => {
    const result = matchRoles(['idp-admin', 'org-1-model-owner'], {
      roleDefinitions: [{ name: 'idp-admin', permissions: { custom_roles: ['read'] } }],
    });
    expect(result.roles).toEqual(['idp-admin']);
    expect(result.unmatchedGroups).toEqual(['org-1-model-owner']);
    expect(result.matches).toEqual([{ group: 'idp-admin', role: 'idp-admin', via: 'name' }]);
  });

  it('matches names case-sensitively unless asked', () => {
    expect(matchRoles(['Admin'], { roleDefinitions: definitions }).roles).toEqual([]);
    expect(matchRoles(['Admin'], { roleDefinitions: definitions, caseInsensitive: true }).roles).toEqual([
      'admin',
    ]);
  });

  it('can turn name matching off', () => {
    expect(matchRoles(['admin'], { roleDefinitions: definitions, matchGroupNames: false }).roles).toEqual([]);
  });

  it('applies exact, glob and regex rules, anchored to the whole group', () => {
    const matcher = compileRoleMatcher({
      roleDefinitions: definitions,
      rules: [
        { match: 'exact', pattern: 'Domain Admins', role: 'admin' },
        { match: 'glob', pattern: 'eng-*', role: 'engineer' },
        { match: 'glob', pattern: 'team-?', role: 'viewer' },
        { match: 'regex', pattern: 'ml-(research|platform)', role: 'engineer' },
        { match: 'exact', pattern: 'sre', role: 'engineer', caseInsensitive: true },
        { match: 'glob', pattern: 'a.b(c)', role: 'viewer' },
      ],
    });
    expect(matcher.match(['Domain Admins']).roles).toEqual(['admin']);
    expect(matcher.match(['eng-ml']).roles).toEqual(['engineer']);
    expect(matcher.match(['x-eng-ml']).roles).toEqual([]);
    expect(matcher.match(['team-1', 'team-12']).unmatchedGroups).toEqual(['team-12']);
    expect(matcher.match(['ml-research']).roles).toEqual(['engineer']);
    expect(matcher.match(['ml-research-old']).roles).toEqual([]);
    expect(matcher.match(['SRE']).roles).toEqual(['engineer']);
    expect(matcher.match(['a.b(c)']).roles).toEqual(['viewer']);
    expect(matcher.match(['aXb(c)']).roles).toEqual([]);
  });

  it('grants every matched role, ordered by definition order (the tie-break), with primaryRole first', () => {
    const matcher = compileRoleMatcher({
      roleDefinitions: definitions,
      rules: [{ match: 'glob', pattern: '*', role: 'viewer' }],
    });
    const result = matcher.match(['engineer', 'admin']);
    expect(result.roles).toEqual(['admin', 'engineer', 'viewer']);
    expect(result.primaryRole).toBe('admin');
    expect(result.matches.map((m) => `${m.group}->${m.role}:${m.via}`)).toEqual([
      'engineer->engineer:name',
      'engineer->viewer:glob',
      'admin->admin:name',
      'admin->viewer:glob',
    ]);
  });

  it('orders roles of rules without definitions by first match', () => {
    const result = matchRoles(['b-group', 'a-group'], {
      rules: [
        { match: 'exact', pattern: 'a-group', role: 'alpha' },
        { match: 'exact', pattern: 'b-group', role: 'beta' },
      ],
    });
    expect(result.roles).toEqual(['beta', 'alpha']);
  });

  it('applies the default role only when nothing matched', () => {
    const options = { roleDefinitions: definitions, defaultRole: 'viewer' };
    expect(matchRoles(['sales'], options)).toMatchObject({
      roles: ['viewer'],
      primaryRole: 'viewer',
      defaultApplied: true,
    });
    expect(matchRoles(['admin'], options)).toMatchObject({ roles: ['admin'], defaultApplied: false });
    expect(matchRoles([], {})).toMatchObject({ roles: [], primaryRole: undefined, defaultApplied: false });
  });

  it('refuses invalid configurations with coded TypeErrors naming the option', () => {
    const cases: [unknown, string][] = [
      [{ roleDefinitions: [{ name: 'a' }, { name: 'a' }] }, 'options.roleDefinitions[1].name'],
      [
        { roleDefinitions: [{ name: 'A' }, { name: 'a' }], caseInsensitive: true },
        'options.roleDefinitions[1].name',
      ],
      [{ roleDefinitions: [{ name: '' }] }, 'options.roleDefinitions[0].name'],
      [
        { roleDefinitions: definitions, rules: [{ match: 'exact', pattern: 'x', role: 'ghost' }] },
        'options.rules[0].role',
      ],
      [{ rules: [{ match: 'regex', pattern: '(', role: 'x' }] }, 'options.rules[0].pattern'],
      [{ rules: [{ match: 'fuzzy', pattern: 'x', role: 'x' }] }, 'options.rules[0].match'],
      [{ rules: [{ match: 'exact', pattern: '', role: 'x' }] }, 'options.rules[0].pattern'],
      [{ roleDefinitions: definitions, defaultRole: 'ghost' }, 'options.defaultRole'],
      [{ rules: [null] }, 'options.rules[0]'],
    ];
    for (const [options, path] of cases) {
      expect(() => compileRoleMatcher(options as never), path).toThrow(TypeError);
      expect(() => compileRoleMatcher(options as never), path).toThrow(`"${path}`);
    }
    expect(() => compileRoleMatcher('x' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('property: every input group is either matched or reported unmatched, never both', () => {
    const name = fc.constantFrom('admin', 'engineer', 'viewer', 'eng-1', 'sales', 'x', 'Admin');
    fc.assert(
      fc.property(fc.array(name, { maxLength: 20 }), (groups) => {
        const result = matchRoles(groups, {
          roleDefinitions: definitions,
          rules: [{ match: 'glob', pattern: 'eng-*', role: 'engineer' }],
        });
        const matched = new Set(result.matches.map((m) => m.group));
        const unmatched = new Set(result.unmatchedGroups);
        for (const group of new Set(groups)) expect(matched.has(group) !== unmatched.has(group)).toBe(true);
        expect(new Set(result.roles).size).toBe(result.roles.length);
        for (const role of result.roles) expect(definitions.map((d) => d.name)).toContain(role);
      }),
    );
  });

  it('property: the outcome does not depend on the order or repetition of groups, only on the set', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('admin', 'viewer', 'eng-x', 'other'), { maxLength: 12 }),
        (groups) => {
          const options = {
            roleDefinitions: definitions,
            rules: [{ match: 'glob' as const, pattern: 'eng-*', role: 'engineer' }],
          };
          const a = matchRoles(groups, options);
          const b = matchRoles([...groups, ...groups].reverse(), options);
          expect(b.roles).toEqual(a.roles);
          expect([...b.unmatchedGroups].sort()).toEqual([...a.unmatchedGroups].sort());
        },
      ),
    );
  });
});

describe('grantedBy: the connections that may grant a role', () => {
  const matcher = compileRoleMatcher({
    roleDefinitions: [
      { name: 'admin', grantedBy: ['c-corp'] },
      { name: 'engineer', grantedBy: ['c-okta', 'c-corp'] },
      { name: 'viewer', grantedBy: ['*'] },
      { name: 'auditor' },
    ],
    defaultRole: 'viewer',
  });
  const corp = { id: 'c-corp', name: 'Corporate Entra' };
  const partner = { id: 'c-partner', name: 'Partner SAML' };

  it('grants a role only through a connection whose id it names, or through any with *', () => {
    const groups = ['admin', 'engineer', 'viewer', 'auditor'];
    expect(matcher.match(groups, { connection: corp }).roles).toEqual(['admin', 'engineer', 'viewer']);
    expect(matcher.match(groups, { connection: { id: 'c-okta' } }).roles).toEqual(['engineer', 'viewer']);
    const outsider = matcher.match(groups, { connection: partner });
    // A connection named like a granted id (an admin can choose names) is not that connection.
    expect(matcher.match(groups, { connection: { id: 'c-evil', name: 'c-corp' } as never }).roles).toEqual([
      'viewer',
    ]);
    expect(outsider.roles).toEqual(['viewer']);
    expect(outsider.refused.map((m) => m.role)).toEqual(['admin', 'engineer', 'auditor']);
    // Refused groups matched something: they are not "unmatched".
    expect(outsider.unmatchedGroups).toEqual([]);
  });

  it("a role without grantedBy is granted by no connection; the default role is the host's own", () => {
    const result = matcher.match(['auditor'], { connection: corp });
    expect(result.roles).toEqual(['viewer']);
    expect(result.defaultApplied).toBe(true);
    expect(result.refused).toEqual([{ group: 'auditor', role: 'auditor', via: 'name' }]);
  });

  it('without a connection (a bearer token the host verifies itself) every match counts', () => {
    expect(matcher.match(['admin', 'auditor']).roles).toEqual(['admin', 'auditor']);
    expect(matcher.match(['admin']).refused).toEqual([]);
  });

  it('refuses a malformed grantedBy when compiled', () => {
    expect(() => compileRoleMatcher({ roleDefinitions: [{ name: 'a', grantedBy: 'c1' as never }] })).toThrow(
      /grantedBy" must be a list/,
    );
    expect(() => compileRoleMatcher({ roleDefinitions: [{ name: 'a', grantedBy: [''] }] })).toThrow(
      TypeError,
    );
  });
});

describe('case-insensitive matching folds ASCII letters only', () => {
  const definitions = [{ name: 'k8s-admin' }, { name: 'sre' }];
  it('never turns a look-alike into a role name: the Kelvin sign, the long s, dotted capital I', () => {
    const byName = compileRoleMatcher({ roleDefinitions: definitions, caseInsensitive: true });
    expect(byName.match(['K8S-ADMIN']).roles).toEqual(['k8s-admin']);
    expect(byName.match(['\u212A8s-admin', 'k8\u017F-admin', '\u017Fre']).roles).toEqual([]);
    const rules = compileRoleMatcher({
      roleDefinitions: definitions,
      matchGroupNames: false,
      rules: [
        { match: 'regex', pattern: 'k8s-.*', role: 'k8s-admin', caseInsensitive: true },
        { match: 'glob', pattern: 's?e', role: 'sre', caseInsensitive: true },
        { match: 'exact', pattern: 'SRE', role: 'sre', caseInsensitive: true },
      ],
    });
    expect(rules.match(['K8S-Admin', 'SrE']).roles).toEqual(['k8s-admin', 'sre']);
    expect(rules.match(['\u212A8s-admin', '\u017Fre', '\u017FRE']).roles).toEqual([]);
    // A non-ASCII group still matches a pattern written for it, case-sensitively.
    expect(
      compileRoleMatcher({
        roleDefinitions: [{ name: 'café' }],
        rules: [{ match: 'regex', pattern: 'café-.*', role: 'café', caseInsensitive: true }],
      }).match(['café-team']).roles,
    ).toEqual(['café']);
  });
});
