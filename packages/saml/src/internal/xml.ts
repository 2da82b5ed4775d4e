/**
 * The only module that parses XML. Everything that reaches the rest of the package went through
 * `parseXml`: no DTD, no entities, no processing instructions, one root element, no duplicate IDs,
 * and (for protocol messages) no comments inside the root, so that no claim can be read from a
 * document an attacker shaped with those tools.
 */

import { SsoError, type SsoErrorCode } from '@ssokit/core';
import type { Document, Element, Node, ProcessingInstruction, Text } from '@xmldom/xmldom';
import { DOMParser } from '@xmldom/xmldom';
import { PROTOCOL_SHAPE, shapeProblem } from './xml-shape.ts';

export const NS = {
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
} as const;

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
const PI = 7;
const COMMENT = 8;

/** A parsed document's root element (xmldom's DOM, through the standard interfaces). */
export type XmlElement = Element;

export interface ParseOptions {
  /** `protocol` messages also refuse comments inside the root element. */
  kind: 'metadata' | 'protocol';
  /** The largest document accepted, in characters. */
  maxLength: number;
  /** The code of every refusal. */
  code: SsoErrorCode;
}

/**
 * Parses XML text into its root element, refusing everything a SAML document has no business with.
 * A leading BOM and comments before the root are fine (Entra, Auth0 and samltest metadata have them).
 */
export function parseXml(text: string, options: ParseOptions): XmlElement {
  const refuse = (reason: string, message: string): never => {
    throw new SsoError(options.code, message, { details: { reason } });
  };
  if (typeof text !== 'string' || text.length === 0) refuse('empty', 'The XML document is empty.');
  if (text.length > options.maxLength)
    refuse('size', `The XML document is larger than ${options.maxLength} characters.`);
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Refused before parsing: a DTD can define entities (billion laughs, external entities).
  if (/<!DOCTYPE/i.test(source) || /<!ENTITY/i.test(source))
    refuse('dtd', 'The XML document has a DTD or entity declarations, which SAML never needs.');
  // Bounded before parsing: a DOM costs per node, and protocol messages come from anyone.
  const shape = options.kind === 'protocol' ? shapeProblem(source, PROTOCOL_SHAPE) : undefined;
  if (shape !== undefined) {
    // Markup the scan cannot read is not well-formed for it: refused as malformed, like the parser would.
    if (/^(?:unreadable|unterminated|a declaration)/.test(shape))
      refuse('malformed', `The XML document is not well-formed (${shape}).`);
    refuse('shape', `The SAML message has ${shape}; no identity provider sends that.`);
  }

  let problem: string | undefined;
  let doc: Document;
  try {
    // Typed by hand: when samlify's @xmldom/xmldom 0.8 declarations share the program (the dev-idp),
    // TypeScript reads this constructor's options as 0.8's, which had no onError.
    const options = {
      onError: (level: string, message: string) => {
        if (level !== 'warning') problem ??= String(message).split('\n')[0];
      },
    } as ConstructorParameters<typeof DOMParser>[0];
    doc = new DOMParser(options).parseFromString(source, 'text/xml') as unknown as Document;
  } catch (error) {
    problem ??= error instanceof Error ? error.message.split('\n')[0] : 'unparseable';
    doc = undefined as never;
  }
  if (problem !== undefined || !doc)
    refuse('malformed', `The XML document is not well-formed (${clip(problem ?? 'unparseable')}).`);

  let root: Element | undefined;
  for (let node = doc.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === ELEMENT) {
      if (root) refuse('roots', 'The XML document has several root elements.');
      root = node as Element;
    } else if (node.nodeType === PI && (node as ProcessingInstruction).target !== 'xml') {
      refuse('pi', 'The XML document has a processing instruction.');
    } else if (node.nodeType === TEXT && (node as Text).data.trim() !== '') {
      refuse('malformed', 'The XML document has text outside its root element.');
    }
  }
  if (!root) return refuse('malformed', 'The XML document has no root element.');

  const ids = new Set<string>();
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.nodeType === PI) refuse('pi', 'The XML document has a processing instruction.');
    if (node.nodeType === COMMENT && options.kind === 'protocol')
      refuse('comment', 'The SAML message has a comment inside it.');
    if (node.nodeType !== ELEMENT) continue;
    const element = node as Element;
    for (const name of ['ID', 'Id', 'id']) {
      const value = element.getAttribute(name);
      if (value === null || value === '') continue;
      if (ids.has(value))
        refuse('duplicate_id', `The XML document has two elements with the ID "${clip(value)}".`);
      ids.add(value);
    }
    for (let child = element.firstChild; child; child = child.nextSibling) stack.push(child);
  }
  return root;
}

/**
 * Parses a SAML protocol message (a Response, LogoutRequest or LogoutResponse): {@link parseXml} with
 * the protocol refusals (comments inside the root too), each one `saml_invalid`.
 */
export function parseSamlMessage(text: string, maxLength: number): XmlElement {
  return parseXml(text, { kind: 'protocol', maxLength, code: 'saml_invalid' });
}

/** Whether `element` is `{ns}localName`. */
export function is(element: Node | null | undefined, ns: string, localName: string): element is Element {
  return (
    !!element &&
    element.nodeType === ELEMENT &&
    (element as Element).namespaceURI === ns &&
    (element as Element).localName === localName
  );
}

/** The element children of `element` named `{ns}localName`, in order. */
export function children(element: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  for (let child = element.firstChild; child; child = child.nextSibling)
    if (is(child, ns, localName)) out.push(child);
  return out;
}

/** All element children. */
export function elementChildren(element: Element): Element[] {
  const out: Element[] = [];
  for (let child = element.firstChild; child; child = child.nextSibling)
    if (child.nodeType === ELEMENT) out.push(child as Element);
  return out;
}

/** The one child `{ns}localName`, `undefined` when there is none; two or more is a refusal. */
export function onlyChild(
  element: Element,
  ns: string,
  localName: string,
  code: SsoErrorCode,
): Element | undefined {
  const found = children(element, ns, localName);
  if (found.length > 1)
    throw new SsoError(
      code,
      `<${element.localName}> has ${found.length} <${localName}> elements; exactly one is allowed.`,
      { details: { reason: 'duplicate_element', element: localName } },
    );
  return found[0];
}

/** The descendants named `{ns}localName`, in document order. */
export function descendants(element: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  const walk = (node: Element) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType !== ELEMENT) continue;
      if (is(child, ns, localName)) out.push(child as Element);
      walk(child as Element);
    }
  };
  walk(element);
  return out;
}

/**
 * The text of an element: its text and CDATA children joined, trimmed. An element with element
 * children has no text value (`undefined`), so markup cannot be smuggled into a value.
 */
export function textOf(element: Element | undefined): string | undefined {
  if (!element) return undefined;
  let text = '';
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === TEXT || child.nodeType === CDATA) text += (child as Text).data;
    else if (child.nodeType === ELEMENT) return undefined;
  }
  return text.trim();
}

/** An attribute's value, or `undefined` when absent. */
export function attr(element: Element, name: string): string | undefined {
  return element.hasAttribute(name) ? (element.getAttribute(name) as string) : undefined;
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
