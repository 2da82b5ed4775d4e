/**
 * A light import: an app with only OIDC connections (server + express, one connection, one whole
 * login) never loads the SAML stack (xmldom, xml-crypto) or config's (ajv, yaml). The app runs in its
 * own process, which records every module it resolves from its first import on.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { httpOidcLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, expect, it } from 'vitest';

let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ loopbackRedirects: true });
});
afterAll(() => op.close());

it('an OIDC-only app logs in without loading xmldom, xml-crypto, ajv or yaml', async () => {
  const child = spawn(
    process.execPath,
    [
      '--conditions=dev-source',
      fileURLToPath(new URL('fixtures/oidc-only-app.ts', import.meta.url)),
      op.issuer,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const { base, connectionId } = JSON.parse(line.toString()) as { base: string; connectionId: string };
    const { jar, response } = await httpOidcLogin(base, connectionId);
    expect(response.status, await response.clone().text()).toBe(303);
    const me = await fetch(`${base}/me`, { headers: { cookie: jar.get(new URL(base).host) ?? '' } });
    expect(me.status).toBe(200);

    const loaded = (await (await fetch(`${base}/loaded`)).json()) as string[];
    // The recording works: the OIDC stack and the session codec were loaded.
    expect(loaded.some((url) => url.includes('/oauth4webapi/'))).toBe(true);
    expect(loaded.some((url) => url.endsWith('/packages/server/src/session.ts'))).toBe(true);
    expect(loaded.some((url) => url.endsWith('/packages/oidc/src/index.ts'))).toBe(true);
    const heavy = loaded.filter((url) =>
      /\/(@xmldom\/xmldom|xml-crypto|xpath|ajv|ajv-formats|yaml)\/|\/packages\/(saml|config)\//.test(url),
    );
    expect(heavy).toEqual([]);
  } finally {
    child.kill();
  }
});
