/**
 * Lints every published package as npm would ship it: `publint --strict` (exports map, files, types)
 * and `@arethetypeswrong/cli` (ESM/CJS types resolution under node16, in both module modes).
 * Run after `pnpm build`. Usage: `node tools/check-packaging.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const failures: string[] = [];

for (const folder of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', folder);
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) continue;
  const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; private?: boolean };
  if (json.private) continue;
  if (!existsSync(join(dir, 'dist'))) {
    failures.push(`${json.name}: no dist/ folder; run \`pnpm build\` first.`);
    continue;
  }
  for (const [tool, args] of [
    ['publint', ['--strict']],
    ['attw', ['--pack', '.', '--profile', 'node16', '--format', 'table-flipped']],
  ] as const) {
    const run = spawnSync(bin(tool), [...args], { cwd: dir, encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`.trim();
    if (run.status !== 0) {
      failures.push(`${json.name}: ${tool} failed\n${output}`);
    } else {
      console.log(`${json.name}: ${tool} ok`);
    }
  }
}

if (failures.length > 0) {
  for (const failure of failures) console.error(failure);
  process.exit(1);
}
