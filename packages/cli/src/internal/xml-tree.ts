/**
 * A small reader and indenter of XML, for showing a SAMLResponse to a person, nothing else. It runs only
 * on documents that `@ssokit/saml`'s hardened parser has already accepted (`peekSamlResponse`: no DTD,
 * no entities, no processing instructions or comments, one root), and nothing it reads decides
 * anything: what is verified comes from `validateSamlResponse`. Elements are found by namespace and
 * place ({@link childrenOf}), never by a search of the whole tree, so a `NameID` hidden in a
 * signature's `KeyInfo` is never taken for the subject.
 *
 * @module
 */

/**
 * An element: its qualified name, local name, namespace (resolved from the `xmlns` declarations in
 * scope), attributes in order, and children (elements or text).
 */
export interface XmlNode {
  name: string;
  local: string;
  ns: string | undefined;
  attributes: [string, string][];
  children: (XmlNode | string)[];
}

/** The namespaces a SAML Response uses. */
export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Replaces the predefined entities and character references. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref] ?? whole;
  });
}

/** Reads `xml` into a tree; `undefined` when it is not the simple, well-formed XML expected. */
export function readXml(xml: string): XmlNode | undefined {
  const stack: XmlNode[] = [];
  const scopes: Map<string, string>[] = [new Map([['xml', 'http://www.w3.org/XML/1998/namespace']])];
  let root: XmlNode | undefined;
  const tag =
    /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g;
  let at = 0;
  for (let m = tag.exec(xml); m !== null; m = tag.exec(xml)) {
    const text = xml.slice(at, m.index);
    at = tag.lastIndex;
    const parent = stack.at(-1);
    if (text.trim() !== '') {
      if (!parent || text.includes('<')) return undefined;
      parent.children.push(decodeEntities(text));
    }
    if (m[5] !== undefined) {
      if (!parent) return undefined;
      parent.children.push(m[5]);
      continue;
    }
    const [, closing, name, attrs, selfClosing] = m;
    if (name === undefined) continue; // a declaration or a comment
    if (closing) {
      const open = stack.pop();
      scopes.pop();
      if (!open || open.name !== name) return undefined;
      continue;
    }
    const attributes = [...(attrs ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map(
      (a): [string, string] => [a[1] as string, decodeEntities(a[2] ?? a[3] ?? '')],
    );
    const scope = new Map(scopes.at(-1));
    for (const [key, value] of attributes)
      if (key === 'xmlns') scope.set('', value);
      else if (key.startsWith('xmlns:')) scope.set(key.slice(6), value);
    const colon = name.indexOf(':');
    const node: XmlNode = {
      name,
      local: colon >= 0 ? name.slice(colon + 1) : name,
      ns: scope.get(colon >= 0 ? name.slice(0, colon) : '') || undefined,
      attributes,
      children: [],
    };
    if (parent) parent.children.push(node);
    else if (root) return undefined;
    else root = node;
    if (!selfClosing) {
      stack.push(node);
      scopes.push(scope);
    }
  }
  if (stack.length > 0 || xml.slice(at).trim() !== '') return undefined;
  return root;
}

/** An attribute's value. */
export const attribute = (node: XmlNode, name: string): string | undefined =>
  node.attributes.find(([key]) => key === name)?.[1];

/** The element children of `node` in namespace `ns` with this local name, in document order. */
export const childrenOf = (node: XmlNode | undefined, ns: string, local: string): XmlNode[] =>
  node
    ? node.children.filter((c): c is XmlNode => typeof c !== 'string' && c.ns === ns && c.local === local)
    : [];

/**
 * The element at `path` below `node`: each step a `[namespace, local name]` of a direct child, the
 * first such child at each step.
 */
export function at(node: XmlNode | undefined, ...path: (readonly [string, string])[]): XmlNode | undefined {
  let here = node;
  for (const [ns, local] of path) here = childrenOf(here, ns, local)[0];
  return here;
}

/** The text inside an element (its direct text children). */
export const textOf = (node: XmlNode | undefined): string | undefined =>
  node
    ? node.children
        .filter((c): c is string => typeof c === 'string')
        .join('')
        .trim()
    : undefined;

/** Characters shown as character references: C0 controls but tab and line feed, DEL, C1, bidi controls, U+2028/9. */
const HIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to escape.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
const escapeText = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(HIDDEN, (c) => `&#x${(c.codePointAt(0) as number).toString(16).toUpperCase()};`);
const escapeAttr = (text: string) =>
  escapeText(text)
    .replace(/"/g, '&quot;')
    .replace(/[\t\n]/g, (c) => (c === '\t' ? '&#x9;' : '&#xA;'));

/** Text that runs over several lines, its later lines indented under `pad`, so none starts a line of its own. */
const reindent = (text: string, pad: string) => text.replace(/\n[ \t]*/g, `\n${pad}  `);

/** The tree indented two spaces per level; text longer than `clip` characters is cut (0: never). */
export function indentXml(node: XmlNode, clip = 0, depth = 0): string {
  const pad = '  '.repeat(depth);
  const attrs = node.attributes.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  if (node.children.length === 0) return `${pad}<${node.name}${attrs}/>`;
  const texts = node.children.every((c) => typeof c === 'string');
  if (texts) {
    let text = node.children.join('').trim();
    if (clip > 0 && text.length > clip) text = `${text.slice(0, clip)}… (${text.length} characters)`;
    return `${pad}<${node.name}${attrs}>${reindent(escapeText(text), pad)}</${node.name}>`;
  }
  const inner = node.children
    .map((c) =>
      typeof c === 'string'
        ? c.trim()
          ? `${pad}  ${reindent(escapeText(c.trim()), pad)}`
          : ''
        : indentXml(c, clip, depth + 1),
    )
    .filter((line) => line !== '');
  return [`${pad}<${node.name}${attrs}>`, ...inner, `${pad}</${node.name}>`].join('\n');
}
