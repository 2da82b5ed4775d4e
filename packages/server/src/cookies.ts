/**
 * Cookies: parsing, serialising, and values split into numbered chunks (`name.0`, `name.1`, ...) when
 * they are larger than one cookie may be.
 *
 * @module
 */

/** Attributes of a cookie ssokit sets. */
export interface CookieAttributes {
  path?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Lax' | 'Strict' | 'None';
  /** Seconds; 0 deletes the cookie. */
  maxAge?: number;
}

/** The cookies of a `Cookie` header; the first of two cookies with one name wins. */
export function parseCookies(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
  }
  return cookies;
}

/** A `Set-Cookie` value. Names and values must already be cookie-safe (ssokit writes base64url). */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes = {}): string {
  const parts = [`${name}=${value}`, `Path=${attributes.path ?? '/'}`];
  if (attributes.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`);
  if (attributes.httpOnly !== false) parts.push('HttpOnly');
  if (attributes.secure) parts.push('Secure');
  parts.push(`SameSite=${attributes.sameSite ?? 'Lax'}`);
  return parts.join('; ');
}

/** The largest value put in one cookie chunk, in characters (browsers allow about 4096 per cookie). */
export const CHUNK_SIZE = 3800;
const MAX_CHUNKS = 16;

/**
 * `Set-Cookie` values that store `value` in `name.0`, `name.1`, ... and delete the chunks a previous,
 * longer value left behind (read from the request's cookies).
 */
export function writeChunked(
  name: string,
  value: string,
  attributes: CookieAttributes,
  existing: Map<string, string>,
): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += CHUNK_SIZE) chunks.push(value.slice(i, i + CHUNK_SIZE));
  if (chunks.length > MAX_CHUNKS)
    throw new RangeError(`The ${name} cookie would need ${chunks.length} chunks (at most ${MAX_CHUNKS}).`);
  const headers = chunks.map((chunk, i) => serializeCookie(`${name}.${i}`, chunk, attributes));
  for (const stale of chunkNames(existing, name)) {
    if (Number(stale.slice(name.length + 1)) >= chunks.length)
      headers.push(serializeCookie(stale, '', { ...attributes, maxAge: 0 }));
  }
  return headers;
}

/**
 * The names of every `name.N` chunk in the request that ssokit could have written (N below
 * MAX_CHUNKS), whatever gaps a failed write left. Others are not ours to delete: a request with a
 * hundred junk chunks gets no hundred deletions.
 */
function chunkNames(existing: Map<string, string>, name: string): string[] {
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{1,2})$`);
  return [...existing.keys()].filter((key) => {
    const index = pattern.exec(key)?.[1];
    return index !== undefined && Number(index) < MAX_CHUNKS;
  });
}

/** The value stored by {@link writeChunked}, reassembled; `undefined` when there is none. */
export function readChunked(cookies: Map<string, string>, name: string): string | undefined {
  let value = '';
  for (let i = 0; i < MAX_CHUNKS && cookies.has(`${name}.${i}`); i++) value += cookies.get(`${name}.${i}`);
  return value === '' ? undefined : value;
}

/** `Set-Cookie` values that delete every chunk of `name` present in the request. */
export function clearChunked(
  name: string,
  attributes: CookieAttributes,
  existing: Map<string, string>,
): string[] {
  return chunkNames(existing, name).map((chunk) => serializeCookie(chunk, '', { ...attributes, maxAge: 0 }));
}
