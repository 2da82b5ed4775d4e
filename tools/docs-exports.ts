/**
 * Lists every value (function, class, constant, enum) that the published packages export from their
 * public entry points, and whether its JSDoc has an `@example` with a ```ts fence (the fence is what
 * `tools/check-examples.ts` typechecks, so an example without one is never compiled). Types and
 * interfaces are left out: they have no usage of their own to show.
 *
 * Entry points come from each `packages/*\/package.json` `exports` map: every subpath with a
 * `dev-source` condition, which points at its `src/` file. Private packages are skipped.
 *
 * Usage: `node tools/docs-exports.ts` prints the values without an example and the figures per entry
 * point; `tools/docs-exports.test.ts` holds the check, with the pending list
 * `tools/docs-exports-pending.json`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One public entry point: `@ssokit/server/node` and the source file it maps to. */
export interface EntryPoint {
  /** The package's folder under packages/ (`server`). */
  folder: string;
  /** The import specifier (`@ssokit/server/node`). */
  specifier: string;
  /** The `dev-source` target, absolute. */
  file: string;
}

/** One exported value and where its documentation is. */
export interface ExportedValue {
  /** The import specifier of the entry point that exports it. */
  entry: string;
  name: string;
  /** `function`, `class`, `const` or `enum`. */
  kind: string;
  /** The file that declares it, relative to the root (`packages/core/src/roles.ts`). */
  file: string;
  /** 1-based line of its declaration. */
  line: number;
  /** Whether its JSDoc has an `@example` holding a ```ts fence. */
  hasExample: boolean;
}

/** The public entry points of every published package under `root`, by exports map. */
export function entryPoints(root: string): EntryPoint[] {
  const packagesDir = join(root, 'packages');
  const entries: EntryPoint[] = [];
  for (const folder of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      private?: boolean;
      exports?: Record<string, unknown>;
    };
    if (manifest.private) continue;
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source =
        target && typeof target === 'object' ? (target as Record<string, unknown>)['dev-source'] : undefined;
      if (typeof source !== 'string') continue;
      entries.push({
        folder,
        specifier: subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`,
        file: join(packagesDir, folder, source),
      });
    }
  }
  return entries;
}

const VALUE = ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable | ts.SymbolFlags.Enum;

/**
 * Every value exported by the given entry points, in entry-point then name order. A value two entry
 * points export is listed under each.
 */
export function exportedValues(root: string, entries: readonly EntryPoint[]): ExportedValue[] {
  const program = ts.createProgram({
    rootNames: entries.map((e) => e.file),
    options: compilerOptions(root),
  });
  const checker = program.getTypeChecker();
  const values: ExportedValue[] = [];
  for (const entry of entries) {
    const found: ExportedValue[] = [];
    const source = program.getSourceFile(entry.file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${entry.specifier}: cannot read ${relative(root, entry.file)}.`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & VALUE)) continue;
      const declaration = symbol.declarations?.find((d) => !ts.isInterfaceDeclaration(d) && !isTypeAlias(d));
      if (!declaration) continue;
      const file = declaration.getSourceFile();
      found.push({
        entry: entry.specifier,
        name: exported.name,
        kind: kindOf(symbol),
        file: relative(root, file.fileName),
        line: file.getLineAndCharacterOfPosition(declaration.getStart(file)).line + 1,
        hasExample: hasTypedExample(symbol, checker),
      });
    }
    values.push(...found.sort((a, b) => a.name.localeCompare(b.name)));
  }
  return values;
}

function isTypeAlias(node: ts.Node): boolean {
  return ts.isTypeAliasDeclaration(node);
}

function kindOf(symbol: ts.Symbol): string {
  if (symbol.flags & ts.SymbolFlags.Class) return 'class';
  if (symbol.flags & ts.SymbolFlags.Function) return 'function';
  if (symbol.flags & ts.SymbolFlags.Enum) return 'enum';
  return 'const';
}

/** An `@example` tag on any of the symbol's declarations whose text holds a ```ts fence. */
function hasTypedExample(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  return symbol
    .getJsDocTags(checker)
    .some((tag) => tag.name === 'example' && /```(ts|typescript)\b/.test(ts.displayPartsToString(tag.text)));
}

/** The root tsconfig's compiler options (the `dev-source` condition included). */
export function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  return { ...parsed.options, noEmit: true };
}

/** Totals per entry point: exported values, those with an example. */
export function figures(
  values: readonly ExportedValue[],
): Map<string, { total: number; withExample: number }> {
  const byEntry = new Map<string, { total: number; withExample: number }>();
  for (const v of values) {
    const row = byEntry.get(v.entry) ?? { total: 0, withExample: 0 };
    row.total++;
    if (v.hasExample) row.withExample++;
    byEntry.set(v.entry, row);
  }
  return byEntry;
}

/** The pending list: entry point → names of values not documented yet. */
export type PendingList = Readonly<Record<string, readonly string[]>>;

/**
 * What the check reports, one line each: a value without an example that the pending list does not
 * name (with its file and line), and a pending entry that is stale (documented now, or not exported).
 */
export function exampleProblems(values: readonly ExportedValue[], pending: PendingList): string[] {
  const problems: string[] = [];
  const isPending = (v: ExportedValue) => pending[v.entry]?.includes(v.name) ?? false;
  for (const v of values)
    if (!v.hasExample && !isPending(v))
      problems.push(
        `${v.file}:${v.line}: ${v.kind} ${v.name} (exported by ${v.entry}) has no @example with a \`\`\`ts block.`,
      );
  for (const [entry, names] of Object.entries(pending))
    for (const name of names) {
      const value = values.find((v) => v.entry === entry && v.name === name);
      if (!value)
        problems.push(
          `pending list: ${entry} exports no value "${name}" (any more): remove it from the list.`,
        );
      else if (value.hasExample)
        problems.push(`pending list: ${entry} ${name} has an @example now: remove it from the list.`);
    }
  return problems;
}

if (import.meta.main) {
  const root = join(import.meta.dirname, '..');
  const values = exportedValues(root, entryPoints(root));
  for (const v of values.filter((x) => !x.hasExample))
    console.log(`${v.file}:${v.line}: ${v.entry} ${v.kind} ${v.name} has no @example`);
  let total = 0;
  let withExample = 0;
  for (const [entry, row] of figures(values)) {
    console.log(`${entry}: ${row.withExample} of ${row.total} with an example`);
    total += row.total;
    withExample += row.withExample;
  }
  console.log(`all entry points: ${withExample} of ${total} exported values with an example`);
}
