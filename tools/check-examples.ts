/**
 * Typechecks every code example a reader sees: each ```ts / ```typescript fence inside a JSDoc comment of
 * `packages/*\/src/**\/*.ts` (tests excluded) and in `README.md`, `docs/**\/*.md`, `packages/*\/README.md` and
 * `examples/*\/README.md`.
 *
 * Each block becomes an in-memory ES module beside the file it was read from (nothing is written to
 * disk), and one TypeScript program with the root tsconfig's options checks them all. `@ssokit/*` imports
 * resolve through each package's exports map with the `dev-source` condition, so a wrong entry point or
 * export name fails as it would in an app; a framework a folder cannot see (`koa` from docs/) resolves
 * from the workspace package that has it.
 *
 * Examples are fragments: they use names the prose introduces (`sso`, `request`, `app`...). A first pass
 * finds those free names ("Cannot find name"); the second checks the blocks with each one declared:
 * - a name a package exports (`completeLogin`), or the documented file itself, is imported from there,
 *   so the call is checked against the real signature;
 * - a conventional name (`sso`, `storage`, `connection`, `request`, `metadata`, `idp`: PREREQUISITES)
 *   gets its real type, so `storage.users` where the API has `storage.login` fails;
 * - any other name is `any`, and a callback handed to such a value is not an implicit-any error;
 * - except a misspelling (`claim` where the block declares `claims`, `createJwkCache` where a package
 *   exports `createJwksCache`), which stays undeclared and is reported.
 * Also accepted, as a reader reads them: imports of the reader's own modules (`./my-storage.ts`,
 * `@/lib/sso`) are `any`; a block that `return`s is a handler's body; an object literal with a `// ...`
 * comment may leave required properties out.
 *
 * A block that is not meant to compile opts out with its fence (```ts nocheck) or a first line
 * `// not compiled: <reason>`. Keep that for pseudo-code.
 *
 * Usage: `node tools/check-examples.ts [root] [--verbose]` (`--verbose` prints what each block assumes).
 * One line per error, `file:line (block N, fence at line L): TSxxxx: message`; exit code 1 when any.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import ts from 'typescript';

/** One fenced block, where it was found and the code inside it. */
export interface ExampleBlock {
  /** The file the block was read from, relative to the root (`docs/oidc.md`). */
  file: string;
  /** 1-based line of the opening fence in `file`. */
  line: number;
  /** 1-based position of the block among the ```ts blocks of `file` (skipped ones included). */
  index: number;
  /** The block's code, one line per source line (JSDoc `*` prefixes removed). */
  code: string;
  /** Why the block is not compiled, when it opted out. */
  skipped?: string;
}

export interface ExampleFailure {
  file: string;
  /** The line in `file` the error points at. */
  line: number;
  /** The line of the block's opening fence. */
  blockLine: number;
  index: number;
  code: number;
  message: string;
}

export interface ExampleReport {
  blocks: ExampleBlock[];
  failures: ExampleFailure[];
  /** What each block was compiled with for its free names (`--verbose` prints it). */
  assumed: Array<{ file: string; index: number; declarations: string[] }>;
}

/** An input text: a markdown file or a TypeScript source file, by its path relative to the root. */
export interface ExampleSource {
  file: string;
  text: string;
}

/**
 * Free names that stand for the same thing in every example, with the type they have in an app. A block
 * that means something else by one of them declares it itself.
 */
export const PREREQUISITES: Readonly<Record<string, string>> = {
  sso: "import('@ssokit/server').Sso",
  storage: "import('@ssokit/storage').SsoStorage",
  request: 'Request',
  // A connection of the protocol the example is about, with the settings it uses: `connection.oidc` and
  // `connection.saml` both type, a misspelt setting does not.
  connection:
    "import('@ssokit/core').Connection & { oidc: Required<import('@ssokit/core').OidcSettings>; saml: Required<import('@ssokit/core').SamlSettings> }",
  metadata: "import('@ssokit/oidc').ProviderMetadata",
  idp: "import('@ssokit/saml').IdpMetadata",
};

const FENCE_LANGUAGES = new Set(['ts', 'typescript']);
const NOT_COMPILED = /^\s*\/\/\s*not compiled:\s*(\S.*)$/;

