/**
 * The guided forms' details in Chromium, against dev-idp: a connection id proposed from the display
 * name (so every URL shown is real, and no `{id}` is saved), ids that are not slugs refused as soon as
 * the field is left, a duplicate display name said beside its field, collapsed sections that open on an
 * issue, a past secret expiry warned of but saved, and the words a newcomer reads (help, defaults,
 * the message after creating). Each state passes an axe-core scan.
 */
import { haveChromium, seriousViolations } from 'ssokit-test-fixtures/browser';
import { describe, expect, it } from 'vitest';
import { useBrowser, useConsoleAppWithIdp } from './console-app.ts';

const { page } = useBrowser();
const app = useConsoleAppWithIdp();

/** A field by its label, which says "(required)" after it when it is. */
const field = (label: string) =>
  page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(required\\))?$`));
const fieldBox = (label: string) => page.locator('.field', { has: field(label) });
const openForm = async (formId: string) => {
  await page.goto(`${app.base}/sso/admin#/new/${formId}`);
  await page.getByRole('button', { name: 'Create connection' }).waitFor();
};
const create = () => page.getByRole('button', { name: 'Create connection' }).click();

describe.skipIf(!haveChromium)("the guided forms' details in Chromium", { timeout: 30_000 }, () => {
  it('SAML: the id is proposed from the display name, so every URL shown is real and none saved holds {id}', async () => {
    await openForm('keycloak-saml');
    const register = page.locator('.values');
    // No id yet: the per-connection values say so instead of showing a {id} URL; the entity ID waits.
    expect(await register.textContent()).not.toContain('{id}');
    expect(await register.textContent()).toContain('shown once the connection has an ID');
    expect(await field('SP entity ID').inputValue()).toBe('');
    await field('Display name').fill('Acme SSO (EU)');
    expect(await field('Connection ID').inputValue()).toBe('acme-sso-eu');
    expect(await register.textContent()).toContain(`${app.base}/sso/saml/metadata/acme-sso-eu`);
    expect(await field('SP entity ID').inputValue()).toBe(`${app.base}/sso/saml/metadata/acme-sso-eu`);
    // The proposal is editable; once the admin types an id, the name no longer changes it.
    await field('Connection ID').fill('acme');
    await field('Display name').fill('Acme single sign-on');
    expect(await field('Connection ID').inputValue()).toBe('acme');
    expect(await field('SP entity ID').inputValue()).toBe(`${app.base}/sso/saml/metadata/acme`);
    // Cleared, the proposal comes back.
    await field('Connection ID').fill('');
    await field('Display name').fill('Keycloak SAML (proposed)');
    expect(await field('Connection ID').inputValue()).toBe('keycloak-saml-proposed');
    expect(await seriousViolations(page)).toEqual([]);
    await field('Keycloak URL').fill(app.idp.url);
    await field('Realm').fill('ssokit-demo');
    await create();
    await page.waitForURL((url) => url.hash === '#/connections/keycloak-saml-proposed');
    expect(await app.storage.connections.get('keycloak-saml-proposed')).toMatchObject({
      saml: { spEntityId: `${app.base}/sso/saml/metadata/keycloak-saml-proposed` },
    });
    // The message after creating says what is true: Active was on, so its button is on the login page.
    await expect
      .poll(() => page.locator('.notices [role="status"]').textContent())
      .toBe(
        '“Keycloak SAML (proposed)” was created and is active: its button is on the login page. Run the checks and a test login.',
      );
  });

  it('a value still holding {id} and an id that is not a slug are refused beside their fields', async () => {
    await openForm('keycloak-saml');
    await field('Display name').fill('Placeholder');
    await field('Keycloak URL').fill(app.idp.url);
    await field('Realm').fill('ssokit-demo');
    await field('SP entity ID').fill(`${app.base}/sso/saml/metadata/{id}`);
    await create();
    await expect
      .poll(() => fieldBox('SP entity ID').locator('.field-issue').textContent())
      .toBe('SP entity ID still contains “{id}”: replace it with the connection ID.');
    // An id that is not a slug: said as soon as the field is left, and refused by the server too.
    await field('Connection ID').fill('Acme SSO/1');
    await field('Connection ID').blur();
    const idIssue = fieldBox('Connection ID').locator('.field-issue');
    expect(await idIssue.textContent()).toMatch(/^Connection ID: use lowercase letters, digits/);
    // The invalid style wins over the text inputs' own border (item: `.field :is(...)[aria-invalid]`).
    expect(await field('Connection ID').evaluate((e) => getComputedStyle(e).borderTopWidth)).toBe('2px');
    await create();
    await expect.poll(() => field('Connection ID').getAttribute('aria-invalid')).toBe('true');
    expect(await idIssue.textContent()).toMatch(/^Connection ID: use lowercase letters, digits/);
    expect(await app.storage.connections.list()).not.toContainEqual(
      expect.objectContaining({ name: 'Placeholder' }),
    );
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('a duplicate display name is said beside the field, not as a page banner', async () => {
    await app.storage.connections.create({
      name: 'Taken',
      protocol: 'oidc',
      provider: 'custom',
      active: false,
      oidc: { issuer: app.idp.issuer, clientId: 'x' },
    } as never);
    // The provider chooser's links are targets of at least 24 by 24 pixels' height.
    await page.goto(`${app.base}/sso/admin#/new`);
    await page.locator('.choices a').first().waitFor();
    const heights = await page.locator('.choices a').evaluateAll((all) => all.map((a) => a.clientHeight));
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(24);
    await openForm('custom-oidc');
    await field('Display name').fill('Taken');
    await field('Connection ID').fill('taken-again');
    await field('Issuer').fill(app.idp.issuer);
    await field('Client ID').fill('ssokit-pkce');
    await create();
    const issue = fieldBox('Display name').locator('.field-issue');
    await expect.poll(() => issue.textContent()).toMatch(/"Taken" already/);
    expect(await field('Display name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-name');
    expect(await page.locator('form [role="alert"]').textContent()).toContain('one field needs fixing');
    expect(await page.locator('.notices [role="alert"]').textContent()).toBe('');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('collapsed sections open on an issue; a past secret expiry is warned of, not refused', async () => {
    await openForm('keycloak-oidc');
    const sections = page.locator('form details');
    expect(await sections.locator('summary').allTextContents()).toEqual([
      'Claim mapping',
      'Provisioning',
      'Group sync',
      'Advanced',
    ]);
    expect(await sections.evaluateAll((all) => all.map((d) => (d as HTMLDetailsElement).open))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    const provisioning = sections.nth(1);
    await provisioning.locator('summary').click();
    await field('Email domains').fill('not a domain!');
    await provisioning.locator('summary').click();
    await field('Display name').fill('Past expiry');
    await field('Keycloak URL').fill(app.idp.url);
    await field('Realm').fill('ssokit-demo');
    await field('Client ID').fill('ssokit-pkce');
    await field('Client secret expires').fill('2020-01-01');
    expect(await fieldBox('Client secret expires').locator('.field-warning').textContent()).toContain(
      'This date has passed',
    );
    await create();
    await expect.poll(() => provisioning.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await fieldBox('Email domains').locator('.field-issue').textContent()).toBe(
      'Email domains: use domain names like example.com or *.example.com.',
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-provisioning-emailDomains');
    expect(await seriousViolations(page)).toEqual([]);
    await field('Email domains').fill('example.com');
    await create();
    await page.waitForURL((url) => url.hash === '#/connections/past-expiry');
    expect(await app.storage.connections.get('past-expiry')).toMatchObject({
      oidc: { clientSecretExpiresAt: expect.stringMatching(/^2020-01-01/) },
    });
  });

  it('reads well: sentences end, defaults in words, lists one per line, no "your provider", a locked field looks locked', async () => {
    await openForm('keycloak-saml');
    expect(await page.title()).toBe('New Keycloak connection · Identity providers');
    expect(await fieldBox('Realm').locator('.hint').textContent()).toBe(
      'The realm name. The provider calls it “Realm name”.',
    );
    expect(await fieldBox('IdP metadata').locator('.hint').textContent()).toContain('Default: Metadata URL.');
    expect(await fieldBox('Active').locator('.hint').textContent()).toContain('Default: on.');
    const key = await fieldBox('SP private key').locator('.hint').textContent();
    expect(key?.match(/Write-only/g)).toHaveLength(1);
    // Cancel sits on Create's line.
    const [save, cancel] = await Promise.all([
      page.getByRole('button', { name: 'Create connection' }).boundingBox(),
      page.getByRole('link', { name: 'Cancel' }).boundingBox(),
    ]);
    expect(
      Math.abs((save?.y ?? 0) + (save?.height ?? 0) / 2 - (cancel?.y ?? 0) - (cancel?.height ?? 0) / 2),
    ).toBeLessThan(1);
    await openForm('custom-oidc');
    expect(await page.locator('.meta').textContent()).toContain(
      "Set it up in the identity provider's admin console.",
    );
    await page.locator('summary', { hasText: 'Claim mapping' }).click();
    expect(await fieldBox('Groups').locator('.hint').textContent()).toContain('One per line.');
    // Okta: no "groups" scope by default, and an authorization server example that is not "default".
    await openForm('okta-oidc');
    await page.locator('summary', { hasText: 'Advanced' }).click();
    expect(await field('Additional scopes').inputValue()).toBe('');
    expect(await field('Authorization server').getAttribute('placeholder')).not.toBe('default');
    // The id of a saved connection is fixed: the field looks it (muted background), not only says it.
    await page.goto(`${app.base}/sso/admin#/connections/past-expiry/edit`);
    await expect.poll(() => field('Connection ID').isDisabled()).toBe(true);
    const look = (label: string) => field(label).evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await look('Connection ID')).toBe('rgb(244, 246, 248)');
    expect(await look('Display name')).toBe('rgb(255, 255, 255)');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
