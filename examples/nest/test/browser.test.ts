/** The Nest example in Debian's Chromium against dev-idp: OIDC and SAML sign-ins, @Roles on the admin page. */
import type { Server } from 'node:http';
import type { DevIdp } from '@ssokit/dev-idp';
import type { Browser } from 'playwright-core';
import {
  haveChromium,
  launchChromium,
  requireChromiumInCi,
  signIn,
  startIdpFor,
} from 'ssokit-example-express/browser-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNestExample, type NestExample } from '../src/app.ts';

requireChromiumInCi();
let idp: DevIdp;
let server: Server;
let browser: Browser;
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

describe.skipIf(!haveChromium)('the Nest example in Chromium', () => {
  it('signs in with OIDC code + PKCE and with SAML; @Roles lets only admins into the admin page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, base, idp.url, 'keycloak-pkce', 'ada');
    expect(await page.textContent('[data-testid="name"]')).toBe('Ada Lovelace');
    await page.goto(`${base}/admin`);
    await page.waitForSelector('[data-testid="row-keycloak-saml"]');
    await context.close();
    const other = await browser.newContext();
    const second = await other.newPage();
    await signIn(second, base, idp.url, 'keycloak-saml', 'linus');
    expect(await second.textContent('[data-testid="roles"]')).toBe('viewers');
    expect((await second.goto(`${base}/admin`))?.status()).toBe(403);
    await other.close();
  });
});
