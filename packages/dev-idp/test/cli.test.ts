import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The command as installed: the bin shim, which runs the build, or the source where there is none.
const cli = fileURLToPath(new URL('../bin/ssokit-dev-idp.js', import.meta.url));
const realm = fileURLToPath(new URL('../../../examples/keycloak/realm-export.json', import.meta.url));

it('ssokit-dev-idp serves the realm and prints the issuer, the SAML metadata and the users', async () => {
  const child = spawn(process.execPath, [cli, '--realm', realm, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let output = '';
    const issuer = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /OIDC issuer\s+(\S+)/.exec(output);
        if (found && output.includes('user linus')) resolve(found[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/realms\/ssokit-demo$/);
    expect(output).toContain('user ada      groups /admins, /ml-engineers');
    const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    expect(discovery.issuer).toBe(issuer);
  } finally {
    child.kill('SIGTERM');
  }
});

it('ssokit-dev-idp names a missing realm file and a bad port, and exits non-zero', async () => {
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
    err: expect.stringMatching(/--realm is relative to .*--realm examples\/keycloak\/realm-export\.json/),
  });
  expect(await run(['--realm', realm, '--port', 'eighty'])).toMatchObject({
    code: 2,
    err: expect.stringContaining('--port'),
  });
});
