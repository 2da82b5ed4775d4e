/**
 * Server-side sessions: the random token a cookie carries, the store key derived from it, and the
 * mapping between what the server keeps for a session (`SessionData`) and the store's record.
 *
 * The store is keyed by the token's SHA-256, never the token: a copy of the sessions table (a backup, a
 * read replica, a Redis dump) is not a set of cookies anyone could present.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SessionRecord, TransactionValue } from '@ssokit/storage';
import type { SessionData } from './session.ts';

/** 32 random bytes, base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A new session token for a cookie. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The store key of a cookie's token, or null for a value that is not one of our tokens (no lookup). */
export function sessionKeyOf(token: string | undefined): string | null {
  if (token === undefined || !TOKEN.test(token)) return null;
  return createHash('sha256').update(token).digest('base64url');
}

/** What the record keeps beyond its indexed columns. */
interface RecordData {
  issuer: string;
  roles: string[];
  groups: string[];
  issuedAt: number;
  idToken?: string;
  nameId?: string;
  nameIdFormat?: string;
  restore?: true;
}

/** The record for a new session: absolute expiry from the data, idle expiry `idleSec` from now. */
export function toRecord(key: string, data: SessionData, nowMs: number, idleSec: number): SessionRecord {
  const expiresAt = data.expiresAt * 1000;
  const kept: RecordData = {
    issuer: data.identity.issuer,
    roles: data.roles,
    groups: data.groups,
    issuedAt: data.issuedAt,
    ...(data.idToken ? { idToken: data.idToken } : {}),
    ...(data.nameId ? { nameId: data.nameId } : {}),
    ...(data.nameIdFormat ? { nameIdFormat: data.nameIdFormat } : {}),
    ...(data.restore ? { restore: true as const } : {}),
  };
  const idpSessionId = data.sid ?? data.sessionIndex;
  return {
    id: key,
    userId: data.userId,
    connectionId: data.connectionId,
    subject: data.identity.subject,
    ...(idpSessionId ? { idpSessionId } : {}),
    data: kept as unknown as TransactionValue,
    createdAt: new Date(nowMs),
    expiresAt: new Date(expiresAt),
    idleExpiresAt: new Date(Math.min(expiresAt, nowMs + idleSec * 1000)),
  };
}

/** The session data of a stored record. */
export function fromRecord(record: SessionRecord): SessionData {
  const kept = record.data as unknown as RecordData;
  const isSaml = kept.nameId !== undefined;
  return {
    userId: record.userId,
    connectionId: record.connectionId,
    identity: { issuer: kept.issuer, subject: record.subject },
    roles: kept.roles,
    groups: kept.groups,
    issuedAt: kept.issuedAt,
    expiresAt: Math.floor(record.expiresAt.getTime() / 1000),
    ...(kept.idToken ? { idToken: kept.idToken } : {}),
    ...(kept.nameId ? { nameId: kept.nameId } : {}),
    ...(kept.nameIdFormat ? { nameIdFormat: kept.nameIdFormat } : {}),
    ...(record.idpSessionId
      ? isSaml
        ? { sessionIndex: record.idpSessionId }
        : { sid: record.idpSessionId }
      : {}),
    ...(kept.restore ? { restore: true as const } : {}),
  };
}
