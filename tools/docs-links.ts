/**
 * Checks the links of the documentation as GitHub renders it: README.md, docs/**\/*.md,
 * packages/*\/README.md and examples/*\/README.md.
 *
 * - A relative link must name a file or folder of the repository (a leading `/` is the repository's
 *   root, as on GitHub); its `#anchor`, in a markdown file, must be a heading of that file (or an
 *   `<a id>` / `<a name>` in it). A line anchor (`#L10`, `#L10-L20`) is accepted on other files.
 * - A `#anchor` alone must be a heading of the file itself.
 * - An external link is not fetched (no network in the checks), but must be a well-formed http(s) URL
 *   (or `mailto:`).
 *
 * Anchors follow GitHub's slugs: the heading's text as rendered (inline code, links and emphasis
 * reduced to their text), lower-cased, punctuation removed, each space a hyphen; a repeated heading
 * gets `-1`, `-2`, ... in order. Fenced code blocks and code spans are not read.
 *
 * Usage: `node tools/docs-links.ts` prints one `file:line: target: reason` per broken link, exit code 1
 * when any; `tools/docs-links.test.ts` runs the same check.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One broken link. */
export interface LinkProblem {
  /** The markdown file, relative to the root. */
  file: string;
  /** 1-based line of the link. */
  line: number;
  target: string;
  reason: string;
}

/** One link of a markdown text. */
export interface Link {
  line: number;
  target: string;
}

/** The documentation files under `root`, relative to it, sorted. */
export function documentationFiles(root: string): string[] {
  const files: string[] = [];
  if (existsSync(join(root, 'README.md'))) files.push('README.md');
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = `${dir}/${name}`;
      // TypeDoc's output (pnpm docs:api), not committed: its copies of the docs keep their links.
      if (path === 'docs/api') continue;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith('.md')) files.push(path);
    }
  };
  if (existsSync(join(root, 'docs'))) walk('docs');
  for (const folder of ['packages', 'examples']) {
    if (!existsSync(join(root, folder))) continue;
    for (const name of readdirSync(join(root, folder)).sort())
      if (existsSync(join(root, folder, name, 'README.md'))) files.push(`${folder}/${name}/README.md`);
  }
  return files;
}

/** For each line of a markdown text, whether it belongs to a fenced code block (its fences included). */
export function fencedLines(text: string): boolean[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      const closes =
        marker?.[1]?.[0] === fence[0] && (marker?.[1]?.length ?? 0) >= fence.length && !marker?.[2]?.trim();
      if (closes) fence = undefined;
      return true;
    }
    if (marker) fence = marker[1];
    return Boolean(marker);
  });
}

/**
 * The text with fenced code blocks and code spans blanked (each character but newlines becomes a
 * space), so offsets and lines stay those of the source.
 */
export function withoutCode(text: string): string {
  const fenced = fencedLines(text);
  const lines = text.split('\n').map((line, i) => (fenced[i] ? blank(line) : line));
  // Code spans: a run of backticks up to the same run (they may wrap within a paragraph).
  return lines.join('\n').replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, (span) => blank(span));
}

function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

/** GitHub's slug of a heading's rendered text (before the `-1`, `-2` of repeated headings). */
export function githubSlug(heading: string): string {
  return headingText(heading)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** A heading's markdown reduced to the text GitHub renders. */
function headingText(markdown: string): string {
  return markdown
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images: their alt text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links: their text
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1') // reference links
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/`+/g, '') // code spans keep their text
    .replace(/\*+/g, '')
    .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, '$1') // _emphasis_, not snake_case
    .replace(/~~/g, '')
    .trim();
}

/** Every anchor a markdown text defines: its headings' slugs (repeats numbered) and HTML ids. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const add = (heading: string) => {
    const base = githubSlug(heading);
    let slug = base;
    for (let n = 1; anchors.has(slug); n++) slug = `${base}-${n}`;
    anchors.add(slug);
  };
  const fenced = fencedLines(text);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (fenced[i]) continue;
    const line = lines[i] ?? '';
    const atx = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    const previous = lines[i - 1] ?? '';
    if (atx) add(atx[1] ?? '');
    else if (i > 0 && !fenced[i - 1] && /^ {0,3}(=+|-+)[ \t]*$/.test(line) && isParagraphLine(previous))
      add(previous);
    for (const m of line.matchAll(/<a\s[^>]*\b(?:id|name)\s*=\s*["']([^"']+)["']/gi))
      if (m[1]) anchors.add(m[1]);
  }
  return anchors;
}

/** A line that can be a setext heading's text: not blank, not a list item, quote, table or heading. */
function isParagraphLine(line: string): boolean {
  return line.trim() !== '' && !/^ {0,3}(#|>|[-*+] |\d+[.)] |<)/.test(line) && !line.includes('|');
}

/**
 * The links of a markdown text, outside code: inline links and images (`[text](target)`), reference
 * definitions (`[id]: target`), autolinks (`<https://...>`) and HTML `href` / `src` attributes.
 */
export function linksOf(text: string): Link[] {
  const prose = withoutCode(text);
  const lineStarts = [0];
  for (let i = 0; i < prose.length; i++) if (prose[i] === '\n') lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
  const links: Link[] = [];
  for (const m of prose.matchAll(/\]\(/g)) {
    const target = destination(prose, (m.index ?? 0) + 2);
    if (target !== undefined) links.push({ line: lineAt(m.index ?? 0), target });
  }
  for (const m of prose.matchAll(/^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)/gm))
    links.push({ line: lineAt(m.index ?? 0), target: unbracket(m[1] ?? '') });
  for (const m of prose.matchAll(/<((?:https?|mailto):[^>\s]*)>/gi))
    links.push({ line: lineAt(m.index ?? 0), target: m[1] ?? '' });
  for (const m of prose.matchAll(/<[a-z][^>]*?\s(?:href|src)\s*=\s*["']([^"']*)["']/gi))
    links.push({ line: lineAt(m.index ?? 0), target: m[1] ?? '' });
  return links.sort((a, b) => a.line - b.line);
}

/** The link destination starting at `from` (just after `](`), parentheses balanced; undefined if none. */
function destination(text: string, from: number): string | undefined {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '<') {
    const end = text.indexOf('>', i);
    return end < 0 ? undefined : text.slice(i + 1, end);
  }
  let depth = 0;
  const start = i;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) break;
      depth--;
    } else if (c === ' ' || c === '\n' || c === '\t') break;
  }
  return text.slice(start, i);
}

