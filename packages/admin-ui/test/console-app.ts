/**
 * What the console's browser tests share: an app on a free port that serves only ssokit with the
 * console, over a fresh memory store (authorizeAdmin lets alice in, or refuses everyone; with or without
 * its role store), with dev-idp
 * seeded from the example Keycloak realm and pointed at it when asked; and the browser hooks, a page per
 * test and a screenshot in test-results/ when one fails. What a file starts is closed after it.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DevIdp, startDevIdp } from '@ssokit/dev-idp';
import { createSso, type Sso, type SsoOptions } from '@ssokit/server';
import { toWebRequest, writeWebResponse } from '@ssokit/server/node';
import { memoryStorage, type SsoStorage } from '@ssokit/storage';
import type { Page } from 'playwright-core';
import { type BrowserHandles, useBrowser as browserHooks, haveChromium } from 'ssokit-test-fixtures/browser';
import { afterAll, beforeAll } from 'vitest';
import { adminConsole } from '../src/index.ts';

const SHOTS = new URL('../test-results/', import.meta.url).pathname;
const REALM_FILE = new URL('../../../examples/keycloak/realm-export.json', import.meta.url);
const closers: (() => unknown)[] = [];

export interface ConsoleApp {
  base: string;
  storage: SsoStorage;
  sso: Sso;
}

/** An app started with dev-idp. */
export type ConsoleAppWithIdp = ConsoleApp & { idp: DevIdp };

export interface ConsoleAppOptions {
  /** Whether authorizeAdmin lets the admin (alice) in; refused, the console answers its refusal page. */
  admin?: boolean;
  /** `false`: the memory store without its role store (`storage.roles`), a storage that keeps no roles. */
  roleStore?: false;
}

export interface ConsoleAppWithIdpOptions extends ConsoleAppOptions {
  /** Starts dev-idp with the example realm, its SSOKIT_APP_URL the app's origin. */
  idp: true;
  /** More of createSso's options, which may use dev-idp (its issuer). */
  ssoOptions?: (idp: DevIdp) => Partial<SsoOptions>;
}

/**
 * Starts an app with the console on a free port of 127.0.0.1. Use it in a file that called
 * useBrowser(), which closes the app (and its dev-idp) after the file's tests.
 */
export function startConsoleApp(options: ConsoleAppWithIdpOptions): Promise<ConsoleAppWithIdp>;
export function startConsoleApp(options?: ConsoleAppOptions): Promise<ConsoleApp>;
export async function startConsoleApp(
  options: ConsoleAppOptions & Partial<ConsoleAppWithIdpOptions> = {},
): Promise<ConsoleApp & { idp?: DevIdp }> {
  const server = createServer();
  closers.push(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let idp: DevIdp | undefined;
  if (options.idp) {
    idp = await startDevIdp({ realm: readFileSync(REALM_FILE, 'utf8'), env: { SSOKIT_APP_URL: base } });
    closers.push(() => idp?.close());
  }
  const { roles, ...rest } = memoryStorage();
  const storage: SsoStorage = options.roleStore === false ? rest : { ...rest, ...(roles ? { roles } : {}) };
  const sso = createSso({
    baseUrl: base,
    storage,
    secret: 'test-secret-with-at-least-32-characters!',
    authorizeAdmin: () => (options.admin === false ? false : 'alice'),
    adminConsole: adminConsole(),
    ...(idp && options.ssoOptions ? options.ssoOptions(idp) : {}),
  });
  server.on('request', async (req, res) => {
    await writeWebResponse(res, await sso.handle(await toWebRequest(req, base, req.url ?? '/')));
  });
  return { base, storage, sso, ...(idp ? { idp } : {}) };
}

/**
 * One app with dev-idp for all of a file's tests, started before them (when Chromium is there). Its
 * fields are read when used, so they can be named anywhere in the file but used only in tests.
 */
export function useConsoleAppWithIdp(): ConsoleAppWithIdp {
  let app: ConsoleAppWithIdp | undefined;
  beforeAll(async () => {
    if (haveChromium) app = await startConsoleApp({ idp: true });
  }, 60_000);
  const started = (): ConsoleAppWithIdp => {
    if (!app) throw new Error('The console app starts before the tests: use it in them.');
    return app;
  };
  return {
    get base() {
      return started().base;
    },
    get storage() {
      return started().storage;
    },
    get sso() {
      return started().sso;
    },
    get idp() {
      return started().idp;
    },
  };
}

/** Opens a connection's page, starts its test login and signs in as ada on dev-idp's form. */
export async function testLoginAsAda(page: Page, base: string, idpUrl: string, connectionId: string) {
  await page.goto(`${base}/sso/admin#/connections/${connectionId}`);
  await page.getByRole('button', { name: 'Test login' }).click();
  await page.waitForURL((url) => url.href.startsWith(idpUrl));
  await page.fill('#username', 'ada');
  await page.fill('#password', 'ada-demo-password');
  await page.click('#kc-login');
}

/**
 * Registers the file's browser hooks (Chromium, a page per test, a screenshot of a failed test's page)
 * and closes the apps the file started after its tests. `page` and `context` are the running test's.
 */
export function useBrowser(): BrowserHandles {
  const handles = browserHooks(SHOTS);
  afterAll(async () => {
    for (const close of closers.splice(0)) await close();
  });
  return handles;
}
