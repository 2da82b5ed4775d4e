/**
 * The rules tools/check-packaging.ts holds every published manifest to, beyond what publint and attw
 * check. Two views of a package are checked: its package.json in the repository (`sourceProblems`) and
 * the package.json inside the tarball `pnpm pack` made (`packedProblems`), which is what the registry
 * gets: workspace ranges rewritten, .pnpmfile.cjs's `beforePacking` applied.
 *
 * @example
 * ```ts
 * packedProblems({ name: '@ssokit/x', dependencies: { jose: '6.2.17' } }, new Set());
 * // ['dependencies.jose is "6.2.17": use a caret range ("^6.2.17"), so that an app ...']
 * ```
 */

/** The fields of a package.json these rules read. */
export interface Manifest {
  name: string;
  private?: boolean;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The `prepack` script every published package runs: build, so a pack never lacks `dist/`. */
export const PREPACK = 'node ../../tools/prepack.ts';

const dependencyFields = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** What is wrong with a published package's package.json in the repository; `[]` when nothing. */
export function sourceProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  if (manifest.scripts?.prepack !== PREPACK) {
    problems.push(
      `scripts.prepack must be "${PREPACK}", so that \`pnpm pack\` and \`pnpm publish\` build the package first.`,
    );
  }
  if (!manifest.files?.includes('LICENSE')) {
    problems.push('files must list "LICENSE" (a copy of the repository\'s LICENSE in the package folder).');
  }
  return problems;
}

/**
 * What is wrong with the package.json a tarball holds; `[]` when nothing. `privateNames` are the
 * names of the workspace's private packages, which a published package may not name at all.
 */
export function packedProblems(manifest: Manifest, privateNames: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (!manifest.name.startsWith('@ssokit/')) {
    problems.push(`name "${manifest.name}" is not in the @ssokit scope.`);
  }
  for (const field of ['devDependencies', 'scripts'] as const) {
    if (manifest[field] !== undefined) {
      problems.push(`${field} is published; .pnpmfile.cjs's beforePacking hook should remove it.`);
    }
  }
  for (const field of dependencyFields) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (privateNames.has(name)) {
        problems.push(`${field}.${name} names a private workspace package, which is not on the registry.`);
      }
      if (range.startsWith('workspace:')) {
        problems.push(`${field}.${name} is still "${range}": pack with pnpm, which rewrites it.`);
      }
      if (field === 'dependencies' && !/^\^\d/.test(range)) {
        problems.push(
          `dependencies.${name} is "${range}": use a caret range ("^${range.replace(/^[~=v]*/, '')}"), so that an app ` +
            'that depends on it too gets one copy, and fixes arrive without a ssokit release.',
        );
      }
    }
  }
  return problems;
}
