/**
 * The console in Debian's Chromium (playwright-core, never a downloaded browser): the connections
 * table, its filter, the Active switch (turning off asks first), delete behind a confirmation, focus
 * kept after each, a conflict with a change made elsewhere explained, messages cleared on navigation,
 * keyboard use, the refusal page; and an axe-core scan of each state that finds no serious or critical
 * violation. A failing test leaves a screenshot in test-results/.
 */
import { haveChromium, seriousViolations } from 'ssokit-test-fixtures/browser';
import { describe, expect, it } from 'vitest';
import { startConsoleApp, useBrowser } from './console-app.ts';

const { page } = useBrowser();

/** An app serving only ssokit, its console allowed or refused, over a fresh store with two connections. */
async function startApp(admin: boolean) {
  const app = await startConsoleApp({ admin });
  const { base, storage } = app;
  await storage.connections.create({
    id: 'keycloak',
    name: 'Keycloak',
    protocol: 'oidc',
    provider: 'keycloak',
    active: true,
    oidc: {
      issuer: 'https://sso.example.com/realms/acme',
      clientId: 'app',
      clientSecret: 'shh',
      clientSecretExpiresAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    },
  } as never);
  await storage.connections.create({
    id: 'okta-saml',
    name: 'Okta SAML',
    protocol: 'saml',
    provider: 'okta',
    active: false,
    saml: { idpMetadataUrl: 'https://acme.okta.com/app/x/sso/saml/metadata', spEntityId: `${base}/sso` },
  } as never);
  return app;
}

const row = (id: string) => page.locator(`tr[data-id="${id}"]`);

