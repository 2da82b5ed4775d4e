import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readClaim, toBoolean, toSingleString, toStringList } from './claims.ts';

describe('readClaim', () => {
  const claims = {
    sub: '42',
    email: 'ada@example.com',
    realm_access: { roles: ['admin', 'user'] },
    resource_access: { 'my-app': { roles: ['editor'] } },
    'https://example.com/groups': ['ns-group'],
    'https://example.com/claims': { roles: ['nested-ns'] },
    'cognito:groups': ['ops'],
    'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': ['oid-1'],
    'a.b': 'whole-dotted-key',
    a: { b: 'nested' },
    empty: '',
    nothing: null,
  };

  it('reads plain, dotted and nested paths', () => {
    expect(readClaim(claims, 'sub')).toBe('42');
    expect(readClaim(claims, 'realm_access.roles')).toEqual(['admin', 'user']);
    expect(readClaim(claims, 'resource_access.my-app.roles')).toEqual(['editor']);
  });

  it('takes namespaced keys whole, and descends from a namespaced key', () => {
    expect(readClaim(claims, 'https://example.com/groups')).toEqual(['ns-group']);
    expect(readClaim(claims, 'cognito:groups')).toEqual(['ops']);
    expect(readClaim(claims, 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups')).toEqual([
      'oid-1',
    ]);
    expect(readClaim(claims, 'https://example.com/claims.roles')).toEqual(['nested-ns']);
  });

  it('prefers a whole key over descent', () => {
    expect(readClaim(claims, 'a.b')).toBe('whole-dotted-key');
  });

  it('treats "" as unmapped and tries lists of paths in order, skipping empty values', () => {
    expect(readClaim(claims, '')).toBeUndefined();
    expect(readClaim(claims, [])).toBeUndefined();
    expect(readClaim(claims, ['missing', 'nothing', 'empty', 'email'])).toBe('ada@example.com');
    expect(readClaim(claims, ['', 'sub'])).toBe('42');
  });

  it('never reads inherited properties', () => {
    expect(readClaim(claims, 'constructor')).toBeUndefined();
    expect(readClaim(claims, '__proto__')).toBeUndefined();
    expect(readClaim(claims, 'email.length')).toBeUndefined();
    expect(readClaim(claims, 'realm_access.roles.length')).toBeUndefined();
    expect(readClaim({}, 'toString')).toBeUndefined();
  });

  it('yields undefined for non-object claims and absurd paths', () => {
    expect(readClaim(null, 'sub')).toBeUndefined();
    expect(readClaim(['x'], '0')).toBeUndefined();
    expect(readClaim(claims, 'x'.repeat(2000))).toBeUndefined();
    expect(readClaim(claims, Array.from({ length: 40 }, () => 'a').join('.'))).toBeUndefined();
  });

  it('property: a value stored under any key path is read back by the dotted path', () => {
    const segment = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,8}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.jsonValue(), (segments, value) => {
        fc.pre(value !== null);
        const root: Record<string, unknown> = {};
        let node = root;
        segments.forEach((s, i) => {
          if (i === segments.length - 1) node[s] = value;
          else node = node[s] = {} as Record<string, unknown>;
        });
        expect(readClaim(root, segments.join('.'))).toEqual(value);
      }),
    );
  });

  it('property: never throws on arbitrary claims and paths', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.oneof(fc.string(), fc.array(fc.string())), (json, path) => {
        readClaim(json, path);
      }),
    );
  });
});

describe('claim value normalisation', () => {
  it('turns a string or a list into distinct trimmed strings', () => {
    expect(toStringList('admins')).toEqual(['admins']);
    expect(toStringList(['a', ' b ', 'a', '', 7, null, {}, Number.NaN])).toEqual(['a', 'b', '7']);
    expect(toStringList('')).toEqual([]);
    expect(toStringList([])).toEqual([]);
    expect(toStringList(undefined)).toBeUndefined();
    expect(toStringList(null)).toBeUndefined();
  });

  it('property: toStringList output is duplicate-free, trimmed and non-empty', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.oneof(fc.string(), fc.integer()))), (value) => {
        const list = toStringList(value) ?? [];
        expect(new Set(list).size).toBe(list.length);
        for (const item of list) {
          expect(item).toBe(item.trim());
          expect(item).not.toBe('');
        }
      }),
    );
  });

  it('reads email_verified as a boolean or as "true"/"false" strings (Cognito)', () => {
    expect(toBoolean(true)).toBe(true);
    expect(toBoolean(false)).toBe(false);
    expect(toBoolean('true')).toBe(true);
    expect(toBoolean(' FALSE ')).toBe(false);
    expect(toBoolean('yes')).toBeUndefined();
    expect(toBoolean(1)).toBeUndefined();
  });

  it('reads single strings, unwrapping one-element lists (SAML attributes)', () => {
    expect(toSingleString(' ada ')).toBe('ada');
    expect(toSingleString(['ada'])).toBe('ada');
    expect(toSingleString(['a', 'b'])).toBeUndefined();
    expect(toSingleString(12)).toBe('12');
    expect(toSingleString('  ')).toBeUndefined();
    expect(toSingleString({})).toBeUndefined();
  });
});
