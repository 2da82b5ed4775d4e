/**
 * The parts of the SAML 2.0 schemas that ssokit enforces by hand: the `Version` of messages and
 * assertions, and the children of a Response and of an Assertion, each in the schema's order. xmldom
 * validates nothing, so without these a document could carry what a schema-validating reader refuses
 * (a second Issuer, Subject or Conditions where no check looks, a signature out of its place,
 * elements of any namespace in between), and two readers could disagree about what it says.
 * Everything here is one pass over an element's children: cheap enough to run before any signature.
 */
import { printable, SsoError } from '@ssokit/core';
import type { Element, Node, Text } from '@xmldom/xmldom';
import { attr, NS } from './xml.ts';

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

function invalid(reason: string, message: string): never {
  throw new SsoError('saml_invalid', message, { details: { reason } });
}

/**
 * Requires `Version="2.0"` on a message or an assertion, exactly. Throws `saml_invalid` with
 * `details.reason` `version`.
 *
 * saml-core-2.0-os §2.3.3 (Assertion), §3.2.1 (RequestAbstractType: LogoutRequest) and §3.2.2
 * (StatusResponseType: Response, LogoutResponse): "Version [Required] ... The identifier for the
 * version of SAML defined in this specification is "2.0"." Whatever else a document claims to be,
 * ssokit reads it only as SAML 2.0.
 */
export function requireVersion20(element: Element, what: string): void {
  const version = attr(element, 'Version');
  if (version === '2.0') return;
  invalid(
    'version',
    version === undefined
      ? `The ${what} has no Version; a SAML 2.0 ${what} must say Version="2.0".`
      : `The ${what} has Version "${printable(version, 80)}"; only SAML 2.0 (Version="2.0") is accepted.`,
  );
}

/** One place in a schema's sequence: the elements it admits, and how many of them. */
interface Slot {
  /** As the messages name it. */
  label: string;
  ns: string;
  names: readonly string[];
  required: boolean;
  repeats: boolean;
}

const slot = (label: string, ns: string, names: string[], required = false, repeats = false): Slot => ({
  label,
  ns,
  names,
  required,
  repeats,
});

/**
 * ResponseType (saml-schema-protocol-2.0.xsd): StatusResponseType's `saml:Issuer?, ds:Signature?,
 * samlp:Extensions?, samlp:Status`, then `(saml:Assertion | saml:EncryptedAssertion)*`. Extensions is
 * refused before the sequence is walked (see {@link checkResponseChildren}), so it has no slot here.
 */
const RESPONSE: readonly Slot[] = [
  slot('saml:Issuer', NS.saml, ['Issuer']),
  slot('ds:Signature', NS.ds, ['Signature']),
  slot('samlp:Status', NS.samlp, ['Status'], true),
  slot('saml:Assertion', NS.saml, ['Assertion', 'EncryptedAssertion'], false, true),
];

/**
 * AssertionType (saml-schema-assertion-2.0.xsd): `saml:Issuer, ds:Signature?, saml:Subject?,
 * saml:Conditions?, saml:Advice?, (saml:Statement | saml:AuthnStatement | saml:AuthzDecisionStatement |
 * saml:AttributeStatement)*`. The statements may come in any mix and order.
 */
const ASSERTION: readonly Slot[] = [
  slot('saml:Issuer', NS.saml, ['Issuer'], true),
  slot('ds:Signature', NS.ds, ['Signature']),
  slot('saml:Subject', NS.saml, ['Subject']),
  slot('saml:Conditions', NS.saml, ['Conditions']),
  slot('saml:Advice', NS.saml, ['Advice']),
  slot(
    'saml:AttributeStatement',
    NS.saml,
    ['Statement', 'AuthnStatement', 'AuthzDecisionStatement', 'AttributeStatement'],
    false,
    true,
  ),
];

const RESPONSE_ORDER = 'Issuer, Signature, Status, then the assertions';
const ASSERTION_ORDER = 'Issuer, Signature, Subject, Conditions, Advice, then the statements';