/** The ```ts / ```typescript blocks of a markdown text. */
export function markdownBlocks(file: string, text: string): ExampleBlock[] {
  return fencedBlocks(file, text.split('\n'), (line) => line);
}

/** The ```ts / ```typescript blocks inside the JSDoc comments of a TypeScript source text. */
export function sourceBlocks(file: string, text: string): ExampleBlock[] {
  const lines = text.split('\n');
  const inDoc: boolean[] = [];
  let open = false;
  for (const line of lines) {
    if (!open && /^\s*\/\*\*(?!\/)/.test(line)) open = !line.includes('*/', line.indexOf('/**') + 3);
    else if (open && line.includes('*/')) {
      inDoc.push(false);
      open = false;
      continue;
    }
    inDoc.push(open);
  }
  // Outside JSDoc a line is blanked, so fences in ordinary comments or strings are never seen.
  return fencedBlocks(file, lines, (line, i) => (inDoc[i] ? line.replace(/^\s*\*(?: |$)/, '') : ''));
}

function fencedBlocks(
  file: string,
  lines: string[],
  content: (line: string, index: number) => string,
): ExampleBlock[] {
  const blocks: ExampleBlock[] = [];
  let index = 0;
  for (let i = 0; i < lines.length; i++) {
    const opening = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)(.*)$/.exec(content(lines[i] ?? '', i));
    if (!opening) continue;
    const [, indent = '', fence = '```', language = '', rest = ''] = opening;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = content(lines[j] ?? '', j);
      const trimmed = line.trim();
      if (trimmed.startsWith(fence) && trimmed.slice(fence.length).replace(/[`~]/g, '').trim() === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    if (FENCE_LANGUAGES.has(language.toLowerCase())) {
      const code = body.join('\n');
      const block: ExampleBlock = { file, line: i + 1, index: ++index, code };
      const reason = NOT_COMPILED.exec(body.find((l) => l.trim() !== '') ?? '');
      if (/\bnocheck\b/.test(rest)) block.skipped = 'nocheck';
      else if (reason) block.skipped = reason[1];
      blocks.push(block);
    }
    i = j;
  }
  return blocks;
}

/** Every file whose examples are checked, relative to `root`. */
export function exampleFiles(root: string): string[] {
  const files: string[] = [];
  const list = (dir: string) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir)).sort() : []);
  if (existsSync(join(root, 'README.md'))) files.push('README.md');
  // docs/ and its folders (the provider guides), but not TypeDoc's output (docs/api, not committed).
  const docs = (dir: string) => {
    for (const name of list(dir)) {
      const path = `${dir}/${name}`;
      if (path === 'docs/api') continue;
      if (statSync(join(root, path)).isDirectory()) docs(path);
      else if (name.endsWith('.md')) files.push(path);
    }
  };
  docs('docs');
  for (const folder of ['packages', 'examples'])
    for (const name of list(folder))
      if (existsSync(join(root, folder, name, 'README.md'))) files.push(`${folder}/${name}/README.md`);
  const walk = (dir: string) => {
    for (const name of list(dir)) {
      const path = `${dir}/${name}`;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !/\.test(-d)?\.ts$/.test(name))
        files.push(path);
    }
  };
  for (const name of list('packages')) walk(`packages/${name}/src`);
  return files;
}

/** Reads every example file under `root` and checks its blocks. */
export function checkExamples(root: string): ExampleReport {
  const sources = exampleFiles(root).map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));
  return checkExampleSources(root, sources);
}

interface Virtual {
  block: ExampleBlock;
  /** Where the block's module lives (in memory only). */
  path: string;
  /** The block's code as compiled, before the declarations of its free names are appended. */
  code: string;
  /** The declarations appended for its free names. */
  assumed: string[];
}

/**
 * Checks the blocks of the given texts. `root` is a checkout of the monorepo: its compiler options, its
 * packages and their dependencies are what the examples compile against.
 */
export function checkExampleSources(root: string, sources: readonly ExampleSource[]): ExampleReport {
  root = resolve(root);
  const blocks = sources.flatMap(({ file, text }) =>
    file.endsWith('.md') ? markdownBlocks(file, text) : sourceBlocks(file, text),
  );
  const options = compilerOptions(root);
  const packageDirs = workspacePackages(root);

  // Each block is a module beside the file it was read from, so bare imports resolve as they would there.
  const virtuals: Virtual[] = blocks
    .filter((block) => !block.skipped)
    .map((block) => ({
      block,
      path: join(root, `${block.file}.example-${block.index}.mts`),
      code: compiledForm(block.code),
      assumed: [],
    }));
  const texts = new Map(virtuals.map((v) => [v.path, v.code]));
  // One more module re-exports every `@ssokit/*` entry point: where each exported name comes from.
  const exportsIndex = join(root, '__ssokit_examples_exports__.mts');
  texts.set(
    exportsIndex,
    [...packageDirs]
      .filter(([name]) => name.startsWith('@ssokit/'))
      .flatMap(([name, dir]) => entryPoints(dir).map((entry) => `${name}${entry}`))
      .map((specifier, i) => `export * as _${i} from '${specifier}';`)
      .join('\n'),
  );
  // The source files whose JSDoc has blocks: a block may use what its own file exports.
  const documented = [...new Set(virtuals.map((v) => v.block.file))]
    .filter((file) => !file.endsWith('.md') && existsSync(join(root, file)))
    .map((file) => join(root, file));
  const host = createHost(root, options, texts, packageDirs);
  const rootNames = [...texts.keys(), ...documented];

  // Pass 1: which names does each block use without declaring or importing them?
  const first = ts.createProgram({ rootNames, options, host });
  const fromPackages = exportedNames(first, exportsIndex);
  const exportNames = [...fromPackages.keys()];
  const firstChecker = first.getTypeChecker();
  const fromOwnFile = (file: string) => {
    const source = first.getSourceFile(join(root, file));
    const symbol = source && firstChecker.getSymbolAtLocation(source);
    return new Set(symbol ? firstChecker.getExportsOfModule(symbol).map((s) => s.name) : []);
  };
  for (const v of virtuals) {
    const file = first.getSourceFile(v.path);
    if (!file) continue;
    const values = new Set<string>();
    const types = new Set<string>();
    const declared = declaredNames(file);
    for (const d of first.getSemanticDiagnostics(file)) {
      if (!FREE_NAME.has(d.code) || d.start === undefined) continue;
      const name = file.text.slice(d.start, d.start + (d.length ?? 0));
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) continue;
      // `claim` where the block declares `claims`, or `createJwkCache` where a package exports
      // `createJwksCache`, is a typo, not a free name: it is left undeclared, so it is reported.
      if (declared.some((other) => isTypo(name, other))) continue;
      if (
        !Object.hasOwn(PREREQUISITES, name) &&
        name.length >= 6 &&
        exportNames.some((other) => isTypo(name, other, true))
      )
        continue;
      (isTypePosition(file, d.start) ? types : values).add(name);
    }
    if (values.size === 0 && types.size === 0) continue;
    const imported = [...v.code.matchAll(/from\s+['"](@ssokit\/[^'"]+)['"]/g)].map((m) => m[1] ?? '');
    const own = v.block.file.endsWith('.md') ? new Set<string>() : fromOwnFile(v.block.file);
    for (const name of new Set([...values, ...types])) {
      const from =
        entryPointFor(name, fromPackages, v.block.file, imported) ??
        (own.has(name) ? `./${basename(v.block.file)}` : undefined);
      if (from) v.assumed.push(`import ${values.has(name) ? '' : 'type '}{ ${name} } from '${from}';`);
      else {
        if (values.has(name)) v.assumed.push(`declare const ${name}: ${prerequisite(name)};`);
        if (types.has(name)) v.assumed.push(`type ${name} = any;`);
      }
    }
    // Appended, not prepended: the block's line numbers stay those of the source.
    texts.set(v.path, `${v.code}${v.assumed.join('\n')}\n`);
  }

  // Pass 2: the blocks with their free names declared; every error left is the example's.
  const second = ts.createProgram({ rootNames, options, host, oldProgram: first });
  const checker = second.getTypeChecker();
  const failures: ExampleFailure[] = [];
  for (const v of virtuals) {
    const file = second.getSourceFile(v.path);
    if (!file) continue;
    const elided = elidedObjects(file);
    const lastLine = v.block.code.split('\n').length - 1;
    for (const d of [...second.getSyntacticDiagnostics(file), ...second.getSemanticDiagnostics(file)]) {
      if (isCallbackOfUntyped(checker, file, d) || isElided(d, elided)) continue;
      const at = d.start === undefined ? 0 : file.getLineAndCharacterOfPosition(d.start).line;
      failures.push({
        file: v.block.file,
        line: v.block.line + 1 + Math.min(at, lastLine),
        blockLine: v.block.line,
        index: v.block.index,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      });
    }
  }
  // Errors inside the packages themselves are `pnpm typecheck`'s to report; only global ones show here.
  for (const d of second.getGlobalDiagnostics())
    failures.push({
      file: '(compiler)',
      line: 0,
      blockLine: 0,
      index: 0,
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    });
  const assumed = virtuals
    .filter((v) => v.assumed.length > 0)
    .map((v) => ({ file: v.block.file, index: v.block.index, declarations: v.assumed }));
  return { blocks, failures, assumed };
}

/** Every name the block declares or imports, at any depth. */
function declaredNames(file: ts.SourceFile): string[] {
  const names: string[] = [];
  const visit = (node: ts.Node) => {
    const name = (node as { name?: ts.Node }).name;
    if (
      name &&
      ts.isIdentifier(name) &&
      (ts.isVariableDeclaration(node) ||
        ts.isParameter(node) ||
        ts.isBindingElement(node) ||
        ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isImportClause(node) ||
        ts.isImportSpecifier(node) ||
        ts.isNamespaceImport(node) ||
        ts.isTypeAliasDeclaration(node) ||
        ts.isInterfaceDeclaration(node) ||
        ts.isEnumDeclaration(node))
    )
      names.push(name.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

/**
 * Whether `name` looks like a misspelling of `other`: one edit apart (3+ letters) or, unless `exact`,
 * another case. (Exported names are compared exactly: a free `profile` is no misspelt `Profile` type.)
 */
function isTypo(name: string, other: string, exact = false): boolean {
  if (name === other) return false;
  if (name.toLowerCase() === other.toLowerCase()) return !exact;
  if (name.length < 3 || Math.abs(name.length - other.length) > 1) return false;
  let row = Array.from({ length: other.length + 1 }, (_, j) => j);
  for (let i = 1; i <= name.length; i++) {
    const next = [i];
    for (let j = 1; j <= other.length; j++)
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (name[i - 1] === other[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return (row[other.length] ?? 0) <= 1;
}

/** The type a free name is declared with: its PREREQUISITES entry, else `any`. */
function prerequisite(name: string): string {
  return Object.hasOwn(PREREQUISITES, name) ? (PREREQUISITES[name] ?? 'any') : 'any';
}

/** "Cannot find name", "Cannot find name... Did you mean", "No value exists in scope for the shorthand property". */
const FREE_NAME = new Set([2304, 2552, 18004]);

/**
 * The module a block is compiled as, line for line:
 * - an import of the reader's own module (`./my-storage.ts`, `@/lib/sso`, `#db`) becomes `any`
 *   declarations of the names it imports: only imports of packages are checked;
 * - a block that `return`s is the body of the reader's handler: what follows its imports goes into an
 *   async function.
 */
export function compiledForm(code: string): string {
  const file = ts.createSourceFile('block.mts', code, ts.ScriptTarget.Latest, true);
  let out = '';
  let from = 0;
  let importsEnd = 0;
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isImportEqualsDeclaration(statement)) continue;
    const specifier = ts.isImportDeclaration(statement) ? statement.moduleSpecifier : undefined;
    if (!specifier || !ts.isStringLiteral(specifier) || !/^(\.{1,2}\/|[@~]\/|#)/.test(specifier.text)) {
      importsEnd = out.length + statement.end - from;
      continue;
    }
    const clause = (statement as ts.ImportDeclaration).importClause;
    const declarations: string[] = [];
    const declare = (name: string, typeOnly: boolean) => {
      if (!typeOnly) declarations.push(`declare const ${name}: any;`);
      declarations.push(`type ${name} = any;`);
    };
    if (clause?.name) declare(clause.name.text, clause.isTypeOnly);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings))
      declarations.push(`declare const ${bindings.name.text}: any;`);
    if (bindings && ts.isNamedImports(bindings))
      for (const element of bindings.elements)
        declare(element.name.text, clause.isTypeOnly || element.isTypeOnly);
    const start = statement.getStart(file);
    out += `${code.slice(from, start)}${declarations.join(' ')}`;
    importsEnd = out.length;
    out += '\n'.repeat(code.slice(start, statement.end).split('\n').length - 1);
    from = statement.end;
  }
  out += code.slice(from);
  if (!file.statements.some(returns)) return `${out}\nexport {};\n`;
  return `${out.slice(0, importsEnd)} async function __example__() {${out.slice(importsEnd)}\n}\nexport {};\n`;
}

/** Whether a top-level statement returns (looking into blocks, not into functions or classes). */
function returns(node: ts.Node): boolean {
  if (ts.isReturnStatement(node)) return true;
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  return ts.forEachChild(node, returns) ?? false;
}

const ELISION = /\/\/[^\n]*(\.\.\.|…)|\/\*[\s\S]*?(\.\.\.|…)[\s\S]*?\*\//;

/** The ranges of the object literals that say they leave properties out (`// ...`, `/* ... *\/`). */
function elidedObjects(file: ts.SourceFile): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const visit = (node: ts.Node) => {
    if (ts.isObjectLiteralExpression(node) && ELISION.test(node.getText(file)))
      ranges.push([node.getStart(file), node.end]);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return ranges;
}

/** A "missing properties" error about an object literal that says it leaves properties out. */
function isElided(d: ts.Diagnostic, elided: Array<[number, number]>): boolean {
  if (d.start === undefined) return false;
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!/is missing the following properties|is missing in type/.test(message)) return false;
  const end = d.start + (d.length ?? 0);
  return elided.some(([from, to]) => d.start !== undefined && d.start < to && end > from);
}

/** The root tsconfig's options, for checking only; decorators as a Nest app compiles them. */
function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    incremental: false,
    experimentalDecorators: true,
  };
}

/** `@ssokit/*` and example package names → their folders. */
function workspacePackages(root: string): Map<string, string> {
  const packages = new Map<string, string>();
  for (const folder of ['packages', 'examples']) {
    const dir = join(root, folder);
    for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
      const manifest = join(dir, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (json.name) packages.set(json.name, join(dir, name));
    }
  }
  return packages;
}

/** The TypeScript entry points of a package (`''`, `'/node'`...), from its exports map. */
function entryPoints(dir: string): string[] {
  const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports?: Record<string, unknown>;
  };
  return Object.entries(json.exports ?? {})
    .filter(([key, target]) => key !== './package.json' && !JSON.stringify(target).includes('.json"'))
    .map(([key]) => key.slice(1));
}

/**
 * A compiler host that serves the blocks from memory, caches parsed files between the two passes, and
 * resolves a module a block's own folder cannot see (`@ssokit/koa` from docs/, `koa` from README.md)
 * from the workspace package it belongs to, or from the first workspace package that depends on it.
 */
function createHost(
  root: string,
  options: ts.CompilerOptions,
  texts: Map<string, string>,
  packageDirs: Map<string, string>,
): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const cache = new Map<string, ts.SourceFile | undefined>();
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (path) => texts.has(path) || fileExists.call(host, path);
  host.readFile = (path) => texts.get(path) ?? readFile.call(host, path);
  host.getSourceFile = (path, languageVersion, onError, shouldCreate) => {
    const text = texts.get(path);
    if (text !== undefined) return ts.createSourceFile(path, text, languageVersion, true);
    if (!cache.has(path))
      cache.set(path, getSourceFile.call(host, path, languageVersion, onError, shouldCreate));
    return cache.get(path);
  };
  host.getCurrentDirectory = () => root;
  const moduleCache = ts.createModuleResolutionCache(root, host.getCanonicalFileName, options);
  const fallbacks = [...packageDirs.values()].map((dir) => join(dir, '__resolve__.mts'));
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions, file) =>
    literals.map((literal) => {
      const mode = ts.getModeForUsageLocation(file, literal, compilerOptions);
      const attempt = (from: string) =>
        ts.resolveModuleName(literal.text, from, compilerOptions, host, moduleCache, redirected, mode);
      const first = attempt(containingFile);
      if (first.resolvedModule || !texts.has(containingFile)) return first;
      const packageName = /^(@[^/]+\/[^/]+|[^@./][^/]*)/.exec(literal.text)?.[1];
      const own = packageName ? packageDirs.get(packageName) : undefined;
      for (const from of own ? [join(own, '__resolve__.mts'), ...fallbacks] : fallbacks) {
        const found = attempt(from);
        if (found.resolvedModule) return found;
      }
      return first;
    });
  return host;
}

/** Exported name → the package entry points (`@ssokit/core`, `@ssokit/server/node`) that export it. */
function exportedNames(program: ts.Program, indexPath: string): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(indexPath);
  if (!index) return names;
  for (const statement of index.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
    const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
    const symbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
    if (!symbol) continue;
    for (const exported of checker.getExportsOfModule(symbol)) {
      const list = names.get(exported.name) ?? [];
      list.push(specifier);
      names.set(exported.name, list);
    }
  }
  return names;
}

