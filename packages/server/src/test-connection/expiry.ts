/**
 * Test Provider's one rule for things that expire (IdP signing certificates, the SP certificate, a
 * client secret): an error once expired, a warning within 30 days or before its start, else ok.
 *
 * @module
 */
import type { Add } from './report.ts';

const DAY_MS = 86_400_000;
/** How far ahead an expiry is a warning, in days. */
export const EXPIRY_WARNING_DAYS = 30;

/** What expires, and what to tell the admin. */
export interface Expiring {
  /** The finding's check: `certificate`, `sp`, `client-secret`. */
  check: string;
  /** The subject of the sentences: "The signing certificate CN=idp (SHA-256 ...)". */
  what: string;
  notAfter: Date;
  notBefore?: Date;
  /** The fix once it has expired, and before it does. */
  fixExpired: string;
  fixSoon: string;
}

/** Adds the one finding `item` calls for at `nowMs`. */
export function expiryFinding(add: Add, item: Expiring, nowMs: number): void {
  const { check, what, notAfter, notBefore } = item;
  const day = notAfter.toISOString().slice(0, 10);
  const days = Math.floor((notAfter.getTime() - nowMs) / DAY_MS);
  if (notAfter.getTime() <= nowMs) add(check, 'error', `${what} expired on ${day}.`, item.fixExpired);
  else if (days < EXPIRY_WARNING_DAYS)
    add(check, 'warning', `${what} expires in ${days} day(s), on ${day}.`, item.fixSoon);
  else if (notBefore && notBefore.getTime() > nowMs)
    add(
      check,
      'warning',
      `${what} is not valid before ${notBefore.toISOString()}.`,
      "Check this server's clock.",
    );
  else add(check, 'ok', `${what} is valid until ${day}.`);
}
