/**
 * A linear pre-scan of XML text that bounds the shape of a document before any DOM is built: how many
 * elements, how deep, how many attributes. Building xmldom's DOM costs microseconds per node, so a
 * half-megabyte message of empty elements would block the event loop for seconds before a signature
 * is even looked at (security review 1, finding 3); this scan costs one pass over the characters and
 * refuses such a document first. It does not judge well-formedness: xmldom does that afterwards.
 */

/** The largest shape of a SAML protocol message (a Response, LogoutRequest or LogoutResponse). */
export interface XmlShapeLimits {
  /** Elements in the whole document. A response with 1,000 group values has about 1,100. */
  maxElements: number;
  /** Nesting depth. A signed, encrypted response nests about 12 deep. */
  maxDepth: number;
  /** Attributes (namespace declarations included) in the whole document. */
  maxAttributes: number;
}

/** Limits for protocol messages: far above any real IdP's output, far below what costs 50 ms here. */
export const PROTOCOL_SHAPE: XmlShapeLimits = { maxElements: 5000, maxDepth: 64, maxAttributes: 10_000 };

/** What is over a limit, or undefined when the shape is within them. */
export function shapeProblem(xml: string, limits: XmlShapeLimits): string | undefined {
  let elements = 0;
  let depth = 0;
  let attributes = 0;
  let at = xml.indexOf('<');
  while (at !== -1) {
    const next = xml.charCodeAt(at + 1);
    if (next === 0x21 /* ! */ || next === 0x3f /* ? */) {
      // A comment, CDATA section or processing instruction: skip it whole (it may hold '<').
      const end = xml.startsWith('<!--', at)
        ? xml.indexOf('-->', at + 4)
        : xml.startsWith('<![CDATA[', at)
          ? xml.indexOf(']]>', at + 9)
          : xml.indexOf('>', at + 2);
      if (end === -1) return undefined; // unterminated: xmldom refuses it
      at = xml.indexOf('<', end);
      continue;
    }
    if (next === 0x2f /* / */) {
      depth--;
      at = xml.indexOf('<', at + 2);
      continue;
    }
    // A start tag: walk to its end, outside quoted attribute values (which may hold '>', never '<').
    if (++elements > limits.maxElements) return `more than ${limits.maxElements} elements`;
    let quote = 0;
    let i = at + 1;
    let selfClosing = false;
    for (; i < xml.length; i++) {
      const c = xml.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x3d /* = */) {
        if (++attributes > limits.maxAttributes) return `more than ${limits.maxAttributes} attributes`;
      } else if (c === 0x3e /* > */) {
        selfClosing = xml.charCodeAt(i - 1) === 0x2f;
        break;
      } else if (c === 0x3c /* < */) break; // malformed: xmldom refuses it
    }
    if (!selfClosing && ++depth > limits.maxDepth) return `elements nested more than ${limits.maxDepth} deep`;
    at = xml.indexOf('<', i);
  }
  return undefined;
}
