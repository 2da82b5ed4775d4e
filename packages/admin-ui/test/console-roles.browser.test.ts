/**
 * The Roles and groups page in Chromium, against dev-idp (the example Keycloak realm), in an app with a
 * role from code and one from a role file: a real login's IdP group that matches no role offers a role,
 * created for one organization through the form (an issue of the API shown once beside its field
 * first) and granted at the next login; a name taken, whatever its case, said beside the name; the
 * permissions edited; two tabs saving the same role, the second told of the conflict; the code and
 * file roles read-only; a deletion after a confirmation; a role no connection may grant explained
 * beside the group it fails; and an app whose roles cannot be edited here saying why. Each page and
 * form passes an axe-core scan.
 */
import type { Page } from 'playwright-core';
import { haveChromium, seriousViolations } from 'ssokit-test-fixtures/browser';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleAppWithIdp, startConsoleApp, useBrowser } from './console-app.ts';

const { browser, page, context } = useBrowser();

/** The app: `admins` from code (granted through Keycloak only), `idp-admin` from Arthur's file. */
const startApp = (options: { roleStore?: false } = {}) =>
  startConsoleApp({
    idp: true,
    ...options,
    ssoOptions: () => ({
      roles: {
        roleDefinitions: [
          {
            name: 'admins',
            description: 'Manage everything',
            grantedBy: ['keycloak'],
            permissions: { models: ['read', 'write', 'delete'] },
          },
        ],
      },
      roleFiles: [
        {
          origin: 'oidc.yaml',
          roles: [{ name: 'idp-admin', permissions: { custom_roles: ['read', 'write'] } }],
        },
      ],
    }),
  });

let app: ConsoleAppWithIdp;
beforeAll(async () => {
  if (!haveChromium) return;
  app = await startApp();
  for (const [id, name, active] of [
    ['keycloak', 'Keycloak', true],
    ['other', 'Other', false],
  ] as const)
    await app.storage.connections.create({
      id,
      name,
      protocol: 'oidc',
      provider: 'keycloak',
      active,
      oidc: { issuer: app.idp.issuer, clientId: 'ssokit-pkce', pkce: 'S256' },
    } as never);
}, 60_000);

const status = (on: Page = page) => on.locator('.notices [role="status"]');
const alert = (on: Page = page) => on.locator('.notices [role="alert"]');
/** A field of the form by its label ("(required)" may follow it). */
const field = (label: string, on: Page = page) => on.getByLabel(new RegExp(`^${label}( \\(required\\))?$`));
const roleRow = (name: string) =>
  page.locator('table.roles tbody tr', { has: page.getByRole('link', { name, exact: true }) });
const unmatchedRow = (group: string) =>
  page.locator('table.unmatched tbody tr', {
    has: page.getByRole('rowheader', { name: group, exact: true }),
  });
/** How many times `text` is on the page. */
const timesShown = (text: string) =>
  page.evaluate((t) => (document.body.textContent ?? '').split(t).length - 1, text);

/** A real sign-in as ada (groups admins and ml-engineers) through Keycloak, in a fresh browser. */
async function adaSignsIn() {
  const own = await browser.newContext();
  try {
    const tab = await own.newPage();
    await tab.goto(`${app.base}/sso/login/keycloak`);
    await tab.waitForURL((url) => url.href.startsWith(app.idp.url));
    await tab.fill('#username', 'ada');
    await tab.fill('#password', 'ada-demo-password');
    await tab.click('#kc-login');
    await tab.waitForURL((url) => url.href.startsWith(app.base) && !url.pathname.startsWith('/sso/'));
    const body = await (await tab.request.get(`${app.base}/sso/session`)).json();
    return body.session as { roles: string[]; organizations?: string[] };
  } finally {
    await own.close();
  }
}

