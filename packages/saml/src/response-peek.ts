/**
 * A look at a SAML Response before it is validated, to route it (which connection an unsolicited
 * response is for) or to preview it (Test Provider): read with the same hardened parser as
 * `validateSamlResponse`, and trusted for nothing.
 *
 * @module
 */
import { MAX_SAML_RESPONSE_LENGTH, readPostedResponse } from './internal/post-binding.ts';
import { attr, children, NS, onlyChild, textOf, type XmlElement } from './internal/xml.ts';

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

/** Options of {@link peekSamlResponse}. */
export interface PeekSamlResponseOptions {
  /**
   * The largest SAMLResponse read, in base64 characters. Default: 524288 (512 KiB), the bound of
   * `validateSamlResponse`, so that nothing the validator would refuse for its size is read here.
   */
  maxLength?: number;
}

/**
 * What a SAML Response says about itself, unverified: its signature has not been checked, so none of
 * these values may decide who logs in. Each is `undefined` when the document does not carry it.
 */
export interface SamlResponsePeek {
  /** The Response's `ID`. */
  id?: string;
  /** The Response's `Issuer`, else the (plain) assertion's. */
  issuer?: string;
  /**
   * The Response's `InResponseTo`, else the one of the (plain) assertion's bearer
   * `SubjectConfirmationData`. Absent on an unsolicited (IdP-initiated) response.
   */
  inResponseTo?: string;
  /** The Response's `IssueInstant`; `undefined` when absent or not a time. */
  issueInstant?: Date;
  /** The Response's `Destination`: the ACS URL the IdP addressed. */
  destination?: string;
  /**
   * Every `Audience` of the (plain) assertion's `AudienceRestriction`s, in document order: the SP
   * entityIDs it is meant for. Empty when the assertion is encrypted or names none.
   */
  audiences: string[];
  /** Whether the assertion is an `EncryptedAssertion` (its issuer, audiences and InResponseTo are then unknown here). */
  encryptedAssertion: boolean;
}

/**
 * Reads the routing facts of a base64 `SAMLResponse` (HTTP-POST binding) **without authenticating
 * anything**: the issuer, `InResponseTo`, `IssueInstant`, ID, `Destination` and audiences, as the
 * document claims them. It is for routing (which connection an unsolicited response is for) and
 * previews only; the real checks, the signature first, are `validateSamlResponse`'s, and a
 * response must still pass them with the connection chosen from this peek.
 *
 * The input is bounded (`maxLength`), strict base64, and parsed with the package's hardened parser
 * (no DTD or entities, no processing instructions or comments, one root, no duplicate IDs), exactly
 * as the validator reads it; no regular expression runs over the XML. "The assertion" is the one
 * direct `Assertion` child of the Response; when there are several, none is read (the validator
 * refuses such a response anyway). The validator's strict reading of the form (`Version="2.0"`, the
 * schema's children in order, no Extensions) is not applied here, so that a preview can still show a
 * response the validator will refuse for it. Malformed input throws `saml_invalid` with
 * `details.reason` (`empty`, `size`, `base64`, `dtd`, `malformed`, `roots`, `pi`, `comment`,
 * `duplicate_id`, `duplicate_element`, `not_response`).
 *
 * @example
 * ```ts
 * import { peekSamlResponse } from '@ssokit/saml';
 *
 * const peek = peekSamlResponse(form.get('SAMLResponse') ?? '');
 * const unsolicited = peek.inResponseTo === undefined;
 * const candidates = connections.filter(
 *   (c) => c.saml.allowIdpInitiated && peek.audiences.includes(c.saml.spEntityId),
 * );
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf (§3.2.2, StatusResponseType: ID, InResponseTo, IssueInstant, Destination, Issuer; §2.5.1.4, AudienceRestriction)
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf (§4.1.5, unsolicited responses)
 */
export function peekSamlResponse(
  samlResponse: string,
  options: PeekSamlResponseOptions = {},
): SamlResponsePeek {
  return peekOf(readPostedResponse(samlResponse, options.maxLength ?? MAX_SAML_RESPONSE_LENGTH));
}

/** The routing facts of a parsed Response (also what `validateSamlResponse` hands a resolver). */
export function peekOf(root: XmlElement): SamlResponsePeek {
  const plain = children(root, NS.saml, 'Assertion');
  const assertion = plain.length === 1 ? plain[0] : undefined;
  const peek: SamlResponsePeek = {
    audiences: assertion ? audiencesOf(assertion) : [],
    encryptedAssertion: children(root, NS.saml, 'EncryptedAssertion').length > 0,
  };
  const id = attr(root, 'ID');
  if (id) peek.id = id;
  const issuer =
    textOf(onlyChild(root, NS.saml, 'Issuer', 'saml_invalid')) ||
    (assertion && textOf(onlyChild(assertion, NS.saml, 'Issuer', 'saml_invalid')));
  if (issuer) peek.issuer = issuer;
  const inResponseTo = attr(root, 'InResponseTo') ?? (assertion && bearerInResponseTo(assertion));
  if (inResponseTo !== undefined) peek.inResponseTo = inResponseTo;
  const instant = Date.parse(attr(root, 'IssueInstant') ?? '');
  if (!Number.isNaN(instant)) peek.issueInstant = new Date(instant);
  const destination = attr(root, 'Destination');
  if (destination !== undefined) peek.destination = destination;
  return peek;
}

function audiencesOf(assertion: XmlElement): string[] {
  const conditions = onlyChild(assertion, NS.saml, 'Conditions', 'saml_invalid');
  if (!conditions) return [];
  return children(conditions, NS.saml, 'AudienceRestriction')
    .flatMap((restriction) => children(restriction, NS.saml, 'Audience'))
    .map((audience) => textOf(audience))
    .filter((audience): audience is string => audience !== undefined && audience !== '');
}

function bearerInResponseTo(assertion: XmlElement): string | undefined {
  const subject = onlyChild(assertion, NS.saml, 'Subject', 'saml_invalid');
  for (const confirmation of subject ? children(subject, NS.saml, 'SubjectConfirmation') : []) {
    if (attr(confirmation, 'Method') !== BEARER) continue;
    const data = onlyChild(confirmation, NS.saml, 'SubjectConfirmationData', 'saml_invalid');
    const value = data && attr(data, 'InResponseTo');
    if (value !== undefined) return value;
  }
  return undefined;
}