/**
 * Which entry point a free name should be imported from: the only one that exports it, else the one of
 * the package the block documents, else one the block already imports from. None when ambiguous.
 */
function entryPointFor(
  name: string,
  exported: Map<string, string[]>,
  file: string,
  imported: string[],
): string | undefined {
  const from = exported.get(name);
  if (!from || from.length === 0) return undefined;
  if (from.length === 1) return from[0];
  const folder = /^packages\/([^/]+)\//.exec(file)?.[1];
  const own = from.find((s) => folder && (s === `@ssokit/${folder}` || s.startsWith(`@ssokit/${folder}/`)));
  return own ?? from.find((s) => imported.includes(s));
}

function nodeAt(file: ts.SourceFile, position: number): ts.Node | undefined {
  const find = (node: ts.Node): ts.Node | undefined =>
    position >= node.getStart(file) && position < node.getEnd()
      ? (ts.forEachChild(node, find) ?? node)
      : undefined;
  return find(file);
}

function isTypePosition(file: ts.SourceFile, position: number): boolean {
  const node = nodeAt(file, position);
  let parent = node?.parent;
  while (parent && ts.isQualifiedName(parent)) parent = parent.parent;
  return !!parent && (ts.isTypeReferenceNode(parent) || ts.isExpressionWithTypeArguments(parent));
}