describe.skipIf(!haveChromium)('the admin console in Chromium', { timeout: 20_000 }, () => {
  it('lists the connections with their columns, filters them, and passes the accessibility scan', async () => {
    const { base } = await startApp(true);
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/sso/admin`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    await expect.poll(() => row('keycloak').locator('th').textContent()).toBe('Keycloak');
    // The provider by its name, as the forms say it, not its id.
    expect(await row('keycloak').locator('td').allTextContents()).toEqual([
      'On',
      'Keycloak',
      'OpenID Connect',
      'keycloak',
      expect.any(String),
      // The soonest expiry, in words: the secret runs out in five days.
      expect.stringMatching(/^Client secret expires in [45] days$/),
      'Delete',
    ]);
    expect(await row('okta-saml').locator('td').nth(1).textContent()).toBe('Okta');
    expect(await row('okta-saml').locator('td').nth(5).textContent()).toBe('Nothing known');
    // The switch is named by the connection alone; aria-checked gives its state.
    const oktaSwitch = page.getByRole('switch', { name: 'Okta SAML', exact: true });
    expect(await oktaSwitch.getAttribute('aria-checked')).toBe('false');
    // The table scrolls in a labelled region the keyboard reaches (200% zoom, narrow screens).
    const region = page.getByRole('region', { name: 'Connections table' });
    expect(await region.getAttribute('tabindex')).toBe('0');
    expect(await region.locator('table').count()).toBe(1);
    // The page says where it is: the window title and the current navigation link.
    expect(await page.title()).toBe('Connections · Identity providers');
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('link', { name: 'Connections' }).getAttribute('aria-current')).toBe('page');
    expect(await nav.getByRole('link', { name: 'Roles and groups' }).getAttribute('aria-current')).toBeNull();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Filter connections').fill('saml');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('.count').textContent()).toBe('1 of 2 connections');
    await page.getByLabel('Filter connections').fill('nothing-like-it');
    await expect
      .poll(() => page.locator('.count').textContent())
      .toBe('No connection matches “nothing-like-it”.');
    // The CSP allowed everything the console needs: no error in the console.
    expect(errors).toEqual([]);
  });

  it('the Active switch turns on at once, asks before turning off, says so in words, and keeps the focus', async () => {
    const { base, storage } = await startApp(true);
    await page.goto(`${base}/sso/admin`);
    const focusedRow = () => page.evaluate(() => document.activeElement?.closest('tr')?.dataset.id);
    const focusedRole = () => page.evaluate(() => document.activeElement?.getAttribute('role'));
    // On: with the keyboard, no question; the focus stays on the (re-rendered) switch.
    const okta = row('okta-saml').getByRole('switch');
    await expect.poll(() => okta.getAttribute('aria-checked')).toBe('false');
    await okta.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('“Okta SAML” is active');
    expect(await row('okta-saml').getByRole('switch').getAttribute('aria-checked')).toBe('true');
    expect([await focusedRow(), await focusedRole()]).toEqual(['okta-saml', 'switch']);
    // Off ends sessions: it asks first, like delete. Escape keeps the connection on.
    await row('keycloak').getByRole('switch').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByRole('heading').textContent()).toBe('Turn off “Keycloak”?');
    expect(await dialog.textContent()).toContain('sessions');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect((await storage.connections.get('keycloak'))?.active).toBe(true);
    await row('keycloak').getByRole('switch').click();
    await dialog.getByRole('button', { name: 'Turn off' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('“Keycloak” is disabled');
    expect(await row('keycloak').getByRole('switch').getAttribute('aria-checked')).toBe('false');
    expect((await storage.connections.get('keycloak'))?.active).toBe(false);
    expect([await focusedRow(), await focusedRole()]).toEqual(['keycloak', 'switch']);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('a change made elsewhere meanwhile is a conflict the page explains, with a reload that shows it', async () => {
    const { base, storage } = await startApp(true);
    await page.goto(`${base}/sso/admin`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    // Another admin, in another tab, renames it.
    const current = await storage.connections.get('keycloak');
    await storage.connections.update(
      'keycloak',
      { name: 'Keycloak (prod)' },
      {
        expectedUpdatedAt: current?.updatedAt as Date,
      },
    );
    await row('keycloak').getByRole('switch').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Turn off' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Someone else changed this connection');
    expect((await storage.connections.get('keycloak'))?.active).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await alert.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => row('keycloak').locator('th').textContent()).toBe('Keycloak (prod)');
  });

  it("delete asks first: cancel keeps the connection, confirming deletes it; focus goes to the next row's name, then the filter", async () => {
    const { base, storage } = await startApp(true);
    await page.goto(`${base}/sso/admin`);
    await row('keycloak').getByRole('button', { name: 'Delete Keycloak' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByRole('heading').textContent()).toBe('Delete “Keycloak”?');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await storage.connections.get('keycloak')).not.toBeNull();
    await row('keycloak').getByRole('button', { name: 'Delete Keycloak' }).click();
    await dialog.getByRole('button', { name: 'Delete connection' }).click();
    await expect.poll(() => row('keycloak').count()).toBe(0);
    expect(await storage.connections.get('keycloak')).toBeNull();
    expect(await page.getByRole('status').textContent()).toBe('“Keycloak” was deleted.');
    const focused = () =>
      page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
    expect(await focused()).toBe('Okta SAML');
    await row('okta-saml').getByRole('button', { name: 'Delete Okta SAML' }).click();
    await dialog.getByRole('button', { name: 'Delete connection' }).click();
    await expect.poll(() => row('okta-saml').count()).toBe(0);
    expect(await focused()).toBe('connection-filter');
  });

  it('messages clear on the next navigation; the one a save leads to is kept for its page', async () => {
    const { base, storage } = await startApp(true);
    await page.goto(`${base}/sso/admin`);
    await row('okta-saml').getByRole('switch').click();
    // Located by CSS: an empty region is hidden, which getByRole would not find.
    const status = page.locator('.notices [role="status"]');
    await expect.poll(() => status.textContent()).toContain('is active');
    const nav = page.getByRole('navigation', { name: 'Console' });
    await nav.getByRole('link', { name: 'Roles and groups' }).click();
    await expect.poll(() => status.textContent()).toBe('');
    expect(await page.title()).toBe('Roles and groups · Identity providers');
    // An error banner clears too.
    await storage.connections.delete('okta-saml');
    await page.goto(`${base}/sso/admin#/connections/okta-saml`);
    const alert = page.locator('.notices [role="alert"]');
    await expect.poll(() => alert.textContent()).toContain('The server refused');
    await page.getByRole('link', { name: '← All connections' }).click();
    await expect.poll(() => alert.textContent()).toBe('');
    // Deleted from its own page: the message is kept for the table the deletion leads to, then cleared.
    await page.getByRole('link', { name: 'Keycloak' }).click();
    await page.getByRole('button', { name: 'Delete connection' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete connection' }).click();
    await page.waitForURL((url) => url.hash === '#/');
    await expect.poll(() => status.textContent()).toBe('“Keycloak” was deleted.');
    expect(await storage.connections.get('keycloak')).toBeNull();
    await nav.getByRole('link', { name: 'Roles and groups' }).click();
    await expect.poll(() => status.textContent()).toBe('');
  });

  it('someone who is not an administrator gets the refusal page, which passes the scan too', async () => {
    const { base } = await startApp(false);
    const response = await page.goto(`${base}/sso/admin`);
    expect(response?.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Administrators only');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
