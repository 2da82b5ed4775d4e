/**
 * The Nest example in Debian's Chromium against dev-idp: OIDC and SAML sign-ins, the Identity providers
 * console that SsoModule serves at /sso/admin (admins only), and @Roles on the host's memberships page.
 */
import type { Server } from 'node:http';
import type { DevIdp } from '@ssokit/dev-idp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  consoleRow,
  haveChromium,
  launchChromium,
  openConsole,
  requireChromiumInCi,
  screenshotIfFailed,
  seriousViolations,
  signIn,
  startIdpFor,
} from 'ssokit-example-express/browser-kit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNestExample, type NestExample } from '../src/app.ts';

const SHOTS = new URL('../test-results/', import.meta.url).pathname;
requireChromiumInCi();
let idp: DevIdp;
let server: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let example: NestExample;
let base = '';

beforeAll(async () => {
  if (!haveChromium) return;
  const started = await startIdpFor();
  ({ server, base, idp } = started);
  example = await createNestExample({ baseUrl: base, idpUrl: idp.url });
  started.serve(example.expressApp);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await example?.app.close();
  server?.close();
  await idp?.close();
});
beforeEach(async () => {
  if (!haveChromium) return;
  context = await browser.newContext();
  page = await context.newPage();
});
afterEach(async (test) => {
  await screenshotIfFailed(page, test, SHOTS);
  await context?.close();
});

describe.skipIf(!haveChromium)('the Nest example in Chromium', () => {
  it('signs in with OIDC code + PKCE; the admin opens the console from the header and adds a manual membership', async () => {
    await signIn(page, base, idp.url, 'keycloak-pkce', 'ada');
    expect(await page.textContent('[data-testid="roles"]')).toBe('admins, ml-engineers');
    await openConsole(page, base);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
    expect(await consoleRow(page, 'keycloak-pkce').locator('th').textContent()).toBe(
      'Keycloak (OIDC, code + PKCE)',
    );
    expect(await seriousViolations(page)).toEqual([]);
    // The host's own admin page, behind the same role: its form posts through this framework.
    await page.goto(`${base}/profile`);
    await page.click('[data-testid="nav-memberships"]');
    await page.selectOption('[data-testid="manual-group"]', 'reading-club');
    await page.click('[data-testid="manual-add"]');
    await page.waitForURL(`${base}/admin/memberships`);
    expect(await page.locator('[data-testid="manual-membership"]').allInnerTexts()).toEqual([
      'ada@example.com\treading-club',
    ]);
  });

  it('signs in with SAML; @Roles and the console refuse a non-admin (403)', async () => {
    await signIn(page, base, idp.url, 'keycloak-saml', 'linus');
    expect(await page.textContent('[data-testid="roles"]')).toBe('viewers');
    expect(await page.locator('[data-testid="nav-console"]').count()).toBe(0);
    expect((await page.goto(`${base}/sso/admin`))?.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Administrators only');
    expect((await page.goto(`${base}/admin/memberships`))?.status()).toBe(403);
  });
});
