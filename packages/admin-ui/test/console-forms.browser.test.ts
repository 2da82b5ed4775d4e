/**
 * The guided forms in Chromium against dev-idp (the example Keycloak realm): a Keycloak OIDC, a Keycloak
 * SAML and a custom OIDC connection created through their forms, each then used for a real sign-in;
 * an issue shown once beside its field; an edit; two tabs editing the same connection, the second one
 * told of the conflict. Each form passes an axe-core scan.
 */
import { haveChromium, seriousViolations } from 'ssokit-test-fixtures/browser';
import { describe, expect, it } from 'vitest';
import { useBrowser, useConsoleAppWithIdp } from './console-app.ts';

const { page, context } = useBrowser();
const app = useConsoleAppWithIdp();

/** A field by its label, which says "(required)" after it when it is. */
const field = (label: string) =>
  page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(required\\))?$`));

/** Fills the form's fields by label, then creates the connection and waits for its page. */
async function create(formId: string, values: Record<string, string>, select: Record<string, string> = {}) {
  await page.goto(`${app.base}/sso/admin#/new`);
  await page.locator(`a[href="#/new/${formId}"]`).click();
  await page.getByRole('button', { name: 'Create connection' }).waitFor();
  for (const [label, value] of Object.entries(select)) await field(label).selectOption(value);
  for (const [label, value] of Object.entries(values)) await field(label).fill(value);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Create connection' }).click();
}

/** A real sign-in through a connection, in this browser; answers the app's session afterwards. */
async function signInThrough(id: string, user: 'ada' | 'grace' = 'ada') {
  await page.goto(`${app.base}/sso/login/${id}`);
  await page.waitForURL((url) => url.href.startsWith(app.idp.url));
  await page.fill('#username', user);
  await page.fill('#password', `${user}-demo-password`);
  await page.click('#kc-login');
  await page.waitForURL((url) => url.href.startsWith(app.base) && !url.pathname.startsWith('/sso/'));
  return ((await (await page.request.get(`${app.base}/sso/session`)).json()) as { session: unknown }).session;
}

describe.skipIf(!haveChromium)('the guided forms in Chromium, against dev-idp', { timeout: 30_000 }, () => {
  it('Keycloak OIDC: a missing field is named beside it, then the connection is created and signs in', async () => {
    await page.goto(`${app.base}/sso/admin#/new`);
    await page.getByRole('link', { name: 'Keycloak' }).first().click();
    await field('Display name').fill('Keycloak OIDC');
    await page.getByRole('button', { name: 'Create connection' }).click();
    // The API's issues come back by field: each shown once, beside its field, which says it is invalid.
    const invalid = page.locator('[aria-invalid="true"]');
    await expect.poll(() => invalid.count()).toBeGreaterThan(0);
    expect(await page.getByRole('alert').first().textContent()).toContain('was not saved');
    expect(await seriousViolations(page)).toEqual([]);
    await create('keycloak-oidc', {
      'Display name': 'Keycloak OIDC',
      'Connection ID': 'kc-oidc',
      'Keycloak URL': app.idp.url,
      Realm: 'ssokit-demo',
      'Client ID': 'ssokit-pkce',
    });
    await page.waitForURL((url) => url.hash === '#/connections/kc-oidc');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Keycloak OIDC');
    expect(await signInThrough('kc-oidc')).toMatchObject({
      connectionId: 'kc-oidc',
      user: { email: 'ada@example.com' },
    });
  });

  it('Keycloak SAML from its metadata URL (the SP entity ID filled in from the id) signs in', async () => {
    await create(
      'keycloak-saml',
      {
        'Display name': 'Keycloak SAML',
        'Connection ID': 'keycloak-saml',
        'Keycloak URL': app.idp.url,
        Realm: 'ssokit-demo',
      },
      {},
    );
    await page.waitForURL((url) => url.hash === '#/connections/keycloak-saml');
    const stored = await app.storage.connections.get('keycloak-saml');
    expect(stored).toMatchObject({
      protocol: 'saml',
      saml: { spEntityId: `${app.base}/sso/saml/metadata/keycloak-saml` },
    });
    // Grace: ada, signed in through the OIDC connection, is not linked by email to a SAML identity.
    expect(await signInThrough('keycloak-saml', 'grace')).toMatchObject({ connectionId: 'keycloak-saml' });
  });

  it('a custom OIDC provider by its issuer signs in; its edit form keeps the secret write-only', async () => {
    await create('custom-oidc', {
      'Display name': 'Custom OIDC',
      'Connection ID': 'custom',
      Issuer: app.idp.issuer,
      'Client ID': 'ssokit-pkce',
    });
    await page.waitForURL((url) => url.hash === '#/connections/custom');
    expect(await signInThrough('custom')).toMatchObject({ connectionId: 'custom' });
    await page.goto(`${app.base}/sso/admin#/connections/custom/edit`);
    await field('Display name').fill('Custom OIDC (dev-idp)');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL((url) => url.hash === '#/connections/custom');
    await expect
      .poll(async () => (await app.storage.connections.get('custom'))?.name)
      .toBe('Custom OIDC (dev-idp)');
  });

  it('two tabs editing one connection: the second save is refused and explained, nothing overwritten', async () => {
    const other = await context.newPage();
    for (const tab of [page, other]) {
      await tab.goto(`${app.base}/sso/admin#/connections/kc-oidc/edit`);
      await tab.getByRole('button', { name: 'Save changes' }).waitFor();
    }
    await field('Display name').fill('Keycloak (tab A)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL((url) => url.hash === '#/connections/kc-oidc');
    await other.getByLabel(/^Display name/).fill('Keycloak (tab B)');
    await other.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => other.getByRole('alert').first().textContent()).toContain('Someone else changed');
    expect((await app.storage.connections.get('kc-oidc'))?.name).toBe('Keycloak (tab A)');
  });
});
