/**
 * Sessions: sealed into cookies, encrypted and authenticated with a key derived from the server
 * secret, compressed first so that large group lists still fit. The format is a compact JWE with
 * `alg: dir`, `enc: A256GCM` (RFC 7516 §7.1, RFC 7518 §5.3), written here on node:crypto: one AES-GCM
 * call each way needs no JOSE library at import time (jose reads and writes the same tokens; the tests
 * check both ways).
 *
 * @module
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { IdentityKey } from '@ssokit/core';

/** What a session cookie holds. */
export interface SessionData {
  userId: string;
  connectionId: string;
  identity: IdentityKey;
  roles: string[];
  /** Names of the user's groups at login. */
  groups: string[];
  /** Seconds since the epoch. */
  issuedAt: number;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** For RP-initiated logout (OIDC `id_token_hint`). Kept server-side only, never in a cookie. */
  idToken?: string;
  /** The IdP's session id (OIDC `sid`), for back-channel logout. */
  sid?: string;
  /** For SAML Single Logout. */
  nameId?: string;
  nameIdFormat?: string;
  sessionIndex?: string;
  /** A restore-mode administrator's session: valid only while restore mode lasts. */
  restore?: true;
  /** In a cookie session: some group names were left out to keep the cookie small. */
  groupsTruncated?: true;
}

/** Seals and opens session cookies. */
export interface SessionCodec {
  seal(data: SessionData): Promise<string>;
  /** The session, or `null` for anything tampered, truncated, expired or sealed with another secret. */
  open(sealed: string, nowSec: number): Promise<SessionData | null>;
}

const CONTENT_TYPE = 'ssokit-session+deflate';
/** The protected header every session carries, encoded once: it is also the GCM additional data. */
const HEADER = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', cty: CONTENT_TYPE })).toString(
  'base64url',
);
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Derives the session key from the server secret (HKDF-SHA256, 32 bytes). */
export function sessionKey(secret: string | Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'ssokit', 'ssokit session encryption v1', 32));
}

/**
 * A codec for session cookies.
 *
 * @example
 * ```ts
 * const codec = createSessionCodec(process.env.SSO_SECRET!);
 * const cookie = await codec.seal(session);
 * const again = await codec.open(cookie, Math.floor(Date.now() / 1000));
 * ```
 */
export function createSessionCodec(secret: string | Uint8Array): SessionCodec {
  const key = sessionKey(secret);
  return {
    async seal(data) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(HEADER, 'ascii'));
      const compressed = deflateRawSync(Buffer.from(JSON.stringify(data)));
      const ciphertext = Buffer.concat([cipher.update(compressed), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${HEADER}..${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${tag.toString('base64url')}`;
    },
    async open(sealed, nowSec) {
      try {
        const parts = sealed.split('.');
        if (parts.length !== 5 || parts[1] !== '') return null;
        const [header, , iv64, ciphertext64, tag64] = parts as [string, string, string, string, string];
        // Only our own header: a token with another algorithm, content type or a `crit` is refused.
        if (header !== HEADER && !isOurHeader(header)) return null;
        const iv = Buffer.from(iv64, 'base64url');
        const tag = Buffer.from(tag64, 'base64url');
        if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(header, 'ascii'));
        decipher.setAuthTag(tag);
        const plaintext = Buffer.concat([
          decipher.update(Buffer.from(ciphertext64, 'base64url')),
          decipher.final(),
        ]);
        const data = JSON.parse(
          inflateRawSync(plaintext, { maxOutputLength: 1024 * 1024 }).toString('utf8'),
        ) as SessionData;
        if (typeof data.userId !== 'string' || typeof data.expiresAt !== 'number' || data.expiresAt <= nowSec)
          return null;
        return data;
      } catch {
        return null;
      }
    },
  };
}

/** A protected header with exactly our members, in any order (another JWE library's encoding). */
function isOurHeader(encoded: string): boolean {
  if (!/^[A-Za-z0-9_-]+$/.test(encoded) || encoded.length > 200) return false;
  const header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Record<string, unknown>;
  const keys = Object.keys(header).sort().join(',');
  return (
    keys === 'alg,cty,enc' && header.alg === 'dir' && header.enc === 'A256GCM' && header.cty === CONTENT_TYPE
  );
}
