/**
 * Single Logout over the HTTP-Redirect binding: the SP's LogoutRequest, the IdP's LogoutResponse, and
 * IdP-initiated LogoutRequests with the SP's answer.
 *
 * @module
 */
import { createPrivateKey, type KeyObject, sign, verify } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Clock } from '@ssokit/core';
import { now as nowSymbol, SsoError } from '@ssokit/core';
import { escapeXml } from './internal/escape.ts';
import { samlId } from './internal/ids.ts';
import { verifyWithIdpKeys } from './internal/key-policy.ts';
import { requireVersion20 } from './internal/schema.ts';
import { RSA_SHA256 } from './internal/signature.ts';
import {
  attr,
  children,
  is,
  NS,
  onlyChild,
  parseSamlMessage,
  textOf,
  type XmlElement,
} from './internal/xml.ts';

const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const MAX_INFLATED = 256 * 1024;

function invalid(reason: string, message: string): never {
  throw new SsoError('saml_invalid', message, { details: { reason } });
}

/** Options shared by the SP's outgoing logout messages. */
interface Outgoing {
  /** The IdP's SingleLogoutService (HTTP-Redirect) URL. */
  sloUrl: string;
  spEntityId: string;
  relayState?: string;
  /** Sign with the SP key (RSA-SHA256). Default: unsigned (most IdPs require signed logout messages). */
  signing?: { privateKeyPem: string };
}

