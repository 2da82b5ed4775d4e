/**
 * Reading a JWT's claims without verifying it, for previews only: the Test Provider's mapping preview
 * of a pasted sample token, a `decode` command, a support page. Nothing read here is authenticated;
 * logins and API requests use `processCallback`, `validateIdToken` and `createAccessTokenVerifier`.
 *
 * @module
 */
import { SsoError } from '@ssokit/core';
import { decodeJsonObject, isBase64urlPart, JwsError, MAX_TOKEN_LENGTH } from './internal/jws.ts';

/**
 * **Does not verify anything.** Reads the payload of a compact JWT (an ID token, an access token) as
 * a plain object, without checking its signature, issuer, audience, expiry or anything else. Anyone
 * can write a token that reads as any claims they like, so the result authenticates no one and must
 * never decide a login, a session, a role or an API request: use it to *show* what a sample token
 * holds (a mapping preview, a debugging aid), and use `validateIdToken` or `createAccessTokenVerifier`
 * for everything else.
 *
 * Surrounding whitespace is ignored. The token must be at most 65536 characters, in the compact form
 * (three base64url parts separated by dots; the signature part may be empty) with a JSON object as
 * header and payload. Anything else, an encrypted (JWE) token included, throws an `SsoError`
 * `id_token_invalid` (`details.reason: 'malformed'`) saying it is not a JWT with a JSON object
 * payload, and why.
 *
 * @param token The compact JWT, as pasted.
 * @returns The payload's claims: a fresh object, unverified.
 *
 * @example
 * ```ts
 * import { readUnverifiedClaims } from '@ssokit/oidc';
 *
 * // A preview of a pasted sample; its signature is NOT checked, so it logs nobody in.
 * const claims = readUnverifiedClaims(pastedIdToken);
 * console.log(claims.iss, claims.email);
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-3
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export function readUnverifiedClaims(token: string): Record<string, unknown> {
  if (typeof token !== 'string') refuse('it is not a string.');
  const text = token.trim();
  if (text.length === 0) refuse('it is empty.');
  if (text.length > MAX_TOKEN_LENGTH) refuse(`it is longer than ${MAX_TOKEN_LENGTH} characters.`);
  const parts = text.split('.');
  if (parts.length === 5)
    refuse('it is an encrypted token (JWE, five parts), whose payload cannot be read without the key.');
  if (parts.length !== 3) refuse('a JWT has three base64url parts separated by dots.');
  const [header, payload, signature] = parts as [string, string, string];
  if (!isBase64urlPart(header) || !isBase64urlPart(payload) || !isBase64urlPart(signature))
    refuse('a part has characters other than base64url (A-Z, a-z, 0-9, "-" and "_").');
  try {
    decodeJsonObject(header, 'header');
    return decodeJsonObject(payload, 'payload');
  } catch (error) {
    if (error instanceof JwsError) refuse(lowerFirst(error.message));
    throw error;
  }
}

function refuse(why: string): never {
  throw new SsoError('id_token_invalid', `The value is not a JWT with a JSON object payload: ${why}`, {
    details: { reason: 'malformed' },
  });
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
