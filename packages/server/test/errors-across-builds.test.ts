/**
 * An app can load the CJS build of one ssokit package next to the ESM build of another (a storage
 * adapter published as CJS, say). Each build carries its own copy of `SsoError`; an error made by one
 * copy must still render with its code's status when the other copy's server renders it, both ways.
 * The CJS copies here are real builds of our sources (tsup, as the packages are built), made fresh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SsoError } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSso } from '../src/index.ts';
import { SECRET as secret } from './helpers.ts';

const BASE = 'https://app.example.com';
const out = mkdtempSync(join(tmpdir(), 'ssokit-cjs-'));
let cjsCore: typeof import('@ssokit/core');
let cjsServer: typeof import('../src/index.ts');

beforeAll(async () => {
  const root = new URL('../../', import.meta.url).pathname;
  // Each bundle inlines its own @ssokit/core: two CJS copies besides the ESM sources under test.
  await build({
    config: false,
    silent: true,
    entry: { core: `${root}core/src/index.ts`, server: `${root}server/src/index.ts` },
    format: ['cjs'],
    outDir: out,
    platform: 'node',
    target: 'node22',
    noExternal: [/^@ssokit\//],
    esbuildOptions(options) {
      options.conditions = ['dev-source'];
    },
  });
  const require = createRequire(join(out, 'x.cjs'));
  cjsCore = require('./core.cjs');
  cjsServer = require('./server.cjs');
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Storage whose connection list fails with `error`, as a custom adapter's might. */
function failingStorage(error: unknown) {
  const storage = memoryStorage();
  return { ...storage, connections: { ...storage.connections, list: () => Promise.reject(error) } };
}

// The admin API's connection list: its errors keep their messages (an admin reads them).
const providers = (sso: { handle(request: Request): Promise<Response> }) =>
  sso.handle(new Request(`${BASE}/sso/admin/connections`, { headers: { accept: 'application/json' } }));

describe('SsoError across CJS and ESM builds', () => {
  it('the copies are distinct classes (the premise of this test)', () => {
    expect(cjsCore.SsoError).not.toBe(SsoError);
    expect(Object.getPrototypeOf(new cjsCore.SsoError('storage_failure', 'x'))).not.toBe(SsoError.prototype);
  });

  it('an error of the CJS copy renders with its status in the ESM server', async () => {
    const error = new cjsCore.SsoError('storage_failure', 'The user database is down.');
    expect(error instanceof SsoError).toBe(true);
    const response = await providers(
      createSso({ baseUrl: BASE, secret, storage: failingStorage(error), authorizeAdmin: () => true }),
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: 'storage_failure',
      message: 'The user database is down.',
    });
  });

  it('an error of the ESM copy renders with its status (and Retry-After) in the CJS server', async () => {
    const sso = cjsServer.createSso({
      baseUrl: BASE,
      secret,
      storage: failingStorage(new SsoError('rate_limited', 'Slow down.')) as never,
      authorizeAdmin: () => true,
    });
    const response = await providers(sso);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('60');
    expect(await response.json()).toEqual({ error: 'rate_limited', message: 'Slow down.' });
  });

  it('a ConfigError keeps its issues across copies; a plain Error stays a 500 that says nothing', async () => {
    const config = new cjsCore.ConfigError([{ path: 'oidc.issuer', message: 'is missing.' }]);
    const response = await providers(
      createSso({ baseUrl: BASE, secret, storage: failingStorage(config), authorizeAdmin: () => true }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'config_invalid',
      issues: [{ path: 'oidc.issuer' }],
    });
    const plain = await providers(
      createSso({
        baseUrl: BASE,
        secret,
        storage: failingStorage(new Error('db password is hunter2')),
        authorizeAdmin: () => true,
        onError: () => undefined,
      }),
    );
    expect(plain.status).toBe(500);
    expect(await plain.text()).not.toContain('hunter2');
  });
});
