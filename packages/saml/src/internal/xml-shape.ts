/**
 * A linear pre-scan of XML text that bounds the shape of a document before any DOM is built: how many
 * nodes, how deep, how many attributes. Building xmldom's DOM costs microseconds per node, so a
 * half-megabyte message of empty elements would block the event loop for seconds before a signature
 * is even looked at (security review 1, finding 3). The scan fails closed: markup it cannot read
 * exactly (a stray quote, `<` inside a tag, an unterminated comment) is refused rather than guessed
 * at, because a guess that differs from xmldom's reading lets a document past the bounds (review 2,
 * finding 2). Comments, processing instructions and CDATA sections count as nodes.
 */

/** The largest shape of a SAML protocol message (a Response, LogoutRequest or LogoutResponse). */
export interface XmlShapeLimits {
  /** Elements, comments, processing instructions and CDATA sections in the whole document. */
  maxNodes: number;
  /** Nesting depth. A signed, encrypted response nests about 12 deep. */
  maxDepth: number;
  /** Attributes (namespace declarations included) in the whole document. */
  maxAttributes: number;
  /** Attributes on one element. A SAML element carries a handful. */
  maxAttributesPerElement: number;
}

/** Limits for protocol messages: far above any real IdP's output, far below what costs 50 ms here. */
export const PROTOCOL_SHAPE: XmlShapeLimits = {
  maxNodes: 5000,
  maxDepth: 64,
  maxAttributes: 10_000,
  maxAttributesPerElement: 64,
};

/** XML white space. */
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
/** A character of an XML name as SAML documents use them: ASCII letters, digits, `_ : . -`, or non-ASCII. */
const isName = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || // a-z
  (c >= 0x41 && c <= 0x5a) || // A-Z
  (c >= 0x30 && c <= 0x3a) || // 0-9 and ':'
  c === 0x5f || // _
  c === 0x2d || // -
  c === 0x2e || // .
  c >= 0xb7;

/** What is over a limit or unreadable, or undefined when the shape is within the limits. */
export function shapeProblem(xml: string, limits: XmlShapeLimits): string | undefined {
  let nodes = 0;
  let depth = 0;
  let attributes = 0;
  let at = xml.indexOf('<');
  while (at !== -1) {
    if (xml.startsWith('<!--', at) || xml.startsWith('<![CDATA[', at) || xml.startsWith('<?', at)) {
      const [open, close] = xml.startsWith('<!--', at)
        ? ['<!--', '-->']
        : xml.startsWith('<?', at)
          ? ['<?', '?>']
          : ['<![CDATA[', ']]>'];
      const end = xml.indexOf(close, at + open.length);
      if (end === -1) return 'unterminated markup';
      if (++nodes > limits.maxNodes) return `more than ${limits.maxNodes} nodes`;
      at = xml.indexOf('<', end + close.length);
      continue;
    }
    if (xml.charCodeAt(at + 1) === 0x21 /* ! */) return 'a declaration'; // DOCTYPE and the like
    if (xml.charCodeAt(at + 1) === 0x2f /* / */) {
      // An end tag: a name, optional space, '>'; no quotes, no '<'.
      const end = xml.indexOf('>', at + 2);
      if (end === -1 || xml.slice(at + 2, end).includes('<')) return 'unreadable markup';
      depth--;
      at = xml.indexOf('<', end + 1);
      continue;
    }
    // A start tag: its name, then name="value" pairs, then '>' or '/>'. Anything else is refused.
    if (++nodes > limits.maxNodes) return `more than ${limits.maxNodes} nodes`;
    let i = at + 1;
    const nameStart = i;
    while (i < xml.length && isName(xml.charCodeAt(i))) i++;
    if (i === nameStart) return 'unreadable markup';
    let onElement = 0;
    let selfClosing = false;
    for (;;) {
      const spaced = i;
      while (isSpace(xml.charCodeAt(i))) i++;
      const c = xml.charCodeAt(i);
      if (c === 0x3e /* > */) break;
      if (c === 0x2f /* / */ && xml.charCodeAt(i + 1) === 0x3e) {
        selfClosing = true;
        i++;
        break;
      }
      // An attribute, which must be separated from what precedes it by space.
      if (i === spaced) return 'unreadable markup';
      const attrStart = i;
      while (i < xml.length && isName(xml.charCodeAt(i))) i++;
      if (i === attrStart) return 'unreadable markup';
      while (isSpace(xml.charCodeAt(i))) i++;
      if (xml.charCodeAt(i) !== 0x3d /* = */) return 'unreadable markup';
      i++;
      while (isSpace(xml.charCodeAt(i))) i++;
      const quote = xml.charCodeAt(i);
      if (quote !== 0x22 && quote !== 0x27) return 'unreadable markup';
      const close = xml.indexOf(quote === 0x22 ? '"' : "'", i + 1);
      // XML forbids '<' in attribute values.
      if (close === -1 || xml.slice(i + 1, close).includes('<')) return 'unreadable markup';
      i = close + 1;
      if (++onElement > limits.maxAttributesPerElement)
        return `an element with more than ${limits.maxAttributesPerElement} attributes`;
      if (++attributes > limits.maxAttributes) return `more than ${limits.maxAttributes} attributes`;
    }
    if (!selfClosing && ++depth > limits.maxDepth) return `elements nested more than ${limits.maxDepth} deep`;
    at = xml.indexOf('<', i + 1);
  }
  return undefined;
}
