/**
 * The Express example in Debian's Chromium (playwright-core, never a downloaded browser), against the
 * bundled dev-idp seeded from examples/keycloak/realm-export.json: a person types their password at the
 * IdP and clicks through the app, and an administrator manages the identity providers in ssokit's
 * console at /sso/admin (each console page passes an axe-core scan). A failing test leaves a
 * screenshot in examples/express/test-results/.
 */
import type { DevIdp } from '@ssokit/dev-idp';
import { describe, expect, it } from 'vitest';
import { createExampleApp, type ExampleApp } from '../src/app.ts';
import {
  consoleField,
  consoleRow,
  haveChromium,
  openConsole,
  seriousViolations,
  signIn as signInAt,
  useExampleInBrowser,
} from '../src/browser-kit.ts';

const SHOTS = new URL('../test-results/', import.meta.url).pathname;
let idp: DevIdp;
let example: ExampleApp;
let base = '';
const { browser, page } = useExampleInBrowser(SHOTS, async (started) => {
  ({ base, idp } = started);
  example = await createExampleApp({ baseUrl: base, idpUrl: idp.url });
  return { listener: example.app };
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
    // The host's own admin page, next to the console in the header.
    await page.click('[data-testid="nav-memberships"]');
    await page.waitForURL(`${base}/admin/memberships`);
    await page.selectOption('[data-testid="manual-user"]', 'ada@example.com');
    await page.selectOption('[data-testid="manual-group"]', 'reading-club');
    await page.click('[data-testid="manual-add"]');
    await page.waitForURL(`${base}/admin/memberships`);
    expect(await page.locator('[data-testid="manual-membership"]').allInnerTexts()).toEqual([
      'ada@example.com\treading-club',
    ]);
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

  it('an admin opens the console from the header, turns a connection off (its button disappears) and on, and runs Test Provider', async () => {
    await signIn('keycloak-pkce', 'ada');
    // The profile points an administrator at the console; the header's link opens it.
    expect(await page.locator('[data-testid="admin-next"] a').getAttribute('href')).toBe('/sso/admin');
    await openConsole(page, base);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
    for (const [id, name] of [
      ['keycloak-pkce', 'Keycloak (OIDC, code + PKCE)'],
      ['keycloak-implicit', 'Keycloak (OIDC, implicit form_post)'],
      ['keycloak-saml', 'Keycloak (SAML)'],
    ] as const)
      expect(await consoleRow(page, id).locator('th').textContent()).toBe(name);
    expect(await seriousViolations(page)).toEqual([]);

    const saml = consoleRow(page, 'keycloak-saml').getByRole('switch');
    expect(await saml.getAttribute('aria-checked')).toBe('true');
    await saml.click();
    // Turning a connection off ends its sessions: the console asks first.
    await page.getByRole('dialog').getByRole('button', { name: 'Turn off' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('“Keycloak (SAML)” is disabled');
    await page.goto(`${base}/`);
    expect(await page.locator('[data-testid="login-keycloak-saml"]').count()).toBe(0);
    expect(await page.locator('[data-testid="login-keycloak-pkce"]').count()).toBe(1);
    await openConsole(page, base);
    await consoleRow(page, 'keycloak-saml').getByRole('switch').click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('“Keycloak (SAML)” is active');
    await page.goto(`${base}/`);
    expect(await page.locator('[data-testid="login-keycloak-saml"]').count()).toBe(1);

    // Test Provider: the connection's page runs the checks, and shows what to register at the IdP.
    await openConsole(page, base);
    await page.getByRole('link', { name: 'Keycloak (OIDC, code + PKCE)' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 3 }).first().textContent()).toBe('Checks: OK');
    expect(await page.locator('.findings .finding-error').count()).toBe(0);
    expect(await page.locator('.findings .finding-ok').count()).toBeGreaterThan(3);
    expect(await page.locator('.values').textContent()).toContain(`${base}/sso/oidc/callback`);
    expect(await seriousViolations(page)).toEqual([]);
    // The live test login: through the IdP (where ada's session spares her the form) and back to its
    // report, which shows what a login would do (the old page's mapping preview).
    // Every address the page navigates to, recorded as it happens: once loaded, the console reads
    // ?testLogin= and takes it out of the address, possibly before a waitForURL would start.
    const visited: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) visited.push(frame.url());
    });
    await page.getByRole('button', { name: 'Test login' }).click();
    await expect.poll(() => visited.some((url) => url.startsWith(`${base}/sso/admin?testLogin=`))).toBe(true);
    const report = page.locator('.test-area').nth(1);
    await expect
      .poll(() => report.getByRole('heading', { level: 3 }).first().textContent())
      .toBe('Test login: a login would succeed');
    expect(await report.textContent()).toContain('admins');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('an admin adds a connection through its guided form, someone signs in with it, and deleting it removes its button', async () => {
    await signIn('keycloak-pkce', 'ada');
    await openConsole(page, base);
    await page.getByRole('link', { name: 'Add a connection' }).click();
    await page.locator('a[href="#/new/keycloak-oidc"]').click();
    await page.getByRole('button', { name: 'Create connection' }).waitFor();
    for (const [label, value] of Object.entries({
      'Display name': 'Keycloak (added in the console)',
      'Connection ID': 'kc-console',
      'Keycloak URL': idp.url,
      Realm: 'ssokit-demo',
      'Client ID': 'ssokit-pkce',
    }))
      await consoleField(page, label).fill(value);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.waitForURL((url) => url.hash === '#/connections/kc-console');
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Keycloak (added in the console)');
    expect(await example.storage.connections.get('kc-console')).toMatchObject({
      protocol: 'oidc',
      active: true, // the form's Active switch is on unless turned off
      oidc: { issuer: idp.issuer, clientId: 'ssokit-pkce' },
    });
    await page.getByRole('link', { name: '← All connections' }).click();
    expect(await consoleRow(page, 'kc-console').getByRole('switch').getAttribute('aria-checked')).toBe(
      'true',
    );
    await page.goto(`${base}/`);
    expect(await page.locator('[data-testid="login-kc-console"]').count()).toBe(1);

    // Grace signs in with it. Her IdP group ml-engineers gives no role here: only the three demo
    // connections may grant the demo's roles, so a connection added later gives the default role.
    const other = await browser.newContext();
    try {
      const grace = await other.newPage();
      await signInAt(grace, base, idp.url, 'kc-console', 'grace');
      expect(await grace.textContent('[data-testid="connection"]')).toBe('kc-console');
      expect(await grace.textContent('[data-testid="roles"]')).toBe('viewers');
    } finally {
      await other.close();
    }

    await page.goto(`${base}/sso/admin`);
    await consoleRow(page, 'kc-console')
      .getByRole('button', { name: 'Delete Keycloak (added in the console)' })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete connection' }).click();
    await expect.poll(() => consoleRow(page, 'kc-console').count()).toBe(0);
    await page.goto(`${base}/`);
    expect(await page.locator('[data-testid="login-kc-console"]').count()).toBe(0);
  });

  it("someone who is not an administrator has no admin links and gets the console's refusal page (403)", async () => {
    await signIn('keycloak-pkce', 'grace');
    expect(await page.textContent('[data-testid="roles"]')).toBe('ml-engineers');
    expect(await page.locator('[data-testid="nav-console"]').count()).toBe(0);
    expect(await page.locator('[data-testid="admin-next"]').count()).toBe(0);
    const refused = await page.goto(`${base}/sso/admin`);
    expect(refused?.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Administrators only');
    expect(await seriousViolations(page)).toEqual([]);
    // Nor the host's own admin page, nor the admin API.
    expect((await page.goto(`${base}/admin/memberships`))?.status()).toBe(403);
    expect((await page.request.get(`${base}/sso/admin/connections`)).status()).toBe(403);
  });
});
