/**
 * What the examples' browser tests share: dev-idp seeded from the example realm for an app on any
 * port, Debian's Chromium through playwright-core (never a downloaded browser), a sign-in through the
 * login page and the IdP's form, the axe-core scan and failure screenshots, and how to find things in
 * the Identity providers console (`@ssokit/admin-ui` at /sso/admin).
 */
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DevIdp, startDevIdp } from '@ssokit/dev-idp';
import type { Page } from 'playwright-core';

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