function redirect(
  sloUrl: string,
  param: 'SAMLRequest' | 'SAMLResponse',
  xml: string,
  relayState: string | undefined,
  signing: Outgoing['signing'],
): URL {
  const url = new URL(sloUrl);
  const parts = [`${param}=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}`];
  if (relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(relayState)}`);
  if (signing) {
    parts.push(`SigAlg=${encodeURIComponent(RSA_SHA256)}`);
    parts.push(
      `Signature=${encodeURIComponent(sign('sha256', Buffer.from(parts.join('&')), createPrivateKey(signing.privateKeyPem)).toString('base64'))}`,
    );
  }
  url.search = url.search ? `${url.search.slice(1)}&${parts.join('&')}` : parts.join('&');
  return url;
}

/**
 * The SP-initiated LogoutRequest for a session (its NameID and SessionIndex, kept from the login).
 *
 * @example
 * ```ts
 * import { createLogoutRequest } from '@ssokit/saml';
 *
 * const { id, url } = createLogoutRequest({ sloUrl, spEntityId, nameId: session.nameId, sessionIndex: session.sessionIndex });
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf (§3.7.1)
 */
export function createLogoutRequest(
  options: Outgoing & { nameId: string; nameIdFormat?: string; sessionIndex?: string },
): { id: string; url: URL } {
  const id = samlId();
  const xml =
    `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${escapeXml(options.sloUrl)}">` +
    `<saml:Issuer>${escapeXml(options.spEntityId)}</saml:Issuer>` +
    `<saml:NameID${options.nameIdFormat ? ` Format="${escapeXml(options.nameIdFormat)}"` : ''}>${escapeXml(options.nameId)}</saml:NameID>` +
    (options.sessionIndex
      ? `<samlp:SessionIndex>${escapeXml(options.sessionIndex)}</samlp:SessionIndex>`
      : '') +
    `</samlp:LogoutRequest>`;
  return { id, url: redirect(options.sloUrl, 'SAMLRequest', xml, options.relayState, options.signing) };
}

/**
 * The SP's LogoutResponse to an IdP-initiated LogoutRequest.
 *
 * @example
 * ```ts
 * import { createLogoutResponse } from '@ssokit/saml';
 *
 * const url = createLogoutResponse({ sloUrl, spEntityId, inResponseTo: incoming.id });
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf (§3.7.2)
 */
export function createLogoutResponse(options: Outgoing & { inResponseTo: string; success?: boolean }): URL {
  const status = options.success === false ? 'urn:oasis:names:tc:SAML:2.0:status:Responder' : SUCCESS;
  const xml =
    `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${samlId()}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${escapeXml(options.sloUrl)}" InResponseTo="${escapeXml(options.inResponseTo)}">` +
    `<saml:Issuer>${escapeXml(options.spEntityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${status}"/></samlp:Status></samlp:LogoutResponse>`;
  return redirect(options.sloUrl, 'SAMLResponse', xml, options.relayState, options.signing);
}

/** What an incoming logout message must satisfy. */
export interface LogoutExpectations {
  idpEntityId: string;
  /** The IdP's signing keys, from its metadata (`idpSigningKeys(idp)`); RSA under 2048 bits is refused. */
  idpKeys: readonly KeyObject[];
  /** This SP's SLO URL: the Destination, when the message names one. */
  sloUrl: string;
  /** Refuse unsigned messages. Default: `true`. */
  requireSignature?: boolean;
  /** Accept RSA-SHA1 query signatures. Default: `false`. */
  allowSha1?: boolean;
  /** Allowed clock skew in seconds. Default: 120. */
  clockToleranceSec?: number;
  /**
   * The oldest an IdP-initiated LogoutRequest may be, in seconds after its `IssueInstant` (plus the
   * clock tolerance): a signed logout URL left in a browser history or a proxy log cannot be used
   * later. Default: 300.
   */
  maxLogoutRequestAgeSec?: number;
  [nowSymbol]?: Clock;
}

/**
 * Reads a redirect-bound SAML message from the raw query string (as received, still URL-encoded) and
 * checks its query signature over the exact octet string the sender signed (bindings §3.4.4.1).
 */
function readRedirect(
  rawQuery: string,
  param: 'SAMLRequest' | 'SAMLResponse',
  expected: LogoutExpectations,
): { root: XmlElement; relayState?: string } {
  const raw = new Map<string, string>();
  for (const pair of rawQuery.replace(/^\?/, '').split('&')) {
    const at = pair.indexOf('=');
    if (at > 0 && !raw.has(pair.slice(0, at))) raw.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const message = raw.get(param);
  if (!message) invalid('missing', `The query has no ${param}.`);
  const sigAlg = raw.get('SigAlg');
  const signature = raw.get('Signature');
  if (sigAlg !== undefined && signature !== undefined) {
    const algorithm = unescapeQuery(sigAlg);
    const hash =
      algorithm === RSA_SHA256 ? 'sha256' : algorithm === RSA_SHA1 && expected.allowSha1 ? 'sha1' : undefined;
    if (!hash)
      throw new SsoError(
        'saml_signature_invalid',
        `The query signature algorithm "${algorithm}" is not accepted.`,
        { details: { reason: 'algorithm' } },
      );
    const relay = raw.get('RelayState');
    const octets = `${param}=${message}${relay !== undefined ? `&RelayState=${relay}` : ''}&SigAlg=${sigAlg}`;
    const value = Buffer.from(unescapeQuery(signature), 'base64');
    const outcome = verifyWithIdpKeys(expected.idpKeys, 'rsa', (key) => safeVerify(hash, octets, key, value));
    if (!outcome.ok && outcome.refusedKey !== undefined) {
      throw new SsoError(
        'saml_signature_invalid',
        `The logout message is signed with ${outcome.refusedKey}. Have the identity provider sign with a stronger key.`,
        { details: { reason: 'weak_key' } },
      );
    }
    if (!outcome.ok) {
      throw new SsoError(
        'saml_signature_invalid',
        "The logout message's signature does not verify with the identity provider's certificates.",
        {
          details: { reason: 'signature' },
        },
      );
    }
  } else if (expected.requireSignature !== false) {
    throw new SsoError('saml_signature_invalid', 'The logout message is not signed.', {
      details: { reason: 'unsigned' },
    });
  }
  const compressed = Buffer.from(unescapeQuery(message), 'base64');
  let xml: string;
  try {
    xml = inflateRawSync(compressed, {
      maxOutputLength: MAX_INFLATED,
    }).toString('utf8');
  } catch {
    return invalid('inflate', `The ${param} does not inflate (or inflates past ${MAX_INFLATED} bytes).`);
  }
  const root = parseSamlMessage(xml, MAX_INFLATED);
  const relayState = raw.get('RelayState');
  return relayState === undefined ? { root } : { root, relayState: unescapeQuery(relayState) };
}

/** `decodeURIComponent`, with a broken escape (`%E0`) refused as `saml_invalid`, not thrown as URIError. */
function unescapeQuery(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return invalid('encoding', 'The query string has a broken percent-encoding.');
  }
}

function safeVerify(hash: string, octets: string, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(hash, Buffer.from(octets), key, signature);
  } catch {
    return false;
  }
}

function checkCommon(root: XmlElement, expected: LogoutExpectations): void {
  const issuer = textOf(onlyChild(root, NS.saml, 'Issuer', 'saml_invalid'));
  if (issuer !== expected.idpEntityId)
    invalid('issuer', `The logout message comes from "${issuer ?? 'nobody'}", not the configured IdP.`);
  const destination = attr(root, 'Destination');
  if (destination !== undefined && destination !== expected.sloUrl)
    invalid('destination', 'The logout message is addressed to another endpoint.');
}

/**
 * Validates the IdP's LogoutResponse to our LogoutRequest (redirect binding, raw query string):
 * signature, `Version="2.0"`, issuer, destination, `InResponseTo` and a success status.
 *
 * @example
 * ```ts
 * import { validateLogoutResponse } from '@ssokit/saml';
 *
 * const { relayState } = validateLogoutResponse(new URL(request.url).search, transaction.logoutRequestId, expectations);
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf (§3.7.2)
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf (§3.4.4.1, query signatures)
 */
