/**
 * The session-cookie estimate of `doctor` against the cookie the server really sets: a cookie-session
 * login through dev-idp of a user in 80 groups with long names, each synced to an app group (so the
 * session would hold more than 2048 characters of group names, and the server leaves the rest out),
 * measured from the Set-Cookie headers, within 5 % of the estimate made from the same groups, subject,
 * issuer and roles.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DevIdp, startDevIdp } from '@ssokit/dev-idp';
import { createSso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COOKIE_GROUP_CHARS, estimateSessionCookie } from '../src/internal/cookie-size.ts';
import { APP, REPO, signIn } from './support.ts';

const GROUPS = Array.from({ length: 80 }, () => `team-${randomBytes(18).toString('base64url')}`);
let idp: DevIdp;

beforeAll(async () => {
  const realm = JSON.parse(readFileSync(join(REPO, 'examples', 'keycloak', 'realm-export.json'), 'utf8'));
  realm.groups.push(...GROUPS.map((name) => ({ name })));
  const ada = realm.users.find((u: { username: string }) => u.username === 'ada');
  ada.groups = GROUPS.map((name) => `/${name}`);
  idp = await startDevIdp({ realm: JSON.stringify(realm), env: { SSOKIT_APP_URL: APP } });
}, 30_000);
afterAll(() => idp?.close());

it('the estimate of a cookie session is within 5 % of the Cookie header the server makes', {
  timeout: 60_000,
}, async () => {
  // The session keeps the names of the user's app groups: one per IdP group, synced at the login.
  const storage = memoryStorage();
  for (const name of GROUPS) await storage.groups.create({ name });
  const sso = createSso({
    baseUrl: APP,
    storage,
    secret: randomBytes(32).toString('hex'),
    sessionMode: 'cookie',
    roles: { roleDefinitions: [{ name: 'admins', grantedBy: ['*'] }] },
  });
  await sso.connections.create({
    id: 'keycloak-pkce',
    name: 'Keycloak',
    protocol: 'oidc',
    provider: 'keycloak',
    active: true,
    groupSync: { enabled: true, removeRevoked: true },
    oidc: { issuer: idp.issuer, clientId: 'ssokit-pkce', scopes: ['openid', 'profile', 'email'] },
  } as never);
  const start = await sso.handle(new Request(`${APP}/sso/login/keycloak-pkce`));
  const cookie = start.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { url } = await signIn(start.headers.get('location') as string, 'ada', `${APP}/sso/oidc/callback`);
  const callback = await sso.handle(new Request(url, { headers: { cookie } }));
  expect(callback.status, await callback.clone().text()).toBe(303);
  const sessionCookies = callback.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] as string)
    .filter((c) => /^sso_session\.\d+=./.test(c));
  const measured = sessionCookies.join('; ').length;

  const session = await sso.getSession(new Request(APP, { headers: { cookie: sessionCookies.join('; ') } }));
  expect(session?.groupsTruncated).toBe(true);
  expect(session?.groups.join('').length).toBeLessThanOrEqual(COOKIE_GROUP_CHARS);

  const estimate = estimateSessionCookie({
    mode: 'cookie',
    secure: false,
    protocol: 'oidc',
    connectionId: 'keycloak-pkce',
    issuer: idp.issuer,
    roles: session?.roles ?? [],
    groups: GROUPS,
    subject: randomBytes(18).toString('hex'), // dev-idp's subjects are UUIDs: 36 characters
  });
  expect(estimate.groupsKept).toBe(session?.groups.length);
  expect(estimate.cookies).toBe(sessionCookies.length);
  expect(Math.abs(estimate.headerBytes - measured) / measured).toBeLessThan(0.05);
});
