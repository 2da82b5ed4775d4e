/**
 * The package entry costs next to nothing at start-up: importing `@ssokit/config` (which
 * `@ssokit/server` does) loads neither ajv nor yaml and compiles no schema; the first loader call
 * does, synchronously. Run in a fresh `node`, where nothing else has loaded them yet.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = `
import { createRequire } from 'node:module';
const dependencies = () =>
  [...new Set(Object.keys(createRequire(import.meta.url).cache).flatMap((file) =>
    /[\\\\/]node_modules[\\\\/](ajv|yaml)[\\\\/]/.exec(file)?.slice(1) ?? []))].sort();
const config = await import('./src/index.ts');
const atImport = dependencies();
try { config.loadArthurConfig('version: v2'); } catch (error) { if (error.name !== 'ConfigError') throw error; }
console.log(JSON.stringify({ atImport, afterLoad: dependencies() }));
`;

describe('@ssokit/config at import', () => {
  it('loads ajv and yaml on first use, not at import', () => {
    const output = execFileSync(
      process.execPath,
      ['--conditions=dev-source', '--input-type=module', '-e', probe],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' },
    );
    expect(JSON.parse(output)).toEqual({ atImport: [], afterLoad: ['ajv', 'yaml'] });
  });
});