/**
 * An implicit-any parameter of a callback handed to a value of type `any` (a free name such as `app` or
 * `fastify`): in the reader's app that value is typed and so is the callback.
 */
function isCallbackOfUntyped(checker: ts.TypeChecker, file: ts.SourceFile, d: ts.Diagnostic): boolean {
  if ((d.code !== 7006 && d.code !== 7031) || d.start === undefined) return false;
  let node = nodeAt(file, d.start);
  while (node && !ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) node = node.parent;
  const call = node?.parent;
  if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call))) return false;
  if (!call.arguments?.some((a) => a === node)) return false;
  return (checker.getTypeAtLocation(call.expression).flags & ts.TypeFlags.Any) !== 0;
}

export function formatFailure(f: ExampleFailure): string {
  return `${f.file}:${f.line} (block ${f.index}, fence at line ${f.blockLine}): TS${f.code}: ${f.message}`;
}

if (import.meta.main) {
  const started = performance.now();
  const verbose = process.argv.includes('--verbose');
  const root = resolve(
    process.argv.slice(2).find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, '..'),
  );
  const { blocks, failures, assumed } = checkExamples(root);
  if (verbose)
    for (const a of assumed) console.log(`${a.file} (block ${a.index}) assumes: ${a.declarations.join(' ')}`);
  const skipped = blocks.filter((b) => b.skipped);
  for (const b of skipped) console.log(`${b.file}:${b.line} (block ${b.index}) not compiled: ${b.skipped}`);
  for (const f of failures) console.error(formatFailure(f));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const checked = blocks.length - skipped.length;
  if (failures.length > 0) {
    const failed = new Set(failures.map((f) => `${f.file}#${f.index}`)).size;
    console.error(
      `check-examples: ${failures.length} errors in ${failed} of ${checked} blocks (${seconds}s)`,
    );
    process.exit(1);
  }
  console.log(`check-examples: ok, ${checked} blocks typechecked (${seconds}s)`);
}
