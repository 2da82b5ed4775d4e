/**
 * The Next.js (App Router) recipe of docs/frameworks.md, run for real: the app in ./next-app (the
 * recipe's files, in JavaScript so that Next needs no TypeScript set-up) is built with `next build`
 * and served by `next start` on 127.0.0.1, and a browser signs in at @ssokit/dev-idp through its
 * catch-all route handler, then reads its session from a server component and from a route handler.
 *
 * Offline by construction: the platform's SWC binary is an installed optional dependency, telemetry is
 * off, and the build goes to node_modules/.cache (Next writes a stray `cache` folder into its working
 * directory, so that is where it runs). Turbopack has no `dev-source` condition, so next.config.mjs
 * aliases the @ssokit packages to their sources. A build takes 10 to 60 seconds.
 *
 * The app keeps its `Sso` on `globalThis` as the recipe says: without that, the server component
 * (another bundle than the route handlers) made a second `Sso` over a second memoryStorage and found
 * no session after a login.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type DevIdp, startDevIdp } from '@ssokit/dev-idp';
import { jarFetch } from 'ssokit-test-fixtures/http';
import { DEV_IDP_REALM_FILE, devIdpLogin, signInAndOut } from 'ssokit-test-fixtures/recipe-scenarios';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SECRET } from './helpers.ts';

const APP_DIR = fileURLToPath(new URL('./next-app/', import.meta.url));
const CACHE = fileURLToPath(new URL('../node_modules/.cache/', import.meta.url));
/** This run's build folder, relative to the app (Next wants distDir inside the workspace). */
const DIST = `ssokit-next-app-${process.pid}`;
const NEXT = createRequire(import.meta.url).resolve('next/dist/bin/next');

let idp: DevIdp;
let server: ChildProcess | undefined;
let base = '';
let output = '';

/** A port free a moment ago: `next start` binds it itself. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Runs `next <args>` on the app with `env`; resolves when it exits 0 (or, with `until`, prints it). */
function next(args: string[], env: Record<string, string>, until?: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [NEXT, ...args, APP_DIR], {
    cwd: CACHE,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      SSOKIT_NEXT_DIST_DIR: `../../node_modules/.cache/${DIST}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) resolve(child);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) =>
      code === 0 && !until ? resolve(child) : reject(new Error(`next ${args[0]} exited ${code}:\n${output}`)),
    );
  });
}

beforeAll(async () => {
  mkdirSync(CACHE, { recursive: true });
  await next(['build'], {});
  base = `http://127.0.0.1:${await freePort()}`;
  idp = await startDevIdp({ realmFile: DEV_IDP_REALM_FILE, env: { SSOKIT_APP_URL: base } });
  server = await next(
    ['start', '--hostname', '127.0.0.1', '--port', new URL(base).port],
    {
      APP_URL: base,
      SSO_SECRET: SECRET,
      // W&B's variables: one OIDC connection, `wandb`, to dev-idp's public client (code flow + PKCE).
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: 'ssokit-pkce',
      OIDC_AUTH_METHOD: 'pkce',
    },
    /Ready in/,
  );
}, 180_000);

afterAll(async () => {
  server?.kill();
  await idp?.close();
  rmSync(`${CACHE}${DIST}`, { recursive: true, force: true });
});

it('Next.js: app/sso/[...path]/route.ts serves a whole OIDC login; a server component reads the session', async () => {
  await signInAndOut({
    base,
    protectedPath: '/profile',
    // the page's own redirect() to the login route (Next answers 307)
    signedOut: { status: 307, location: '/sso/login/wandb?returnTo=/profile' },
    loginPath: '/sso/login/wandb',
  });
}, 30_000);

it('Next.js: a route handler reads the session with sso.getSession(request)', async () => {
  expect((await fetch(`${base}/me`)).status).toBe(401);
  const { response, jar } = await devIdpLogin(new URL(`${base}/sso/login/wandb?returnTo=/me`), 'grace');
  expect(response.status, output).toBe(303);
  const me = await jarFetch(jar, new URL(`${base}/me`));
  expect(await me.json()).toMatchObject({ user: { email: 'grace@example.com' }, connectionId: 'wandb' });
  // Every ssokit route goes through the catch-all, the JSON ones included.
  const providers = await fetch(`${base}/sso/providers`);
  expect(await providers.json()).toEqual([expect.objectContaining({ id: 'wandb' })]);
}, 30_000);
