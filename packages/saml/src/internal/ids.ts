/** SAML message identifiers. */
import { randomBytes } from 'node:crypto';

/**
 * A fresh SAML message ID: an xs:ID (an NCName, so it starts with `_`) with 160 random bits, as
 * SAML core §1.3.4 asks of identifiers (at most a 2^-128 chance of collision).
 */
export function samlId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}
