/**
 * The console's one DOM helper: elements built from a tag, attributes and children, with text always
 * set as text (never parsed as HTML), so nothing an IdP or an admin typed can become markup.
 *
 * @module
 */
import { text } from './text.ts';

type Child = Node | string | number | false | null | undefined;
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** `h('button', { type: 'button', onclick }, 'Save')`: attributes `on*` are listeners, `false` omits. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children, skipping empty ones; strings become text nodes. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** The console's title (the `title` option), read once: each page puts its own name before it. */
const baseTitle = document.title || text.title;

/** The window's title for a page: `Connections · Identity providers`. */
export function setTitle(page: string): void {
  document.title = text.pageTitle(page, baseTitle);
}
