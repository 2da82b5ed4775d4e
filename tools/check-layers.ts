/**
 * Fails when a package imports against the direction DESIGN.md fixes, checking both what each
 * package.json declares and what its source files import:
 *
 *   core ← storage ← oidc, saml, config ← server ← adapters, cli
 *
 * Also refused: deep imports past a package's exports map (`@ssokit/core/src/x`), relative imports that
 * leave the package, and value imports where only `import type` is allowed (oidc/saml → storage).
 *
 * Usage: `node tools/check-layers.ts [root]`. Exit code 1 and one line per violation when any.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * `runtime`: what the package's source may import. `typeOnly`: what it may import as types only.
 * `tests`: what its tests may use besides (lower layers a host app would use beside the package).
 */
type Edge = { runtime: readonly string[]; typeOnly?: readonly string[]; tests?: readonly string[] };
const BELOW_SERVER = ['storage', 'oidc', 'saml', 'config'] as const;

/** Which `@ssokit/*` packages each package may import (by folder name). Anything else is refused. */
export const allowedImports: Readonly<Record<string, Edge>> = {
  core: { runtime: [] },
  storage: { runtime: ['core'] },
  'storage-sql': { runtime: ['core', 'storage'] },
  'storage-redis': { runtime: ['core', 'storage'] },
  oidc: { runtime: ['core'], typeOnly: ['storage'] },
  saml: { runtime: ['core'], typeOnly: ['storage'] },
  config: { runtime: ['core'] },
  // Its tests run two instances on the real SQL and Redis stores (the multi-instance tests).
  server: { runtime: ['core', 'storage', 'oidc', 'saml', 'config'], tests: ['storage-sql', 'storage-redis'] },
  express: { runtime: ['server', 'core'], tests: BELOW_SERVER },
  koa: { runtime: ['server', 'core'], tests: BELOW_SERVER },
  nest: { runtime: ['server', 'core'], tests: BELOW_SERVER },
  // The console: its server side implements the server's AdminConsoleMount (a type); the browser side
  // talks to the admin API over HTTP only.
  'admin-ui': { runtime: [], typeOnly: ['server'], tests: ['server', 'core', ...BELOW_SERVER] },
  cli: { runtime: ['server', 'config', 'oidc', 'saml', 'storage', 'storage-sql', 'storage-redis', 'core'] },
  'dev-idp': { runtime: [] },
};

/** Packages that tests (devDependencies, `test/`, `*.test.ts`) may use on top of the runtime ones. */
const testOnly = ['dev-idp'];
const FIXTURES = 'ssokit-test-fixtures';

export interface Violation {
  file: string;
  message: string;
}

interface PackageInfo {
  dir: string;
  folder: string;
  name: string;
  exports: Set<string>;
}

