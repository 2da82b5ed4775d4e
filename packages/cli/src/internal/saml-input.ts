/**
 * A SAMLResponse as people paste it: the base64 value of the HTTP-POST form field, the deflated base64
 * of the HTTP-Redirect binding, a whole query string or URL holding `SAMLResponse=`, or the XML itself.
 * All become the base64 XML that `@ssokit/saml` reads.
 *
 * @module
 */
import { inflateRawSync } from 'node:zlib';
import { CliError } from '../errors.ts';

/** A SAMLResponse made ready for `@ssokit/saml`. */
export interface SamlInput {
  /** base64 of the XML (what the HTTP-POST binding carries). */
  base64: string;
  /** The XML text. */
  xml: string;
  /** How it was given: posted (base64 XML), redirected (deflated), or as XML. */
  binding: 'post' | 'redirect' | 'xml';
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Whether `text` could be a SAMLResponse in one of the accepted shapes (without decoding all of it). */
export function looksLikeSaml(text: string): boolean {
  const value = text.trim();
  if (value.startsWith('<') || /(?:^|[?&])SAMLResponse=/.test(value)) return true;
  const compact = value.replace(/\s+/g, '');
  return !compact.includes('.') && compact.length >= 16 && BASE64.test(compact);
}

/** Decodes a SAMLResponse given in any of the shapes above; `flag` names where it came from. */
export function readSamlInput(text: string, flag: string): SamlInput {
  let value = text.trim();
  const field = /(?:^|[?&])SAMLResponse=([^&#\s]*)/.exec(value);
  if (field) {
    try {
      value = decodeURIComponent((field[1] as string).replace(/\+/g, '%2B'));
    } catch {
      throw new CliError(`${flag}: the SAMLResponse parameter is not correctly URL-encoded.`);
    }
  }
  if (value.startsWith('<'))
    return { base64: Buffer.from(value, 'utf8').toString('base64'), xml: value, binding: 'xml' };
  const compact = value.replace(/\s+/g, '');
  if (compact === '' || !BASE64.test(compact))
    throw new CliError(
      `${flag}: not a SAMLResponse: expected the base64 value of the SAMLResponse form field (or its XML, or a URL with SAMLResponse=).`,
    );
  const bytes = Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const asText = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (asText.startsWith('<')) return { base64: bytes.toString('base64'), xml: asText, binding: 'post' };
  let inflated: string;
  try {
    inflated = inflateRawSync(bytes, { maxOutputLength: 5 * 1024 * 1024 })
      .toString('utf8')
      .trimStart();
  } catch {
    throw new CliError(
      `${flag}: the base64 decodes to neither XML nor deflated XML; copy the whole SAMLResponse value (a SAML tracer shows it).`,
    );
  }
  if (!inflated.startsWith('<'))
    throw new CliError(`${flag}: the deflated SAMLResponse is not XML; copy the whole value.`);
  return { base64: Buffer.from(inflated, 'utf8').toString('base64'), xml: inflated, binding: 'redirect' };
}
