import { describe, expect, it } from 'vitest';
import { copy } from './copy.ts';

describe('copy', () => {
  it('copies records deeply: dates, arrays, nested objects; nothing shared with the original', () => {
    const original = {
      id: 'c1',
      createdAt: new Date('2026-12-07T10:00:00Z'),
      oidc: { scopes: ['openid', 'email'], endpoints: { token: 'https://idp/token' } },
      data: { roles: ['admin'], nested: [{ a: 1, b: null, c: undefined }] },
    };
    const copied = copy(original);
    expect(copied).toEqual(original);
    expect(copied.createdAt).not.toBe(original.createdAt);
    copied.oidc.scopes.push('groups');
    (copied.data.nested[0] as { a: number }).a = 2;
    copied.createdAt.setTime(0);
    expect(original.oidc.scopes).toEqual(['openid', 'email']);
    expect(original.data.nested[0]?.a).toBe(1);
    expect(original.createdAt.toISOString()).toBe('2026-12-07T10:00:00.000Z');
  });

  it('keeps a "__proto__" key from JSON as data, never as a prototype', () => {
    const fromJson = JSON.parse('{"settings": {"__proto__": {"isAdmin": true}}}') as { settings: object };
    const copied = copy(fromJson);
    expect(Object.getPrototypeOf(copied.settings)).toBe(Object.prototype);
    expect((copied.settings as { isAdmin?: boolean }).isAdmin).toBeUndefined();
    expect(Object.keys(copied.settings)).toEqual(['__proto__']);
  });
});
