/**
 * One connection's page in Chromium, against dev-idp (seeded from the example Keycloak realm): the
 * values to register with copy buttons, Test Provider's checks, the live test login through dev-idp's
 * form that comes back to its report and writes nothing, and the effective configuration with a field
 * the environment fixes shown read-only. Each state passes an axe-core scan.
 */
import { loadWandbEnv, wandbSettings } from '@ssokit/config';
import { haveChromium, seriousViolations } from 'ssokit-test-fixtures/browser';
import { describe, expect, it } from 'vitest';
import { startConsoleApp, testLoginAsAda, useBrowser } from './console-app.ts';

const { page, context } = useBrowser();

/** An app on a free port with the console, and dev-idp's realm pointed at it. */
async function startApp(options: { env?: Record<string, string> } = {}) {
  const app = await startConsoleApp({
    idp: true,
    ssoOptions: (idp) => ({
      roles: {
        roleDefinitions: [
          { name: 'admins', grantedBy: ['keycloak'], description: 'Manage everything' },
          { name: 'viewers', grantedBy: ['*'] },
        ],
        rules: [{ match: 'glob', pattern: 'ml-*', role: 'viewers' }],
      },
      ...(options.env
        ? { settings: wandbSettings(loadWandbEnv({ ...options.env, OIDC_ISSUER: idp.issuer })) }
        : {}),
    }),
  });
  if (!options.env)
    await app.storage.connections.create({
      id: 'keycloak',
      name: 'Keycloak',
      protocol: 'oidc',
      provider: 'keycloak',
      active: false, // a test login works before the connection is enabled
      oidc: { issuer: app.idp.issuer, clientId: 'ssokit-pkce', pkce: 'S256' },
      groupSync: { enabled: true },
    } as never);
  return app;
}

describe.skipIf(!haveChromium)("a connection's page in Chromium", () => {
  it('shows what to register, runs the checks, and passes the accessibility scan', async () => {
    const { base } = await startApp();
    await page.goto(`${base}/sso/admin`);
    await page.getByRole('link', { name: 'Keycloak' }).click();
    // Every check of the IdP passes; the one warning is that the connection is not enabled yet.
    await expect
      .poll(() => page.getByRole('heading', { level: 3 }).first().textContent())
      .toBe('Checks: Warning');
    const findings = page.locator('.findings li');
    expect(await findings.first().textContent()).toContain('The connection is disabled');
    expect(await page.locator('.findings .finding-error').count()).toBe(0);
    expect(await page.locator('.findings .finding-ok').count()).toBeGreaterThan(3);
    const register = page.locator('.values');
    expect(await register.textContent()).toContain(`${base}/sso/oidc/callback`);
    expect(await page.getByRole('button', { name: /^Copy Redirect URI/ }).count()).toBe(1);
    expect(await page.locator('table.effective').textContent()).toContain('oidc.issuer');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('a test login goes through the IdP and comes back to its report, writing nothing', async () => {
    const { base, storage, idp } = await startApp();
    // Every address the page navigates to, recorded as it happens: once loaded, the console reads
    // ?testLogin= and takes it out of the address, possibly before a waitForURL would start.
    const visited: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) visited.push(frame.url());
    });
    await testLoginAsAda(page, base, idp.url, 'keycloak');
    await expect.poll(() => visited.some((url) => url.startsWith(`${base}/sso/admin?testLogin=`))).toBe(true);
    const report = page.locator('.test-area').nth(1);
    await expect
      .poll(() => report.getByRole('heading', { level: 3 }).first().textContent())
      .toBe('Test login: a login would succeed');
    expect(page.url()).not.toContain('testLogin=');
    expect(await report.textContent()).toContain('admins');
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing but the report: no user was created, and the browser has no session.
    expect(await storage.users.findByEmail('ada@example.com')).toBeNull();
    expect((await context.cookies()).some((c) => c.name.includes('sso_session'))).toBe(false);
  });

  it('a field the environment fixes is shown read-only, with the variable that fixes it', async () => {
    const { base } = await startApp({ env: { OIDC_CLIENT_ID: 'ssokit-pkce', OIDC_AUTH_METHOD: 'pkce' } });
    await page.goto(`${base}/sso/admin#/connections/wandb`);
    const issuer = page.locator('table.effective tr', { hasText: 'oidc.issuer' });
    await expect.poll(() => issuer.textContent()).toContain('environment (OIDC_ISSUER): read-only here');
    expect(await page.locator('table.effective tr', { hasText: 'oidc.scopes' }).textContent()).toContain(
      'default',
    );
    expect(await seriousViolations(page)).toEqual([]);
    // Its edit form shows the fixed fields locked, saying what fixes them.
    await page.goto(`${base}/sso/admin#/connections/wandb/edit`);
    const issuerField = page.getByLabel(/^Issuer/);
    await expect.poll(() => issuerField.isDisabled()).toBe(true);
    expect(await page.locator('.field', { has: issuerField }).textContent()).toContain(
      'Fixed by the environment (OIDC_ISSUER): change it there.',
    );
    expect(await page.getByLabel(/^Client ID/).isDisabled()).toBe(true);
    expect(await page.getByLabel(/^Display name/).isDisabled()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('a failed login is listed on its connection with the step, code and fix; the roles page shows what grants each role', async () => {
    const { base, storage } = await startApp();
    await storage.groups.create({ name: 'ml-engineers' });
    // A connection whose IdP cannot be reached: a sign-in through it is refused at the start, recorded.
    await storage.connections.create({
      id: 'down',
      name: 'Down',
      protocol: 'oidc',
      provider: 'custom',
      active: true,
      oidc: { issuer: 'http://127.0.0.1:9/realms/x', clientId: 'app' },
    } as never);
    await page.goto(`${base}/sso/login/down`);
    await page.goto(`${base}/sso/admin#/connections/down`);
    const failures = page.locator('table.activity tbody tr');
    await expect.poll(() => failures.count()).toBe(1);
    expect(await failures.first().textContent()).toContain('idp_unreachable');
    expect(await failures.first().textContent()).toContain('Fix:');
    expect(await seriousViolations(page)).toEqual([]);
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Roles and groups' })
      .click();
    const admins = page.locator('tr', { hasText: 'admins' }).first();
    await expect.poll(() => admins.textContent()).toContain('a group named “admins”');
    expect(await admins.textContent()).toContain('Keycloak');
    expect(await page.locator('tr', { hasText: 'viewers' }).first().textContent()).toContain('glob “ml-*”');
    expect(await page.locator('table.compact').first().textContent()).toContain('ml-engineers');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
