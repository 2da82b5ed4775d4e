/** The Koa example in Debian's Chromium against dev-idp: SAML and OIDC sign-ins, the admin page. */
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
import { createKoaExample } from '../src/app.ts';

requireChromiumInCi();
let idp: DevIdp;
let server: Server;
let browser: Browser;
let base = '';

beforeAll(async () => {
  if (!haveChromium) return;
  const started = await startIdpFor();
  ({ server, base, idp } = started);
  const { app } = await createKoaExample({ baseUrl: base, idpUrl: idp.url });
  started.serve(app.callback());
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  server?.close();
  await idp?.close();
});

describe.skipIf(!haveChromium)('the Koa example in Chromium', () => {
  it('signs in with SAML and with OIDC implicit form_post; the admin sees the connections', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, base, idp.url, 'keycloak-saml', 'ada');
    expect(await page.textContent('[data-testid="roles"]')).toBe('admins, ml-engineers');
    await page.goto(`${base}/admin`);
    await page.waitForSelector('[data-testid="row-keycloak-pkce"]');
    await context.close();
    const other = await browser.newContext();
    const second = await other.newPage();
    await signIn(second, base, idp.url, 'keycloak-implicit', 'grace');
    expect(await second.textContent('[data-testid="roles"]')).toBe('ml-engineers');
    expect((await second.goto(`${base}/admin`))?.status()).toBe(403);
    await other.close();
  });
});
