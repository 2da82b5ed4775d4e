/**
 * What the examples' browser tests share: dev-idp seeded from the example realm for an app on any
 * port, Debian's Chromium through playwright-core (never a downloaded browser), the hooks that start an
 * example and give each test a page (useExampleInBrowser), a sign-in through the login page and the
 * IdP's form, the axe-core scan and failure screenshots, and how to find things in the Identity
 * providers console (`@ssokit/admin-ui` at /sso/admin).
 */
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DevIdp, startDevIdp } from '@ssokit/dev-idp';
import type { Page } from 'playwright-core';
import {
  type BrowserHandles,
  haveChromium,
  seriousViolations,
  useBrowser,
} from 'ssokit-test-fixtures/browser';
import { afterAll, beforeAll, expect } from 'vitest';

export {
  CHROMIUM,
  haveChromium,
  launchChromium,
  requireChromiumInCi,
  screenshotIfFailed,
  seriousViolations,
} from 'ssokit-test-fixtures/browser';
export const PASSWORDS = {
  ada: 'ada-demo-password',
  grace: 'grace-demo-password',
  linus: 'linus-demo-password',
} as const;

/** A listening server for an app not built yet, and dev-idp with the example realm pointed at it. */
export async function startIdpFor(): Promise<{
  server: Server;
  base: string;
  idp: DevIdp;
  serve(app: RequestListener): void;
}> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const realm = readFileSync(new URL('../../keycloak/realm-export.json', import.meta.url), 'utf8');
  const idp = await startDevIdp({ realm, env: { SSOKIT_APP_URL: base } });
  return { server, base, idp, serve: (app) => server.on('request', app) };
}

/** An example app an example's browser test builds for dev-idp and the server startIdpFor made. */
export interface ExampleToServe {
  /** What answers the server's requests. */
  listener: RequestListener;
  /** Closes what the app holds open besides the server (Nest's application). */
  close?: () => unknown;
}

/**
 * Registers an example's browser test hooks: before the file, dev-idp and a server (startIdpFor) for the
 * app `start` builds for them, and Chromium; a page per test with a screenshot in `shots` when it
 * fails (useBrowser); after the file, the app, server and dev-idp closed. Nothing starts without
 * Chromium. `page` and `context` are the running test's, `browser` the file's; `base` and `idp` are
 * read once the app has started (in tests).
 */
export function useExampleInBrowser(
  shots: string,
  start: (started: { base: string; idp: DevIdp }) => Promise<ExampleToServe>,
): BrowserHandles & { readonly base: string; readonly idp: DevIdp } {
  let started: Awaited<ReturnType<typeof startIdpFor>> | undefined;
  let example: ExampleToServe | undefined;
  beforeAll(async () => {
    if (!haveChromium) return;
    started = await startIdpFor();
    example = await start(started);
    started.serve(example.listener);
  }, 60_000);
  afterAll(async () => {
    await example?.close?.();
    started?.server.close();
    await started?.idp.close();
  });
  const ready = () => {
    if (!started) throw new Error('The example starts before the tests: read base and idp in them.');
    return started;
  };
  return {
    ...useBrowser(shots),
    get base() {
      return ready().base;
    },
    get idp() {
      return ready().idp;
    },
  };
}

/** Fills the IdP's login form (dev-idp and Keycloak share its ids). */
export async function typePassword(page: Page, user: keyof typeof PASSWORDS): Promise<void> {
  await page.fill('#username', user);
  await page.fill('#password', PASSWORDS[user]);
  await page.click('#kc-login');
}

/** A connection's row in the console's table. */
export const consoleRow = (page: Page, connectionId: string) => page.locator(`tr[data-id="${connectionId}"]`);

/** A field of one of the console's forms by its label, which ends with " (required)" when it is. */
export const consoleField = (page: Page, label: string) =>
  page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(required\\))?$`));

/** Opens the console from the header's "Identity providers" link and waits for its table. */
export async function openConsole(page: Page, base: string): Promise<void> {
  await page.click('[data-testid="nav-console"]');
  await page.waitForURL(`${base}/sso/admin`);
  await page.locator('tbody tr').first().waitFor();
}

/** Clicks a provider on the login page, types the password at the IdP, and waits for the profile. */
export async function signIn(
  page: Page,
  base: string,
  idpUrl: string,
  connectionId: string,
  user: keyof typeof PASSWORDS,
): Promise<void> {
  await page.goto(`${base}/`);
  await page.click(`[data-testid="login-${connectionId}"]`);
  await page.waitForURL((url) => url.href.startsWith(idpUrl));
  await typePassword(page, user);
  await page.waitForURL(`${base}/profile`);
}

/**
 * What an admin does in each framework's example: ada signs in through `connectionId` (her roles:
 * admins, ml-engineers), opens the console from the header and finds the example's connections (the
 * page passing the axe-core scan), then adds a manual membership on the host's own admin page, behind
 * the same role, whose form posts through the framework.
 */
export async function expectAdminAddsManualMembership(
  page: Page,
  { base, idp }: { base: string; idp: DevIdp },
  connectionId: string,
): Promise<void> {
  await signIn(page, base, idp.url, connectionId, 'ada');
  expect(await page.textContent('[data-testid="roles"]')).toBe('admins, ml-engineers');
  await openConsole(page, base);
  await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
  expect(await consoleRow(page, 'keycloak-pkce').locator('th').textContent()).toBe(
    'Keycloak (OIDC, code + PKCE)',
  );
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(`${base}/profile`);
  await page.click('[data-testid="nav-memberships"]');
  await page.selectOption('[data-testid="manual-group"]', 'reading-club');
  await page.click('[data-testid="manual-add"]');
  await page.waitForURL(`${base}/admin/memberships`);
  expect(await page.locator('[data-testid="manual-membership"]').allInnerTexts()).toEqual([
    'ada@example.com\treading-club',
  ]);
}

/**
 * What a non-admin meets in each framework's example: `user` signs in through `connectionId` and has
 * only `roles`; no console link in the header, and 403 from the console and the host's admin page.
 */
export async function expectNonAdminRefused(
  page: Page,
  { base, idp }: { base: string; idp: DevIdp },
  connectionId: string,
  user: 'grace' | 'linus',
  roles: string,
): Promise<void> {
  await signIn(page, base, idp.url, connectionId, user);
  expect(await page.textContent('[data-testid="roles"]')).toBe(roles);
  expect(await page.locator('[data-testid="nav-console"]').count()).toBe(0);
  expect((await page.goto(`${base}/sso/admin`))?.status()).toBe(403);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Administrators only');
  expect((await page.goto(`${base}/admin/memberships`))?.status()).toBe(403);
}