describe.skipIf(!haveChromium)('the Roles and groups page in Chromium', { timeout: 60_000 }, () => {
  it("a real login's unmatched group offers a role, created for one organization through the form", async () => {
    expect((await adaSignsIn()).roles).toEqual(['admins']);
    await page.goto(`${app.base}/sso/admin#/roles`);
    await expect.poll(() => roleRow('admins').textContent()).toContain('a group named “admins”');
    const admins = (await roleRow('admins').textContent()) ?? '';
    for (const part of ['Manage everything', 'The whole installation', 'code', 'models: read, write, delete'])
      expect(admins).toContain(part);
    expect(admins).toContain('“admins” in 1 recent login (Keycloak)');
    expect(await roleRow('idp-admin').textContent()).toContain('the file oidc.yaml');
    expect(await roleRow('idp-admin').textContent()).toContain('none (no IdP may grant it)');
    // Roles from code and files are deleted there: no Delete button.
    expect(await page.locator('table.roles').getByRole('button').count()).toBe(0);
    expect(await unmatchedRow('admins').count()).toBe(0);
    expect(await unmatchedRow('ml-engineers').textContent()).toContain('Keycloak');
    expect(await seriousViolations(page)).toEqual([]);

    await unmatchedRow('ml-engineers')
      .getByRole('link', { name: /^Create a role for this group/ })
      .click();
    await page.waitForURL((url) => url.hash === '#/roles/new?group=ml-engineers');
    await expect.poll(() => field('Name').inputValue()).toBe('ml-engineers');
    expect(await page.title()).toBe('New role · Identity providers');
    // The organization's id is asked only for a role of one organization.
    expect(await field('Organization ID').isVisible()).toBe(false);
    await field('Applies to').selectOption('organization');
    expect(await field('Organization ID').isVisible()).toBe(true);
    // Left empty, the API refuses it: said once, beside the field, which is marked and focused.
    await page.getByRole('button', { name: 'Create role' }).click();
    const organization = page.locator('.field', { has: field('Organization ID') });
    await expect
      .poll(() => organization.locator('.field-issue').textContent())
      .toMatch(/^Organization ID must be/);
    const issue = (await organization.locator('.field-issue').textContent()) ?? '';
    expect(await timesShown(issue)).toBe(1);
    expect(await field('Organization ID').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-organizationId');
    expect(await page.locator('form [role="alert"]').textContent()).toContain('one field needs fixing');
    expect(await seriousViolations(page)).toEqual([]);

    await field('Organization ID').fill('org-1');
    // No connection ticked yet: said, not refused.
    const grants = page.getByRole('group', { name: 'Connections allowed to grant it' });
    expect(await grants.textContent()).toContain('No connection is ticked');
    await grants.getByLabel('Keycloak (keycloak)').check();
    expect(await grants.textContent()).not.toContain('No connection is ticked');
    await page.getByRole('button', { name: 'Add a permission' }).click();
    // The new row's resource has the focus.
    await page.keyboard.type('models');
    await page.getByLabel('Actions').last().fill('read, write');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create role' }).click();

    await page.waitForURL((url) => url.hash === '#/roles');
    await expect.poll(() => status().textContent()).toBe('The role “ml-engineers” was created.');
    await expect.poll(() => roleRow('ml-engineers').textContent()).toContain('Organization org-1');
    const created = (await roleRow('ml-engineers').textContent()) ?? '';
    for (const part of [
      'this console',
      'models: read, write',
      'Keycloak',
      '“ml-engineers” in 1 recent login',
    ])
      expect(created).toContain(part);
    expect(await page.locator('table.unmatched').count()).toBe(0);
    expect(await app.storage.roles?.get('ml-engineers')).toMatchObject({
      source: 'api',
      scope: 'organization',
      organizationId: 'org-1',
      permissions: { models: ['read', 'write'] },
      grantedBy: ['keycloak'],
    });
    // Ada's next login gets it, for org-1.
    const session = await adaSignsIn();
    expect([...session.roles].sort()).toEqual(['admins', 'ml-engineers']);
    expect(session.organizations).toEqual(['org-1']);
    expect(app.sso.can(['ml-engineers'], 'models', 'write', { organization: 'org-1' })).toBe(true);
    expect(app.sso.can(['ml-engineers'], 'models', 'write', { organization: 'org-2' })).toBe(false);
  });

  it('a name taken (whatever its case) or a permission without a resource is said beside it; nothing is created', async () => {
    await page.goto(`${app.base}/sso/admin#/roles/new`);
    await field('Name').fill('ADMINS');
    await page.getByRole('button', { name: 'Create role' }).click();
    const name = page.locator('.field', { has: field('Name') });
    await expect
      .poll(() => name.locator('.field-issue').textContent())
      .toContain('A role named "admins" exists');
    expect(await timesShown('A role named "admins" exists')).toBe(1);
    expect(await field('Name').getAttribute('aria-invalid')).toBe('true');
    expect(await app.storage.roles?.get('ADMINS')).toBeNull();
    expect(await seriousViolations(page)).toEqual([]);
    // A permission's issue is said beside its row: here, actions with no resource.
    await field('Name').fill('reviewers');
    await page.getByRole('button', { name: 'Add a permission' }).click();
    await page.getByLabel('Actions').last().fill('read');
    await page.getByRole('button', { name: 'Create role' }).click();
    const row = page.locator('.permission-row').last();
    await expect.poll(() => row.locator('.field-issue').textContent()).toMatch(/^Resource must be 1 to 128/);
    expect(await row.getByLabel('Resource').getAttribute('aria-invalid')).toBe('true');
    expect(await field('Name').getAttribute('aria-invalid')).toBeNull();
    expect(await app.storage.roles?.get('reviewers')).toBeNull();
  });

  it('its permissions are edited; the name stays; a second tab saving after it is told of the conflict', async () => {
    await page.goto(`${app.base}/sso/admin#/roles`);
    await roleRow('ml-engineers').getByRole('link', { name: 'ml-engineers' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Edit the role “ml-engineers”');
    const other = await context.newPage();
    await other.goto(`${app.base}/sso/admin#/roles/ml-engineers/edit`);
    await other.getByRole('button', { name: 'Save changes' }).waitFor();
    expect(await field('Name').getAttribute('readonly')).toBe('');
    await page.getByLabel('Actions').first().fill('read');
    await page.getByRole('button', { name: 'Add a permission' }).click();
    await page.keyboard.type('datasets');
    await page.getByLabel('Actions').last().fill('read, read, export');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL((url) => url.hash === '#/roles');
    await expect.poll(() => status().textContent()).toBe('The role “ml-engineers” was saved.');
    expect((await app.storage.roles?.get('ml-engineers'))?.permissions).toEqual({
      models: ['read'],
      datasets: ['read', 'export'],
    });

    // The other tab loaded the role before that save: its save is refused and explained.
    await other.getByRole('button', { name: 'Remove the permission on models' }).click();
    expect(await other.evaluate(() => document.activeElement?.textContent)).toBe('Add a permission');
    await other.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => alert(other).textContent()).toContain('Someone else changed this role');
    expect((await app.storage.roles?.get('ml-engineers'))?.permissions).toHaveProperty('models');
    await alert(other).getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => other.getByLabel('Resource').last().inputValue()).toBe('datasets');
    await other.close();
  });

  it('roles from code and from a role file are read-only, saying where they change', async () => {
    await page.goto(`${app.base}/sso/admin#/roles`);
    await roleRow('admins').getByRole('link', { name: 'admins' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('The role “admins”');
    expect(await page.locator('.read-only').textContent()).toContain(
      'Defined in code (createSso({ roles }))',
    );
    expect(await field('Name').isDisabled()).toBe(true);
    expect(await page.getByLabel('Actions').first().isDisabled()).toBe(true);
    expect(await page.getByRole('button').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${app.base}/sso/admin#/roles/idp-admin/edit`);
    await expect
      .poll(() => page.locator('.read-only').textContent())
      .toContain('Defined in the role file “oidc.yaml” (roleFiles)');
    expect(await page.getByLabel('Resource').first().inputValue()).toBe('custom_roles');
    expect(await page.getByRole('button').count()).toBe(0);
  });

  it('is deleted after a confirmation that says its holders lose it at once; a role no connection grants is explained', async () => {
    await page.goto(`${app.base}/sso/admin#/roles`);
    await roleRow('ml-engineers').getByRole('button', { name: 'Delete ml-engineers' }).click();
    const dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.getByRole('heading').textContent())
      .toBe('Delete the role “ml-engineers”?');
    expect(await dialog.textContent()).toContain(
      'lose its permissions at once, in their current sessions too',
    );
    // Cancelled: nothing happens.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await app.storage.roles?.get('ml-engineers')).not.toBeNull();
    await roleRow('ml-engineers').getByRole('button', { name: 'Delete ml-engineers' }).click();
    await dialog.getByRole('button', { name: 'Delete role' }).click();
    await expect.poll(() => status().textContent()).toBe('The role “ml-engineers” was deleted.');
    // It was the last row: the focus goes to "Add a role".
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Add a role');
    expect(await app.storage.roles?.get('ml-engineers')).toBeNull();
    expect(await roleRow('ml-engineers').count()).toBe(0);
    // Its group matches no role again.
    await expect.poll(() => unmatchedRow('ml-engineers').count()).toBe(1);

    // Created again with no connection allowed to grant it: the group matches it, and is refused.
    await unmatchedRow('ml-engineers')
      .getByRole('link', { name: /^Create a role for this group/ })
      .click();
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.waitForURL((url) => url.hash === '#/roles');
    const refused = unmatchedRow('ml-engineers');
    await expect
      .poll(() => refused.textContent())
      .toContain('It matches the role “ml-engineers”, which Keycloak may not grant');
    expect(await refused.getByRole('link', { name: /^Create a role/ }).count()).toBe(0);
    await refused.getByRole('link', { name: 'Edit “ml-engineers”' }).click();
    await page.waitForURL((url) => url.hash === '#/roles/ml-engineers/edit');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('without a role store, the page says why roles cannot be created here and offers no control', async () => {
    const plain = await startApp({ roleStore: false });
    await page.goto(`${plain.base}/sso/admin#/roles`);
    await expect
      .poll(() => page.locator('.read-only').textContent())
      .toContain('the app’s storage keeps no roles');
    expect(await page.getByRole('link', { name: 'Add a role' }).count()).toBe(0);
    expect(await roleRow('idp-admin').textContent()).toContain('the file oidc.yaml');
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${plain.base}/sso/admin#/roles/new`);
    await expect.poll(() => page.locator('main p').last().textContent()).toContain('keeps no roles');
    expect(await page.locator('form').count()).toBe(0);
  });
});
