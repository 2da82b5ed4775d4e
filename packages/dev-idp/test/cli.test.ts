import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The command as installed: the bin shim, which runs the build, or the source where there is none.
const cli = fileURLToPath(new URL('../bin/ssokit-dev-idp.js', import.meta.url));
const realm = fileURLToPath(new URL('../../../examples/keycloak/realm-export.json', import.meta.url));

const bundled = fileURLToPath(new URL('../realm-export.json', import.meta.url));
// Each test starts Node processes that load oidc-provider and samlify: seconds on a busy machine.
const SPAWNS = 30_000;

/** Runs the command until it prints its users; resolves to the issuer and everything printed. */
async function serve(child: ReturnType<typeof spawn>): Promise<{ issuer: string; output: string }> {
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /OIDC issuer\s+(\S+)/.exec(output);
      if (found && output.includes('user linus')) resolve({ issuer: found[1] as string, output });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

it(
  'ssokit-dev-idp serves the realm and prints the issuer, the SAML metadata and the users',
  async () => {
    const child = spawn(process.execPath, [cli, '--realm', realm, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const { issuer, output } = await serve(child);
      expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/realms\/ssokit-demo$/);
      expect(output).toContain('user ada      groups /admins, /ml-engineers');
      const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
      expect(discovery.issuer).toBe(issuer);
    } finally {
      child.kill('SIGTERM');
    }
  },
  SPAWNS,
);

it(
  'ssokit-dev-idp names a missing realm file and a bad port, and exits non-zero',
  async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (c: Buffer) => {
          err += c.toString();
        });
        child.once('exit', (code) => resolve({ code, err }));
      });
    expect(await run(['--realm', '/nonexistent/realm.json'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('no realm file at /nonexistent/realm.json'),
    });
    expect(await run(['--realm', 'realm.json'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--realm is relative to .*Leave --realm out for the bundled example realm/),
    });
    expect(await run(['--relm', realm])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/Unknown option '--relm'[\s\S]*usage: ssokit-dev-idp \[--realm/),
    });
    expect(await run(['--realm', realm, '--port', 'eighty'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--port'),
    });
  },
  SPAWNS,
);

it(
  'ssokit-dev-idp without --realm serves the realm the package ships, from a folder outside the repository',
  async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'ssokit-dev-idp-'));
    const child = spawn(process.execPath, [cli, '--port', '0'], {
      cwd: scratch,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const { issuer, output } = await serve(child);
      expect(output).toContain(`dev-idp: realm ssokit-demo (${bundled})`);
      expect(output).toContain('user grace    groups /ml-engineers');
      const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
      expect(discovery.issuer).toBe(issuer);
    } finally {
      child.kill('SIGTERM');
      rmSync(scratch, { recursive: true, force: true });
    }
  },
  SPAWNS,
);

it('the bundled realm is the example realm of examples/keycloak, byte for byte (one realm, two places)', () => {
  expect(readFileSync(bundled, 'utf8')).toBe(readFileSync(realm, 'utf8'));
});
