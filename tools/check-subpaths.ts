/**
 * Fails when the documentation names a package entry point that does not exist: every
 * `@ssokit/<package>/<subpath>` mentioned in README.md, docs/ and the packages' READMEs must be in that
 * package's exports map. Packages that do not exist yet (planned in DESIGN.md) are skipped.
 * Usage: `node tools/check-subpaths.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface SubpathProblem {
  file: string;
  specifier: string;
}

/** Every documented `@ssokit/*` subpath under `root` that the package does not export. */
export function checkSubpaths(root: string): SubpathProblem[] {
  const exportsOf = new Map<string, Set<string>>();
  const packagesDir = join(root, 'packages');
  for (const folder of existsSync(packagesDir) ? readdirSync(packagesDir) : []) {
    const manifest = join(packagesDir, folder, 'package.json');
    if (!existsSync(manifest)) continue;
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name: string;
      exports?: Record<string, unknown>;
    };
    exportsOf.set(json.name, new Set(Object.keys(json.exports ?? { '.': '' })));
  }
  const problems: SubpathProblem[] = [];
  for (const file of markdownFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/@ssokit\/([a-z0-9-]+)((?:\/[A-Za-z0-9._-]+)*)/g)) {
      const name = `@ssokit/${match[1]}`;
      const subpath = match[2] ? `.${match[2]}` : '.';
      const exported = exportsOf.get(name);
      if (exported && !exported.has(subpath))
        problems.push({ file: relative(root, file), specifier: match[0] });
    }
  }
  return problems;
}

function markdownFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules' || entry.startsWith('.') || entry === 'dist' || entry === 'CHANGELOG.md')
        continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.md')) files.push(path);
    }
  };
  if (existsSync(join(root, 'README.md'))) files.push(join(root, 'README.md'));
  for (const dir of ['docs', 'packages', 'examples']) if (existsSync(join(root, dir))) walk(join(root, dir));
  return files;
}

if (import.meta.main) {
  const root = join(import.meta.dirname, '..');
  const problems = checkSubpaths(root);
  for (const p of problems)
    console.error(`${p.file}: "${p.specifier}" is not in that package's exports map.`);
  if (problems.length > 0) process.exit(1);
  console.log('check-subpaths: ok');
}
