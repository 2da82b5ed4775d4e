/**
 * The HTTP-POST binding's `SAMLResponse` field: bounded, strict base64, parsed with every refusal of
 * `parseXml`, and a `samlp:Response` at the root. Shared by `validateSamlResponse` and
 * `peekSamlResponse`, so both read exactly the same document (bindings §3.5.4).
 */
import { printable, SsoError } from '@ssokit/core';
import { is, NS, parseSamlMessage, type XmlElement } from './xml.ts';

/** The largest `SAMLResponse` accepted by default, in base64 characters: 524288 (512 KiB). */
export const MAX_SAML_RESPONSE_LENGTH = 512 * 1024;

function invalid(reason: string, message: string): never {
  throw new SsoError('saml_invalid', message, { details: { reason } });
}

/**
 * Decodes and parses a posted `SAMLResponse`, returning its `samlp:Response` root. Throws
 * `saml_invalid` with `details.reason` `empty`, `size`, `base64`, `not_response`, or a reason of
 * `parseXml` (`dtd`, `malformed`, `roots`, `pi`, `comment`, `duplicate_id`).
 */
export function readPostedResponse(samlResponse: unknown, maxLength: number): XmlElement {
  if (typeof samlResponse !== 'string' || samlResponse.length === 0)
    invalid('empty', 'The SAMLResponse is missing.');
  // Bounded before any other work on it: every later step is linear in this length.
  if (samlResponse.length > maxLength)
    invalid('size', `The SAMLResponse is larger than ${maxLength} characters.`);
  const compact = samlResponse.replace(/[\r\n\t ]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0)
    invalid('base64', 'The SAMLResponse is not base64.');
  const root = parseSamlMessage(Buffer.from(compact, 'base64').toString('utf8'), maxLength);
  const rootName = root.localName;
  if (!is(root, NS.samlp, 'Response'))
    invalid('not_response', `The message is <${printable(rootName ?? '', 64)}>, not a SAML Response.`);
  return root;
}
