/**
 * The Express example in Debian's Chromium (playwright-core, never a downloaded browser), against the
 * bundled dev-idp seeded from examples/keycloak/realm-export.json: a person types their password at the
 * IdP and clicks through the app. A failing test leaves a screenshot in examples/express/test-results/.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { DevIdp } from '@ssokit/dev-idp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createExampleApp, type ExampleApp } from '../src/app.ts';
import {
  haveChromium,
  launchChromium,
  requireChromiumInCi,
  signIn as signInAt,
  startIdpFor,
} from '../src/browser-kit.ts';

const SHOTS = new URL('../test-results/', import.meta.url).pathname;
requireChromiumInCi();

let idp: DevIdp;
let example: ExampleApp;
let server: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base = '';

beforeAll(async () => {
  if (!haveChromium) return;
  const started = await startIdpFor();
  ({ server, base, idp } = started);
  example = await createExampleApp({ baseUrl: base, idpUrl: idp.url });
  started.serve(example.app);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  await idp?.close();
});

beforeEach(async () => {
  if (!haveChromium) return;
  context = await browser.newContext();
  page = await context.newPage();
});
afterEach(async (test) => {
  // A failed test leaves a screenshot of the page it stopped on, before the page is closed.
  if (test.task.result?.state === 'fail' && page) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({
      path: `${SHOTS}${test.task.name.replace(/[^a-z0-9]+/gi, '-')}.png`,
      fullPage: true,
    });
  }
  await context?.close();
});

const signIn = (connectionId: string, user: 'ada' | 'grace' | 'linus') =>
  signInAt(page, base, idp.url, connectionId, user);

const memberships = async () =>
  (await page.locator('[data-testid="membership"]').allInnerTexts())
    .map((t) => t.replace(/\s+/g, ' ').trim())
    .sort();

describe.skipIf(!haveChromium)('the Express example in Chromium', () => {
  for (const [connectionId, label] of [
    ['keycloak-pkce', 'OIDC code + PKCE'],
    ['keycloak-implicit', 'OIDC implicit form_post (a cross-site POST to the callback)'],
    ['keycloak-saml', 'SAML (a cross-site POST to the ACS)'],
  ] as const) {
    it(`signs in with ${label}, shows profile, roles and groups, and signs out`, async () => {
      await signIn(connectionId, 'ada');
      expect(await page.textContent('[data-testid="name"]')).toBe('Ada Lovelace');
      expect(await page.textContent('[data-testid="roles"]')).toBe('admins, ml-engineers');
      expect(await page.textContent('[data-testid="connection"]')).toBe(connectionId);
      // One row per group, listing every connection (and admin) that put the user in it.
      const rows = await memberships();
      for (const group of ['admins', 'ml-engineers']) {
        const row = rows.filter((r) => r.startsWith(`${group} `));
        expect(row, group).toHaveLength(1);
        expect(row[0]).toContain(`synced from ${connectionId}`);
      }
      await page.click('[data-testid="logout"]');
      await page.waitForURL(`${base}/`);
      expect(await page.locator('[data-testid="me"]').count()).toBe(0);
      // Signed out at the IdP too: the next sign-in asks for the password again.
      await page.click(`[data-testid="login-${connectionId}"]`);
      await page.waitForSelector('#password');
    });
  }

  it('groups changed at the IdP are added and removed at the next sign-in; a manual membership survives', async () => {
    await signIn('keycloak-pkce', 'ada');
    await page.goto(`${base}/admin`);
    await page.selectOption('[data-testid="manual-user"]', 'ada@example.com');
    await page.selectOption('[data-testid="manual-group"]', 'reading-club');
    await page.click('[data-testid="manual-add"]');
    await page.waitForURL(`${base}/admin`);
    idp.setUserGroups('ada', ['/admins', '/viewers']);
    try {
      await page.click('[data-testid="logout"]');
      await page.waitForURL(`${base}/`);
      await signIn('keycloak-pkce', 'ada');
      const now = await memberships();
      const row = (group: string) => now.find((r) => r.startsWith(`${group} `)) ?? '';
      expect(row('admins')).toContain('synced from keycloak-pkce');
      expect(row('viewers')).toContain('synced from keycloak-pkce');
      expect(row('reading-club')).toBe('reading-club manual (added by an admin)');
      expect(row('ml-engineers')).not.toContain('synced from keycloak-pkce');
    } finally {
      idp.setUserGroups('ada', ['/admins', '/ml-engineers']);
    }
  });

  it('an admin turns a connection off and its button disappears; Test Provider shows the report', async () => {
    await signIn('keycloak-pkce', 'ada');
    await page.goto(`${base}/admin`);
    await page.waitForSelector('[data-testid="row-keycloak-saml"]');
    await page.uncheck('[data-testid="active-keycloak-saml"]');
    await page.waitForSelector('[data-testid="message"]:has-text("Deactivated")');
    await page.goto(`${base}/`);
    expect(await page.locator('[data-testid="login-keycloak-saml"]').count()).toBe(0);
    expect(await page.locator('[data-testid="login-keycloak-pkce"]').count()).toBe(1);

    await page.goto(`${base}/admin`);
    await page.waitForSelector('[data-testid="row-keycloak-saml"]');
    await page.check('[data-testid="active-keycloak-saml"]');
    await page.waitForSelector('[data-testid="message"]:has-text("Activated")');
    await page.click('[data-testid="test-keycloak-pkce"]');
    await page.fill(
      '[data-testid="sample"]',
      JSON.stringify({
        claims: { sub: 'x-1', email: 'x@example.com', email_verified: true, groups: ['viewers'] },
      }),
    );
    await page.click('[data-testid="run-test"]');
    await page.waitForSelector('[data-testid="report-status"]');
    expect(await page.textContent('[data-testid="report-status"]')).toBe('ok');
    expect(await page.locator('[data-testid="finding"]').count()).toBeGreaterThan(4);
    expect(await page.textContent('[data-testid="preview"]')).toContain('"would-succeed"');

    // A non-admin is refused the admin API.
    await page.click('[data-testid="logout"]');
    await page.waitForURL(`${base}/`);
    await signIn('keycloak-pkce', 'linus');
    const refused = await page.goto(`${base}/admin`);
    expect(refused?.status()).toBe(403);
  });
});
