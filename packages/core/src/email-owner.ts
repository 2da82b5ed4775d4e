/**
 * Who owns an email address. Logins link accounts by email, so an address is a claim on an account:
 * only an owner may hold that claim. An address that an IdP sent without verifying it (stored with
 * `emailVerified: false`) owns nothing: it can neither capture a later, verified login into the
 * account it sits on (the pre-account takeover of the nOAuth pattern) nor lock that login out.
 *
 * Stores keep emails unique among owners only, and `findByEmail` returns only an owner.
 *
 * @module
 */
import { foldCase } from './fold.ts';
import type { User } from './types.ts';

/**
 * Whether a user owns their email address: an invited user (an administrator set the address), or a
 * user whose address is not known to be unverified (verified at login, or set by the host).
 *
 * @example
 * ```ts
 * import { ownsEmail } from '@ssokit/core';
 *
 * ownsEmail({ status: 'active', emailVerified: true }); // true
 * ownsEmail({ status: 'active', emailVerified: false }); // false: an IdP sent it unverified
 * ownsEmail({ status: 'invited' }); // true
 * ```
 */
export function ownsEmail(user: Pick<User, 'status' | 'emailVerified'>): boolean {
  return user.status === 'invited' || user.emailVerified !== false;
}

/**
 * Whether `email`'s domain is one of `domains` (`example.com`, or `*.example.com` for any subdomain
 * of it), compared with ASCII case folding; no list means every domain.
 *
 * @example
 * ```ts
 * import { inEmailDomains } from '@ssokit/core';
 *
 * inEmailDomains('ada@corp.example', ['corp.example']); // true
 * inEmailDomains('ada@eu.corp.example', ['*.corp.example']); // true
 * inEmailDomains('ceo@corp.example', ['partner.example']); // false
 * ```
 */
export function inEmailDomains(email: string, domains: readonly string[] | undefined): boolean {
  if (domains === undefined) return true;
  const at = email.lastIndexOf('@');
  if (at < 1) return false;
  const domain = foldCase(email.slice(at + 1));
  return domains.some((entry) => {
    const wanted = foldCase(entry);
    return wanted.startsWith('*.') ? domain.endsWith(wanted.slice(1)) : domain === wanted;
  });
}
