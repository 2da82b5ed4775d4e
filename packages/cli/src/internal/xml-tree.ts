/**
 * A small reader and indenter of XML, for showing a SAMLResponse to a person, nothing else. It runs only
 * on documents that `@ssokit/saml`'s hardened parser has already accepted (`peekSamlResponse`: no DTD,
 * no entities, no processing instructions or comments, one root), and nothing it reads decides
 * anything: what is verified comes from `validateSamlResponse`.
 *
 * @module
 */

/** An element: its qualified name, local name, attributes in order, and children (elements or text). */
export interface XmlNode {
  name: string;
  local: string;
  attributes: [string, string][];
  children: (XmlNode | string)[];
}

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
      if (!open || open.name !== name) return undefined;
      continue;
    }
    const node: XmlNode = {
      name,
      local: name.includes(':') ? name.slice(name.indexOf(':') + 1) : name,
      attributes: [...(attrs ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((a) => [
        a[1] as string,
        decodeEntities(a[2] ?? a[3] ?? ''),
      ]),
      children: [],
    };
    if (parent) parent.children.push(node);
    else if (root) return undefined;
    else root = node;
    if (!selfClosing) stack.push(node);
  }
  if (stack.length > 0 || xml.slice(at).trim() !== '') return undefined;
  return root;
}

/** An attribute's value. */
export const attribute = (node: XmlNode, name: string): string | undefined =>
  node.attributes.find(([key]) => key === name)?.[1];

/** The element children with this local name. */
export const childrenNamed = (node: XmlNode, local: string): XmlNode[] =>
  node.children.filter((c): c is XmlNode => typeof c !== 'string' && c.local === local);

/** The first descendant (depth first) with this local name. */
export function find(node: XmlNode, local: string): XmlNode | undefined {
  for (const child of node.children) {
    if (typeof child === 'string') continue;
    if (child.local === local) return child;
    const deeper = find(child, local);
    if (deeper) return deeper;
  }
  return undefined;
}

/** The text inside an element (its direct text children). */
export const textOf = (node: XmlNode | undefined): string | undefined =>
  node
    ? node.children
        .filter((c): c is string => typeof c === 'string')
        .join('')
        .trim()
    : undefined;

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (text: string) => escapeText(text).replace(/"/g, '&quot;');

/** The tree indented two spaces per level; text longer than `clip` characters is cut (0: never). */
export function indentXml(node: XmlNode, clip = 0, depth = 0): string {
  const pad = '  '.repeat(depth);
  const attrs = node.attributes.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  if (node.children.length === 0) return `${pad}<${node.name}${attrs}/>`;
  const texts = node.children.every((c) => typeof c === 'string');
  if (texts) {
    let text = node.children.join('').trim();
    if (clip > 0 && text.length > clip) text = `${text.slice(0, clip)}… (${text.length} characters)`;
    return `${pad}<${node.name}${attrs}>${escapeText(text)}</${node.name}>`;
  }
  const inner = node.children
    .map((c) =>
      typeof c === 'string'
        ? c.trim()
          ? `${pad}  ${escapeText(c.trim())}`
          : ''
        : indentXml(c, clip, depth + 1),
    )
    .filter((line) => line !== '');
  return [`${pad}<${node.name}${attrs}>`, ...inner, `${pad}</${node.name}>`].join('\n');
}
