/**
 * A connection's page in Chromium, against dev-idp, in an app that defines no roles: its own Active
 * switch and Delete, Run checks that keeps the focus and sums up in the status region, the copy buttons
 * with and without the clipboard API, the test login's report read once (for its connection) and what
 * it says when groups gave no role, the Roles and groups page with no roles, and the layout at 200%
 * zoom. Each state passes an axe-core scan.
 */
import { haveChromium, seriousViolations } from 'ssokit-test-fixtures/browser';
import { describe, expect, it } from 'vitest';
import { startConsoleApp, testLoginAsAda, useBrowser } from './console-app.ts';

const { page, context } = useBrowser();

/** An app with the console and no roles, two connections to dev-idp (one of them inactive). */
async function startApp() {
  const app = await startConsoleApp({ idp: true });
  for (const [id, name, active] of [
    ['keycloak', 'Keycloak', false],
    ['other', 'Other', true],
  ] as const)
    await app.storage.connections.create({
      id,
      name,
      protocol: 'oidc',
      provider: 'keycloak',
      active,
      oidc: { issuer: app.idp.issuer, clientId: 'ssokit-pkce', pkce: 'S256' },
    } as never);
  return app;
}

const status = () => page.locator('.notices [role="status"]');
const alert = () => page.locator('.notices [role="alert"]');
const focused = () => page.evaluate(() => document.activeElement?.textContent);

describe.skipIf(!haveChromium)("a connection's own page in Chromium", { timeout: 30_000 }, () => {
  it('has its Active switch and Delete; Run checks keeps the focus and sums up in the status region', async () => {
    const { base, storage } = await startApp();
    await page.goto(`${base}/sso/admin#/connections/keycloak`);
    await expect.poll(() => page.locator('.test-area h3').first().textContent()).toBe('Checks: Warning');
    expect(await page.title()).toBe('Keycloak · Identity providers');
    // The provider by its form's name, not its id.
    expect(await page.locator('.meta').textContent()).toContain('OpenID Connect · Keycloak · keycloak');
    // The checks' area is not a live region; a run the admin starts is announced in one line.
    expect(await page.locator('[aria-live]').evaluateAll((els) => els.map((e) => e.className))).toEqual([
      'notice notice-ok',
    ]);
    const run = page.getByRole('button', { name: 'Run checks' });
    // While it runs the button is aria-disabled, never disabled (which would drop the focus).
    await run.evaluate((button) => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver((changes) =>
        seen.push(...changes.map((c) => `${c.attributeName}=${button.getAttribute(c.attributeName ?? '')}`)),
      ).observe(button, { attributes: true });
    });
    await run.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => status().textContent()).toBe('Checks: Warning (0 errors, 1 warning).');
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
      'aria-disabled=true',
      'aria-disabled=null',
    ]);
    expect(await run.getAttribute('aria-disabled')).toBeNull();
    expect(await focused()).toBe('Run checks');
    // Turning it on asks nothing; the focus stays on the switch, named Active here.
    const active = page.getByRole('switch', { name: 'Active' });
    expect(await active.getAttribute('aria-checked')).toBe('false');
    await active.click();
    await expect.poll(() => status().textContent()).toContain('“Keycloak” is active');
    expect(await page.getByRole('switch', { name: 'Active' }).getAttribute('aria-checked')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('switch');
    expect((await storage.connections.get('keycloak'))?.active).toBe(true);
    // Turning it off asks, like delete.
    await page.getByRole('switch', { name: 'Active' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByRole('heading').textContent()).toBe('Turn off “Keycloak”?');
    await dialog.getByRole('button', { name: 'Turn off' }).click();
    await expect.poll(() => status().textContent()).toContain('“Keycloak” is disabled');
    expect((await storage.connections.get('keycloak'))?.active).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Delete connection' }).click();
    await dialog.getByRole('button', { name: 'Delete connection' }).click();
    await page.waitForURL((url) => url.hash === '#/');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await status().textContent()).toBe('“Keycloak” was deleted.');
    expect(await storage.connections.get('keycloak')).toBeNull();
  });

  it('copies a value when the clipboard allows it; otherwise selects it and says how to copy', async () => {
    const { base } = await startApp();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.goto(`${base}/sso/admin#/connections/keycloak`);
    const copy = page.getByRole('button', { name: /^Copy Redirect URI/ });
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe('Copied');
    expect(await status().textContent()).toMatch(/^Redirect URI .*: copied\.$/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${base}/sso/oidc/callback`);

    // Plain http off localhost has no clipboard API: "Copied" would be a lie.
    const bare = await context.newPage();
    await bare.addInitScript(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
    await bare.goto(`${base}/sso/admin#/connections/keycloak`);
    const copyBare = bare.getByRole('button', { name: /^Copy Redirect URI/ });
    await copyBare.click();
    await expect
      .poll(() => bare.locator('.notices [role="status"]').textContent())
      .toMatch(/is selected: press Ctrl\+C \(⌘C on a Mac\) to copy it\.$/);
    expect(await copyBare.textContent()).toBe('Copy');
    expect(await bare.evaluate(() => getSelection()?.toString())).toBe(`${base}/sso/oidc/callback`);
    expect(await seriousViolations(bare)).toEqual([]);
  });

  it("a test login's report shows once, for its connection, then leaves the URL; groups with no role point to Roles and groups", async () => {
    const { base, idp } = await startApp();
    await testLoginAsAda(page, base, idp.url, 'keycloak');
    await page.waitForURL((url) => url.href.startsWith(`${base}/sso/admin`));
    const report = page.locator('.test-area').nth(1);
    await expect
      .poll(() => report.getByRole('heading', { level: 3 }).first().textContent())
      .toBe('Test login: a login would succeed');
    // Read once, then dropped from the URL: the hash stays.
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('#/connections/keycloak');
    expect(await report.textContent()).toContain('Roles: none');
    const hint = report.locator('.hint', { hasText: 'none of them gives a role' });
    expect(await hint.count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    // Another connection's page shows no report and no "expired" refusal; nor does this one again.
    for (const id of ['other', 'keycloak']) {
      await page.goto(`${base}/sso/admin#/connections/${id}`);
      await expect.poll(() => page.locator('.test-area h3').first().textContent()).toMatch(/^Checks:/);
      expect(await page.locator('.test-area').nth(1).textContent()).toBe('');
      expect(await alert().textContent()).toBe('');
    }
    // The hint's link: the Roles and groups page says where roles come from.
    await page.goto(`${base}/sso/admin#/roles`);
    await expect.poll(() => page.locator('.empty-roles').textContent()).toContain('createSso({ roles })');
    expect(await page.locator('.empty-roles').textContent()).toContain('from this page');
    expect(await page.getByRole('link', { name: 'Add a role' }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('at 200% zoom (640 CSS pixels wide) the values stack and wrap, and nothing but the table scrolls sideways', async () => {
    const { base } = await startApp();
    await page.setViewportSize({ width: 640, height: 800 });
    await page.goto(`${base}/sso/admin#/connections/keycloak`);
    await expect.poll(() => page.locator('.values dt').count()).toBeGreaterThan(0);
    const [dt, dd] = await Promise.all([
      page.locator('.values dt').first().boundingBox(),
      page.locator('.values dd').first().boundingBox(),
    ]);
    expect(dd?.x).toBe(dt?.x);
    expect(dd?.y).toBeGreaterThan(dt?.y ?? 0);
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await page.getByRole('region', { name: 'Each setting, its value and its source' }).count()).toBe(
      1,
    );
    await page.goto(`${base}/sso/admin`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
