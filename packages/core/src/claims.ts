/**
 * Claim paths: reading a value out of ID token claims, userinfo or SAML attributes.
 *
 * @module
 */
import type { ClaimPath } from './types.ts';

const MAX_PATH_LENGTH = 1024;
const MAX_SEGMENTS = 32;

/**
 * Reads the value a claim path names.
 *
 * - `''` means "not mapped" and yields `undefined` (as in Arthur's configuration).
 * - A key present as a whole is taken whole, so namespaced claims work as written:
 *   `https://example.com/groups`, `cognito:groups`,
 *   `http://schemas.microsoft.com/ws/2008/06/identity/claims/groups`.
 * - Otherwise dots descend into objects: `realm_access.roles`, `resource_access.my-app.roles`. At each
 *   level the longest run of segments that is a key wins, so `https://example.com/claims.roles` finds
 *   `roles` inside the `https://example.com/claims` object.
 * - A list of paths is tried in order; the first that yields a value other than `undefined`, `null` or
 *   `''` wins.
 *
 * Only own properties are read, never inherited ones (`constructor`, `__proto__`).
 *
 * @example
 * ```ts
 * import { readClaim } from '@ssokit/core';
 *
 * readClaim({ realm_access: { roles: ['admin'] } }, 'realm_access.roles'); // ['admin']
 * readClaim({ 'cognito:groups': ['ops'] }, 'cognito:groups'); // ['ops']
 * readClaim({ login: 'ada' }, ['preferred_username', 'login']); // 'ada'
 * readClaim({ email: 'a@example.com' }, ''); // undefined: not mapped
 * ```
 */
export function readClaim(claims: unknown, path: ClaimPath): unknown {
  if (typeof path === 'string') return readOne(claims, path);
  for (const candidate of path) {
    const value = readOne(claims, candidate);
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

function readOne(claims: unknown, path: string): unknown {
  if (path === '' || path.length > MAX_PATH_LENGTH || !isRecord(claims)) return undefined;
  if (Object.hasOwn(claims, path)) return claims[path];
  const segments = path.split('.');
  if (segments.length > MAX_SEGMENTS) return undefined;
  return descend(claims, segments, 0);
}

function descend(node: Record<string, unknown>, segments: readonly string[], from: number): unknown {
  // Longest key first: `a.b.c` prefers the key "a.b" over "a" when both exist.
  for (let end = segments.length; end > from; end--) {
    const key = end - from === 1 ? (segments[from] as string) : segments.slice(from, end).join('.');
    if (!Object.hasOwn(node, key)) continue;
    const value = node[key];
    if (end === segments.length) return value;
    if (isRecord(value)) {
      const found = descend(value, segments, end);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Normalises a claim that may be a single string or a list into a list of distinct, trimmed, non-empty
 * strings, keeping their first-seen order. Numbers become strings (some IdPs send numeric group ids);
 * other entries are dropped. `undefined` and `null` stay `undefined` (the claim is absent).
 *
 * @example
 * ```ts
 * import { toStringList } from '@ssokit/core';
 *
 * toStringList('admins'); // ['admins']
 * toStringList(['a', ' b ', 'a', '', 7]); // ['a', 'b', '7']
 * toStringList(undefined); // undefined
 * ```
 */
export function toStringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : [value];
  const seen = new Set<string>();
  for (const item of items) {
    const text =
      typeof item === 'string'
        ? trimmed(item)
        : typeof item === 'number' && Number.isFinite(item)
          ? String(item)
          : '';
    if (text !== '') seen.add(text);
  }
  return [...seen];
}

// `trim()` only where an end might be white space: most claim values have none, and skipping the call
// saves an allocation per value on large groups claims.
function trimmed(text: string): string {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return first > 32 && first < 127 && last > 32 && last < 127 ? text : text.trim();
}

/**
 * Reads a boolean claim that an IdP may send as a boolean or as the string `"true"` / `"false"`
 * (Cognito sends `email_verified` as a string). Anything else is `undefined`.
 *
 * @example
 * ```ts
 * import { toBoolean } from '@ssokit/core';
 *
 * toBoolean('true'); // true
 * toBoolean(false); // false
 * toBoolean('yes'); // undefined
 * ```
 */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

/**
 * Reads a single string claim: a string (trimmed), or a finite number as a string; `undefined` for
 * anything else or an empty string. A one-element list is unwrapped (SAML attributes are lists).
 *
 * @example
 * ```ts
 * import { toSingleString } from '@ssokit/core';
 *
 * toSingleString(['ada@example.com']); // 'ada@example.com'
 * toSingleString(['a', 'b']); // undefined: not a single value
 * ```
 */
export function toSingleString(value: unknown): string | undefined {
  const single = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof single === 'string') {
    const text = single.trim();
    return text === '' ? undefined : text;
  }
  if (typeof single === 'number' && Number.isFinite(single)) return String(single);
  return undefined;
}
