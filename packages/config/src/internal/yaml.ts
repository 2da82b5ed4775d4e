/**
 * The only module that parses YAML: a document plus a way to turn a path into a line and column.
 *
 * `yaml` is loaded on the first parse, not at import (about 20 ms of start-up an app that never reads
 * a file should not pay). The loaders are synchronous, so it is loaded with `require`, not `import()`.
 */
import { createRequire } from 'node:module';
import type { ConfigIssue } from '@ssokit/core';
import type { Document, Node, Pair, Scalar, YAMLMap } from 'yaml';

let yamlModule: typeof import('yaml') | undefined;

export type Path = readonly (string | number)[];

export interface ParsedYaml {
  value: unknown;
  /** Problems YAML itself found (tabs, duplicate keys, bad syntax), with positions. */
  issues: ConfigIssue[];
  /** The line and column of the value at `path` (or of its key, with `key: true`), 1-based. */
  position(path: Path, options?: { key?: boolean }): { line?: number; column?: number };
}

export function parseYaml(text: string): ParsedYaml {
  // A literal specifier, so bundlers that follow createRequire(import.meta.url) still see it.
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const { isMap, LineCounter, parseDocument } = yamlModule;
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const issues: ConfigIssue[] = doc.errors.map((error) => {
    const where = error.linePos?.[0]
      ? { line: error.linePos[0].line, column: error.linePos[0].col }
      : at(error.pos?.[0]);
    const tab = error.code === 'TAB_AS_INDENT' || /tab/i.test(error.message);
    const message = tab
      ? 'the indentation uses a tab; YAML indents with spaces only: replace the tab with spaces.'
      : error.code === 'DUPLICATE_KEY'
        ? 'this key appears twice in the same section; keep one.'
        : `the file cannot be read as YAML (or JSON): ${error.message.split('\n')[0]}`;
    return { path: '', message, ...where };
  });
  return {
    value: issues.length > 0 ? undefined : doc.toJS(),
    issues,
    position(path, options = {}) {
      if (options.key && path.length > 0) {
        const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
        if (isMap(parent)) {
          const pair = (parent as YAMLMap).items.find(
            (item: Pair) => (item.key as Scalar | null)?.value === path[path.length - 1],
          );
          const keyNode = pair?.key as Node | undefined;
          if (keyNode?.range) return at(keyNode.range[0]);
        }
      }
      const node = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as Node | undefined;
      if (node?.range) return at(node.range[0]);
      // A missing value: point at its closest existing parent.
      return path.length > 0 ? this.position(path.slice(0, -1), { key: true }) : {};
    },
  };
}