function unbracket(target: string): string {
  return target.startsWith('<') && target.endsWith('>') ? target.slice(1, -1) : target;
}

/** Why an external link is not well-formed, or undefined when it is. */
export function externalProblem(target: string): string | undefined {
  if (/^mailto:/i.test(target))
    return /^mailto:[^@\s]+@[^@\s]+\.[^@\s]+$/i.test(target)
      ? undefined
      : 'not a well-formed mailto: address';
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return 'not a well-formed URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `links may be http(s), mailto or relative; "${url.protocol}" is neither`;
  if (!/^https?:\/\/[^/?#\s]/i.test(target) || !url.hostname) return 'the URL has no host';
  if (/\s/.test(target)) return 'the URL contains whitespace';
  return undefined;
}

/** Checks the links of the given files (relative to `root`; default: {@link documentationFiles}). */
export function checkLinks(root: string, files: readonly string[] = documentationFiles(root)): LinkProblem[] {
  root = resolve(root);
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (path: string) => {
    let anchors = anchorCache.get(path);
    if (!anchors) {
      anchors = anchorsOf(readFileSync(path, 'utf8'));
      anchorCache.set(path, anchors);
    }
    return anchors;
  };
  const problems: LinkProblem[] = [];
  for (const file of files) {
    const path = join(root, file);
    for (const { line, target } of linksOf(readFileSync(path, 'utf8'))) {
      const reason = linkProblem(root, path, target, anchorsIn);
      if (reason) problems.push({ file, line, target, reason });
    }
  }
  return problems;
}

function linkProblem(
  root: string,
  from: string,
  target: string,
  anchorsIn: (path: string) => Set<string>,
): string | undefined {
  if (target === '') return 'the link has no target';
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return externalProblem(target);
  if (target.startsWith('//')) return 'a protocol-relative URL: write https://';
  const hash = target.indexOf('#');
  const pathPart = hash < 0 ? target : target.slice(0, hash);
  const anchor = hash < 0 ? undefined : target.slice(hash + 1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart.split('?')[0] ?? '');
  } catch {
    return 'the path is not valid percent-encoding';
  }
  const resolved =
    decoded === '' ? from : decoded.startsWith('/') ? join(root, decoded) : resolve(dirname(from), decoded);
  if (resolved !== root && !resolved.startsWith(root + sep)) return 'the link leaves the repository';
  if (!existsSync(resolved)) return `no such file: ${relative(root, resolved)}`;
  if (anchor === undefined) return undefined;
  if (statSync(resolved).isDirectory()) return 'an anchor on a folder';
  if (!resolved.endsWith('.md'))
    return /^L\d+(-L\d+)?$/.test(anchor)
      ? undefined
      : 'on a file that is not markdown, only #L<line> anchors';
  const wanted = decodeURIComponent(anchor);
  if (anchorsIn(resolved).has(wanted)) return undefined;
  const near = [...anchorsIn(resolved)].find((a) => a.toLowerCase() === wanted.toLowerCase());
  return `no heading with the anchor #${wanted} in ${relative(root, resolved)}${near ? ` (did you mean #${near}?)` : ''}`;
}

/** `file:line: target: reason`. */
export function formatProblem(p: LinkProblem): string {
  return `${p.file}:${p.line}: ${p.target}: ${p.reason}`;
}

if (import.meta.main) {
  const root = join(import.meta.dirname, '..');
  const files = documentationFiles(root);
  const problems = checkLinks(root, files);
  for (const p of problems) console.error(formatProblem(p));
  if (problems.length > 0) {
    console.error(`docs-links: ${problems.length} broken links in ${files.length} files`);
    process.exit(1);
  }
  console.log(`docs-links: ok, ${files.length} files`);
}