const SPECIFIER =
  /(?:^|[\s;])(import\s+type\s[^'"]*?from\s*|import\s[^'"]*?from\s*|export\s[^'"]*?from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)(['"])([^'"]+)\2/g;

/** Every violation under `root` (a checkout of the monorepo). */
export function checkLayers(root: string): Violation[] {
  const violations: Violation[] = [];
  const packages = readPackages(root);
  const byName = new Map(packages.map((p) => [p.name, p]));

  for (const pkg of packages) {
    const edge = allowedImports[pkg.folder];
    const manifest = join(pkg.dir, 'package.json');
    if (!edge) {
      violations.push({
        file: rel(root, manifest),
        message: `packages/${pkg.folder} is not in the layer table of tools/check-layers.ts; add it with the imports DESIGN.md allows.`,
      });
      continue;
    }
    const runtimeAllowed = new Set([...edge.runtime, ...(edge.typeOnly ?? [])]);
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const field of [
      'dependencies',
      'peerDependencies',
      'optionalDependencies',
      'devDependencies',
    ] as const) {
      for (const dep of Object.keys(json[field] ?? {})) {
        if (dep === FIXTURES) {
          if (field !== 'devDependencies')
            violations.push({
              file: rel(root, manifest),
              message: `${FIXTURES} may only be a devDependency.`,
            });
          continue;
        }
        const target = ssokitFolder(dep, byName);
        if (target === undefined) continue;
        const ok =
          runtimeAllowed.has(target) ||
          (field === 'devDependencies' && (testOnly.includes(target) || (edge.tests ?? []).includes(target)));
        if (!ok)
          violations.push({
            file: rel(root, manifest),
            message: `${pkg.name} must not depend on ${dep} (${field}); allowed: ${describeAllowed(edge)}.`,
          });
      }
    }
    // Build configs (tsup.config.ts, vitest configs) are tooling, not package source.
    for (const file of sourceFiles(pkg.dir).filter((f) => !/\.config\.[cm]?[jt]s$/.test(f))) {
      const isTest = /\.test\.ts$|[/\\]test[/\\]|[/\\]test-d[/\\]|[/\\]bench[/\\]/.test(file);
      for (const { specifier, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
        const where = rel(root, file);
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          if (!(target + sep).startsWith(pkg.dir + sep) && target !== pkg.dir) {
            violations.push({
              file: where,
              message: `relative import "${specifier}" leaves packages/${pkg.folder}; import the package by name.`,
            });
          }
          continue;
        }
        if (specifier === FIXTURES) {
          if (!isTest) violations.push({ file: where, message: `only tests may import ${FIXTURES}.` });
          continue;
        }
        const parsed = splitSpecifier(specifier);
        if (!parsed.name.startsWith('@ssokit/')) continue;
        const target = byName.get(parsed.name);
        if (!target) {
          violations.push({
            file: where,
            message: `imports ${parsed.name}, which is not a package of this workspace.`,
          });
          continue;
        }
        if (!target.exports.has(parsed.subpath)) {
          violations.push({
            file: where,
            message: `"${specifier}" is not in the exports map of ${parsed.name}; use a public entry point.`,
          });
        }
        if (target.folder === pkg.folder) continue;
        const allowed =
          edge.runtime.includes(target.folder) ||
          (typeOnly && (edge.typeOnly ?? []).includes(target.folder)) ||
          (isTest &&
            (testOnly.includes(target.folder) ||
              (edge.typeOnly ?? []).includes(target.folder) ||
              (edge.tests ?? []).includes(target.folder)));
        if (!allowed) {
          const hint = (edge.typeOnly ?? []).includes(target.folder)
            ? ' (only `import type` is allowed here)'
            : '';
          violations.push({
            file: where,
            message: `${pkg.name} must not import ${parsed.name}${hint}; allowed: ${describeAllowed(edge)}.`,
          });
        }
      }
    }
  }

  // Examples import only published entry points, never internals.
  for (const file of sourceFiles(join(root, 'examples'))) {
    for (const { specifier } of importsOf(readFileSync(file, 'utf8'))) {
      const parsed = splitSpecifier(specifier);
      const target = byName.get(parsed.name);
      if (target && !target.exports.has(parsed.subpath)) {
        violations.push({
          file: rel(root, file),
          message: `"${specifier}" is not a public entry point of ${parsed.name}.`,
        });
      }
      if (
        specifier.startsWith('.') &&
        resolve(dirname(file), specifier).startsWith(join(root, 'packages') + sep)
      ) {
        violations.push({
          file: rel(root, file),
          message: `examples import packages by name, not by path ("${specifier}").`,
        });
      }
    }
  }
  return violations;
}

/** Import specifiers of a source text, and whether each import is type-only. */
export function importsOf(source: string): { specifier: string; typeOnly: boolean }[] {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...withoutComments.matchAll(SPECIFIER)].map((m) => ({
    specifier: m[3] as string,
    typeOnly: /^import\s+type\s/.test(m[1] as string) || /^export\s+type\s/.test(m[1] as string),
  }));
}

function readPackages(root: string): PackageInfo[] {
  const dir = join(root, 'packages');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((folder) => existsSync(join(dir, folder, 'package.json')))
    .map((folder) => {
      const json = JSON.parse(readFileSync(join(dir, folder, 'package.json'), 'utf8')) as {
        name: string;
        exports?: unknown;
      };
      const exportsMap = json.exports;
      const keys =
        typeof exportsMap === 'object' &&
        exportsMap !== null &&
        Object.keys(exportsMap).some((k) => k.startsWith('.'))
          ? Object.keys(exportsMap)
          : ['.'];
      return { dir: join(dir, folder), folder, name: json.name, exports: new Set(keys) };
    });
}

function ssokitFolder(name: string, byName: Map<string, PackageInfo>): string | undefined {
  if (!name.startsWith('@ssokit/')) return undefined;
  return byName.get(name)?.folder ?? name.slice('@ssokit/'.length);
}

function splitSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const count = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(count).join('/');
  return { name: parts.slice(0, count).join('/'), subpath: rest ? `./${rest}` : '.' };
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(m|c)?[jt]sx?$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function describeAllowed(edge: Edge): string {
  const list = [
    ...edge.runtime.map((p) => `@ssokit/${p}`),
    ...(edge.typeOnly ?? []).map((p) => `@ssokit/${p} (types only)`),
  ];
  return list.length ? list.join(', ') : 'no @ssokit package';
}

const rel = (root: string, file: string) => relative(root, file) || file;

if (import.meta.main) {
  const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));
  const violations = checkLayers(root);
  for (const v of violations) console.error(`${v.file}: ${v.message}`);
  if (violations.length > 0) {
    console.error(`check-layers: ${violations.length} violation(s) of the import direction in DESIGN.md.`);
    process.exit(1);
  }
  console.log(`check-layers: ok (${readPackages(root).length} packages).`);
}
