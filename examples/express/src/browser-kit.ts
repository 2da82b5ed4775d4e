/**
 * What the examples' browser tests share: dev-idp seeded from the example realm for an app on any
 * port, Debian's Chromium through playwright-core (never a downloaded browser), and a sign-in through
 * the login page and the IdP's form.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DevIdp, startDevIdp } from '@ssokit/dev-idp';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const PASSWORDS = {
  ada: 'ada-demo-password',
  grace: 'grace-demo-password',
  linus: 'linus-demo-password',
} as const;

/** Fails in CI when Chromium is missing (tests skip elsewhere, saying why). */
export function requireChromiumInCi(): void {
  if (!haveChromium && process.env.CI === 'true')
    throw new Error(`${CHROMIUM} is missing: .ci/run installs it with apt-get install -y chromium.`);
}

/** A listening server for an app not built yet, and dev-idp with the example realm pointed at it. */
export async function startIdpFor(): Promise<{
  server: Server;
  base: string;
  idp: DevIdp;
  serve(app: RequestListener): void;
}> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const realm = readFileSync(new URL('../../keycloak/realm-export.json', import.meta.url), 'utf8');
  const idp = await startDevIdp({ realm, env: { SSOKIT_APP_URL: base } });
  return { server, base, idp, serve: (app) => server.on('request', app) };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Clicks a provider on the login page, types the password at the IdP, and waits for the profile. */
export async function signIn(
  page: Page,
  base: string,
  idpUrl: string,
  connectionId: string,
  user: keyof typeof PASSWORDS,
): Promise<void> {
  await page.goto(`${base}/`);
  await page.click(`[data-testid="login-${connectionId}"]`);
  await page.waitForURL((url) => url.href.startsWith(idpUrl));
  await page.fill('#username', user);
  await page.fill('#password', PASSWORDS[user]);
  await page.click('#kc-login');
  await page.waitForURL(`${base}/profile`);
}
