/**
 * Text from outside (an IdP's `error_description`, an issuer, a value from a SAML document) made safe
 * to put in a message: printable ASCII only, so it can neither forge a log line nor carry markup
 * characters a terminal would act on, and bounded, so a long value cannot make a message unbounded.
 *
 * @module
 */

/**
 * `text` with every character outside printable ASCII replaced by `?`, cut at `maxLength` characters
 * (then ending in `…`).
 *
 * @example
 * ```ts
 * import { printable } from '@ssokit/core';
 *
 * printable('invalid_grant\r\nX-Injected: 1'); // 'invalid_grant??X-Injected: 1'
 * printable('x'.repeat(500), 80).length; // 81
 * ```
 */
export function printable(text: string, maxLength = 200): string {
  const safe = text.replace(/[^\x20-\x7e]/g, '?');
  return safe.length > maxLength ? `${safe.slice(0, maxLength)}…` : safe;
}