export function validateLogoutResponse(
  rawQuery: string,
  requestId: string,
  expected: LogoutExpectations,
): { relayState?: string } {
  const { root, relayState } = readRedirect(rawQuery, 'SAMLResponse', expected);
  if (!is(root, NS.samlp, 'LogoutResponse'))
    invalid('not_logout_response', 'The message is not a LogoutResponse.');
  // saml-core-2.0-os §3.2.2 (StatusResponseType, which LogoutResponse extends): "Version [Required]", "2.0".
  requireVersion20(root, 'LogoutResponse');
  checkCommon(root, expected);
  if (attr(root, 'InResponseTo') !== requestId)
    invalid('in_response_to', 'The LogoutResponse does not answer our LogoutRequest.');
  const status = onlyChild(root, NS.samlp, 'Status', 'saml_invalid');
  const code = status && onlyChild(status, NS.samlp, 'StatusCode', 'saml_invalid');
  if (!code || attr(code, 'Value') !== SUCCESS) {
    throw new SsoError(
      'idp_error',
      `The identity provider could not log the session out (${code ? attr(code, 'Value') : 'no status'}).`,
    );
  }
  return relayState === undefined ? {} : { relayState };
}

/** An IdP-initiated LogoutRequest, validated. */
export interface IncomingLogoutRequest {
  id: string;
  nameId: string;
  sessionIndexes: string[];
  relayState?: string;
}

/**
 * Validates an IdP-initiated LogoutRequest (redirect binding): signature (required by default),
 * `Version="2.0"`, issuer, `Destination` (required: bindings §3.4.5.2 for signed messages),
 * `IssueInstant` (required, and at most `maxLogoutRequestAgeSec` old) and `NotOnOrAfter`. The caller
 * must still refuse an `id` it has seen (a replay cache) before acting on it. Answer it with
 * {@link createLogoutResponse}.
 *
 * @example
 * ```ts
 * import { createLogoutResponse, validateLogoutRequest } from '@ssokit/saml';
 *
 * const incoming = validateLogoutRequest(new URL(request.url).search, expectations);
 * await endSessionsFor(incoming.nameId, incoming.sessionIndexes);
 * return Response.redirect(createLogoutResponse({ sloUrl, spEntityId, inResponseTo: incoming.id }), 302);
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf (§3.7.1, §3.7.3)
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf (§4.4, Single Logout profile)
 */
export function validateLogoutRequest(rawQuery: string, expected: LogoutExpectations): IncomingLogoutRequest {
  const { root, relayState } = readRedirect(rawQuery, 'SAMLRequest', expected);
  if (!is(root, NS.samlp, 'LogoutRequest'))
    invalid('not_logout_request', 'The message is not a LogoutRequest.');
  // saml-core-2.0-os §3.2.1 (RequestAbstractType, which LogoutRequest extends): "Version [Required]", "2.0".
  requireVersion20(root, 'LogoutRequest');
  checkCommon(root, expected);
  if (attr(root, 'Destination') === undefined)
    invalid(
      'destination',
      'The LogoutRequest names no Destination, so it could have been meant for another service.',
    );
  const now = (expected[nowSymbol] ?? Date.now)();
  const toleranceMs = (expected.clockToleranceSec ?? 120) * 1000;
  const issued = Date.parse(attr(root, 'IssueInstant') ?? '');
  if (Number.isNaN(issued)) invalid('issue_instant', 'The LogoutRequest has no valid IssueInstant.');
  if (issued > now + toleranceMs)
    invalid(
      'issue_instant',
      'The LogoutRequest was issued in the future; check the clocks of this server and the IdP.',
    );
  if (issued < now - toleranceMs - (expected.maxLogoutRequestAgeSec ?? 300) * 1000)
    invalid(
      'expired',
      'The LogoutRequest is too old to be acted on; sign out at the identity provider again.',
    );
  const notOnOrAfter = attr(root, 'NotOnOrAfter');
  if (notOnOrAfter !== undefined && !(Date.parse(notOnOrAfter) + toleranceMs > now)) {
    invalid('expired', 'The LogoutRequest has expired.');
  }
  const id = attr(root, 'ID');
  const nameId = textOf(onlyChild(root, NS.saml, 'NameID', 'saml_invalid'));
  if (!id || !nameId) invalid('name_id', 'The LogoutRequest has no ID or no NameID.');
  const sessionIndexes = children(root, NS.samlp, 'SessionIndex')
    .map((e) => textOf(e) ?? '')
    .filter(Boolean);
  return relayState === undefined
    ? { id, nameId, sessionIndexes }
    : { id, nameId, sessionIndexes, relayState };
}
