/**
 * The recipe's `lib/sso.ts` (docs/frameworks.md), in JavaScript so that Next needs no TypeScript set-up
 * in this folder. The connection comes from W&B's variables (OIDC_ISSUER, OIDC_CLIENT_ID, ...), which
 * the test sets for dev-idp.
 */
import { loadWandbEnv, wandbSettings } from '@ssokit/config';
import { createSso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import { headers } from 'next/headers';

/**
 * The app's one `Sso`, made on first use: `next build` imports every route module without the
 * runtime's environment, and each route is its own bundle, so the instance is kept on `globalThis`.
 */
export function getSso() {
  globalThis.ssokit ??= createSso({
    baseUrl: process.env.APP_URL,
    storage: memoryStorage(),
    secret: process.env.SSO_SECRET,
    settings: wandbSettings(loadWandbEnv(process.env)),
    allowPrivateNetworks: true, // dev-idp listens on 127.0.0.1
  });
  return globalThis.ssokit;
}

/** The session of the request being rendered (a server component, a server action), or `null`. */
export async function currentSession() {
  const requestHeaders = await headers(); // first: it makes the page dynamic (never rendered at build)
  const sso = getSso();
  return sso.getSession(new Request(sso.origin, { headers: requestHeaders }));
}
