/**
 * Login (and SAML logout) transactions: stored server-side, bound to the browser by the `sso_tx`
 * cookie, taken exactly once. This module is the only owner of that cookie.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { SsoError } from '@ssokit/core';
import type { OidcTransaction } from '@ssokit/oidc';
import type { TransactionValue } from '@ssokit/storage';
import type { SsoContext } from './context.ts';
import { type CookieAttributes, parseCookies, serializeCookie } from './cookies.ts';

const TX_COOKIE = 'sso_tx';

/**
 * Marks a login as an admin's test login (test-login.ts): its callback previews instead of logging in.
 * Set only by the admin API's start route, kept server-side with the transaction: nothing a browser
 * or an IdP sends can add it to a login or remove it from one.
 */
export interface TestLoginMarker {
  /** The SHA-256 (base64url) of the admin browser's test cookie: the report is readable there only. */
  binder: string;
  /** The admin who started it, as `authorizeAdmin` named them. */
  actor?: string;
  /** Where the admin's browser lands with `?testLogin=<id>`; absent: the report's JSON route. */
  returnTo?: string;
}

/** What a transaction holds, whatever its protocol. */
export interface TransactionRecord {
  connectionId: string;
  protocol: 'oidc' | 'saml' | 'saml-logout';
  returnTo: string;
  oidc?: OidcTransaction;
  requestId?: string;
  /** Present for an admin's test login only. */
  test?: TestLoginMarker;
}

/** A transaction as a callback takes it. */
export type TakenTransaction = Pick<
  TransactionRecord,
  'connectionId' | 'protocol' | 'returnTo' | 'oidc' | 'requestId' | 'test'
>;

/**
 * A fresh transaction key for a login that has no `state` of its own (SAML's RelayState): 192 random
 * bits, base64url.
 */
export function newTransactionKey(): string {
  return randomBytes(24).toString('base64url');
}

/** Stores a transaction under `key` and binds it to this browser (a cookie on `headers`). */
export async function bindTransaction(
  ctx: SsoContext,
  headers: Headers,
  key: string,
  record: TransactionRecord,
): Promise<void> {
  const { connectionId, protocol, returnTo, oidc, requestId, test } = record;
  const value: TransactionValue = {
    connectionId,
    protocol,
    returnTo,
    ...(oidc ? { oidc: { ...oidc } } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(test ? { test: { ...test } } : {}),
  };
  await ctx.storage.transactions.put(key, value, ctx.transactionTtlMs);
  headers.append('set-cookie', serializeCookie(TX_COOKIE, key, ctx.txCookie));
}

/** The transaction a callback names, taken once and bound to this browser. */
export async function takeTransaction(
  ctx: SsoContext,
  request: Request,
  key: string | null,
  protocol: TransactionRecord['protocol'],
): Promise<TakenTransaction> {
  const cookie = transactionCookie(request);
  // A login's key is base64url; the test login's own records share the store under `name:` keys
  // (test-login.ts), which no callback may take.
  if (!key || !cookie || cookie !== key || key.includes(':'))
    throw new SsoError(
      'invalid_state',
      'This answer does not belong to a login started in this browser. Start the login again.',
    );
  const tx = (await ctx.storage.transactions.take(key)) as Record<string, unknown> | null;
  if (!tx)
    throw new SsoError('transaction_expired', 'The login expired or was already finished. Start it again.');
  if (tx.protocol !== protocol)
    throw new SsoError('invalid_state', 'This answer does not match the login that was started.');
  return tx as unknown as TakenTransaction;
}

/** The key this browser's transaction cookie holds, if any. */
export function transactionCookie(request: Request): string | undefined {
  return parseCookies(request.headers.get('cookie')).get(TX_COOKIE);
}

/** Deletes the transaction cookie (a login finished or failed). */
export function clearTransactionCookie(headers: Headers, attributes: CookieAttributes): void {
  headers.append('set-cookie', serializeCookie(TX_COOKIE, '', { ...attributes, maxAge: 0 }));
}
