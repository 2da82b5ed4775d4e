/**
 * The one case folding of ssokit, for every case-insensitive comparison of names (roles, groups,
 * emails, connection names). Only ASCII letters fold: a name with any other character is compared as
 * it is. Unicode folding would turn one name into another (the Kelvin sign U+212A lowercases to `k`,
 * so "\u212A8s-admin" would become "k8s-admin"), and an IdP's user could then claim a group or role
 * they were not given.
 *
 * @module
 */

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * `text` with ASCII letters in lower case, or unchanged when it has any non-ASCII character.
 *
 * @example
 * ```ts
 * import { foldCase } from '@ssokit/core';
 *
 * foldCase('ML-Engineers'); // 'ml-engineers'
 * foldCase('\u212A8s-admin'); // unchanged: never equal to 'k8s-admin'
 * ```
 */
export function foldCase(text: string): string {
  return NON_ASCII.test(text) ? text : text.toLowerCase();
}

/**
 * Whether `text` is all ASCII (case-insensitive patterns apply only to such names).
 *
 * @example
 * ```ts
 * import { isAscii } from '@ssokit/core';
 *
 * isAscii('ml-engineers'); // true
 * isAscii('\u212A8s-admin'); // false: the Kelvin sign is not folded, so no pattern matches it loosely
 * ```
 */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}