/**
 * Requires a Response's children to be exactly what ResponseType allows, in its order, and refuses
 * `samlp:Extensions`. Throws `saml_invalid` with `details.reason` `response_children` or
 * `extensions`.
 *
 * Extensions (saml-core-2.0-os §3.2.2) hold "optional protocol message extension elements that are
 * agreed on between the communicating parties", in any non-SAML namespace (`##other`, lax). No Web
 * Browser SSO profile defines one, ssokit has agreed on none with any IdP, and no IdP it supports
 * sends one; it is also where signature-wrapping attacks hide a signed original beside an unsigned
 * forgery (the response signature, when there is one, is optional). Accepting it would mean carrying
 * content nothing reads; refusing it costs nothing real.
 */
export function checkResponseChildren(response: Element): void {
  walk(response, 'Response', RESPONSE, RESPONSE_ORDER, 'response_children', (child) => {
    if (child.namespaceURI === NS.samlp && child.localName === 'Extensions') {
      invalid(
        'extensions',
        'The Response carries samlp:Extensions; ssokit accepts no protocol extensions in a Response (none is defined for Web Browser SSO).',
      );
    }
  });
}

/**
 * Requires an Assertion's children to be exactly what AssertionType allows, in its order: unknown
 * elements (in any namespace), a second Issuer, Signature, Subject, Conditions or Advice, and any of
 * them out of place are refused. Throws `saml_invalid` with `details.reason` `assertion_children`.
 */
export function checkAssertionChildren(assertion: Element): void {
  walk(assertion, 'Assertion', ASSERTION, ASSERTION_ORDER, 'assertion_children');
}

/** Walks `parent`'s children through `slots` in order; text (other than white space) is refused. */
function walk(
  parent: Element,
  what: string,
  slots: readonly Slot[],
  order: string,
  reason: string,
  first?: (child: Element) => void,
): void {
  let at = 0;
  let seen = 0;
  let previous = '';
  for (let node: Node | null = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === TEXT || node.nodeType === CDATA) {
      const text = (node as Text).data;
      if (text.trim() !== '')
        invalid(
          reason,
          `The ${what} has text ("${printable(text.trim(), 80)}") where the schema allows only elements.`,
        );
      continue;
    }
    if (node.nodeType !== ELEMENT) continue;
    const child = node as Element;
    first?.(child);
    const fits = (s: Slot) => child.namespaceURI === s.ns && s.names.includes(child.localName ?? '');
    let index = at;
    while (index < slots.length && !fits(slots[index] as Slot)) index++;
    const name = `<${printable(child.tagName, 80)}>`;
    if (index === slots.length) {
      if (slots.slice(0, at).some(fits))
        invalid(reason, `The ${what} has ${name} after ${previous}; the schema's order is ${order}.`);
      invalid(
        reason,
        `The ${what} has ${name}${child.namespaceURI ? ` (namespace "${printable(child.namespaceURI, 80)}")` : ''}, which the SAML 2.0 schema does not allow in it; it holds ${order}.`,
      );
    }
    if (index === at && seen > 0) {
      if (!(slots[at] as Slot).repeats)
        invalid(reason, `The ${what} has more than one ${name}; the schema allows one.`);
    } else {
      for (let skipped = at + (seen > 0 ? 1 : 0); skipped < index; skipped++) {
        const missing = slots[skipped] as Slot;
        if (missing.required)
          invalid(
            reason,
            `The ${what} has no <${missing.label}> before ${name}; the schema's order is ${order}.`,
          );
      }
      at = index;
      seen = 0;
    }
    seen++;
    previous = name;
  }
  for (let rest = at + (seen > 0 ? 1 : 0); rest < slots.length; rest++) {
    const missing = slots[rest] as Slot;
    if (missing.required) invalid(reason, `The ${what} has no <${missing.label}>.`);
  }
}
