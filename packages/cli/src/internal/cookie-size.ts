/**
 * How large the session cookie gets, measured the way `@ssokit/server` writes it:
 * - server-side sessions: the cookie holds a random token (32 bytes, base64url), whatever the IdP sends;
 * - cookie sessions: the session (user, identity, roles, at most 2048 characters of group names, the
 *   SAML logout fields) as JSON, deflated, sealed as a compact JWE (`dir` + A256GCM, whose ciphertext
 *   is as long as its plaintext), in base64url, split into cookies of 3800 characters.
 *
 * The worst case, used when no sample says otherwise: 64 group names of 32 random characters (2048
 * characters, what a cookie session keeps at most, and random text barely compresses), every role the
 * role definitions name, a 255-character subject and SAML's logout fields at their usual lengths.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';

/** The most characters of group names a cookie session keeps (the server's `COOKIE_GROUP_CHARS`). */
export const COOKIE_GROUP_CHARS = 2048;
/** The characters of one cookie chunk (the server's `CHUNK_SIZE`). */
const CHUNK_SIZE = 3800;
/** The protected header every sealed session carries. */
const HEADER = Buffer.from(
  JSON.stringify({ alg: 'dir', enc: 'A256GCM', cty: 'ssokit-session+deflate' }),
).toString('base64url');
const IV_CHARS = 16; // 12 bytes
const TAG_CHARS = 22; // 16 bytes

/** What the estimate is of. */
export interface CookieInput {
  mode: 'server' | 'cookie';
  /** https base URL: the cookie is `__Host-sso_session`. */
  secure: boolean;
  protocol: 'oidc' | 'saml';
  connectionId: string;
  /** The OIDC issuer or the SAML IdP's entity id. */
  issuer: string;
  /** The roles a session may carry. */
  roles: readonly string[];
  /** The groups of a sample; the worst case when absent. */
  groups?: readonly string[];
  /** The subject of a sample; 255 characters when absent. */
  subject?: string;
}

/** The estimate. */
export interface CookieEstimate {
  mode: 'server' | 'cookie';
  /** Characters the session adds to the Cookie header (names, `=` and `; ` included). */
  headerBytes: number;
  /** How many cookies it takes (chunks `sso_session.0`, `.1`, ...). */
  cookies: number;
  /** Whether the groups were the worst case (no sample). */
  worstCase: boolean;
  /** Group names kept / given (a cookie session leaves the rest out). */
  groupsKept: number;
  groupsGiven: number;
}

/** The session's share of the Cookie header. */
export function estimateSessionCookie(input: CookieInput): CookieEstimate {
  const name = input.secure ? '__Host-sso_session' : 'sso_session';
  const worstCase = input.groups === undefined;
  const groups = input.groups ?? Array.from({ length: 64 }, () => randomBytes(24).toString('base64url'));
  if (input.mode === 'server') {
    const token = randomBytes(32).toString('base64url');
    return {
      mode: 'server',
      headerBytes: `${name}=${token}`.length,
      cookies: 1,
      worstCase,
      groupsKept: 0,
      groupsGiven: groups.length,
    };
  }
  const kept: string[] = [];
  let used = 0;
  for (const group of groups) {
    used += group.length;
    if (used > COOKIE_GROUP_CHARS) break;
    kept.push(group);
  }
  const now = Math.floor(Date.now() / 1000);
  const subject = input.subject ?? 'x'.repeat(255);
  const session = {
    userId: randomBytes(18).toString('base64url'),
    connectionId: input.connectionId,
    identity: { issuer: input.issuer, subject },
    roles: input.roles,
    groups: kept,
    issuedAt: now,
    expiresAt: now + 28_800,
    ...(input.protocol === 'oidc'
      ? { sid: randomBytes(27).toString('base64url') }
      : {
          nameId: subject,
          nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
          sessionIndex: `_${randomBytes(20).toString('hex')}`,
        }),
    ...(kept.length < groups.length ? { groupsTruncated: true } : {}),
  };
  const ciphertext = deflateRawSync(Buffer.from(JSON.stringify(session))).length;
  const sealed = HEADER.length + 2 + IV_CHARS + 1 + Math.ceil((ciphertext * 4) / 3) + 1 + TAG_CHARS;
  const cookies = Math.ceil(sealed / CHUNK_SIZE);
  let headerBytes = 0;
  for (let i = 0; i < cookies; i++)
    headerBytes += `${name}.${i}=`.length + Math.min(CHUNK_SIZE, sealed - i * CHUNK_SIZE);
  headerBytes += 2 * (cookies - 1);
  return {
    mode: 'cookie',
    headerBytes,
    cookies,
    worstCase,
    groupsKept: kept.length,
    groupsGiven: groups.length,
  };
}
