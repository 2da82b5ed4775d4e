/**
 * Sessions: sealed into cookies, encrypted and authenticated (JWE, `dir` + A256GCM) with a key derived
 * from the server secret, compressed first so that large group lists still fit.
 *
 * @module
 */
import { hkdfSync } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { IdentityKey } from '@ssokit/core';
import { CompactEncrypt, compactDecrypt } from 'jose';

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
  /** For RP-initiated logout (OIDC `id_token_hint`). */
  idToken?: string;
  /** For SAML Single Logout. */
  nameId?: string;
  nameIdFormat?: string;
  sessionIndex?: string;
  /** A restore-mode administrator's session: valid only while restore mode lasts. */
  restore?: true;
}

/** Seals and opens session cookies. */
export interface SessionCodec {
  seal(data: SessionData): Promise<string>;
  /** The session, or `null` for anything tampered, truncated, expired or sealed with another secret. */
  open(sealed: string, nowSec: number): Promise<SessionData | null>;
}

const CONTENT_TYPE = 'ssokit-session+deflate';

/** Derives the session key from the server secret (HKDF-SHA256, 32 bytes). */
export function sessionKey(secret: string | Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'ssokit', 'ssokit session encryption v1', 32));
}

/**
 * A codec for session cookies.
 *
 * @example
 * ```ts
 * const codec = createSessionCodec(process.env.SSO_SECRET);
 * const cookie = await codec.seal(session);
 * const again = await codec.open(cookie, Math.floor(Date.now() / 1000));
 * ```
 */
export function createSessionCodec(secret: string | Uint8Array): SessionCodec {
  const key = sessionKey(secret);
  return {
    async seal(data) {
      const compressed = deflateRawSync(Buffer.from(JSON.stringify(data)));
      return new CompactEncrypt(compressed)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: CONTENT_TYPE })
        .encrypt(key);
    },
    async open(sealed, nowSec) {
      try {
        const { plaintext, protectedHeader } = await compactDecrypt(sealed, key, {
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
        });
        if (protectedHeader.cty !== CONTENT_TYPE) return null;
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
