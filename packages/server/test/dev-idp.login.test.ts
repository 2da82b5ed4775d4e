/**
 * Whole logins through @ssokit/dev-idp seeded from examples/keycloak/realm-export.json, with the
 * users' passwords typed into its login form: OIDC code + PKCE, implicit form_post, a confidential
 * client, and SAML; group changes at the IdP synced on the next login (a manual membership kept);
 * key rotation; RP-initiated logout. dev-idp imports nothing of ssokit, so these check ssokit against
 * oidc-provider and samlify, configured the way Keycloak is.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DevIdp, startDevIdp } from '@ssokit/dev-idp';
import type { SsoStorage } from '@ssokit/storage';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { jarFetch } from 'ssokit-test-fixtures/http';
import { makeCertificate, type TestKeyPair } from 'ssokit-test-fixtures/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sso } from '../src/index.ts';
import { toWebRequest, writeWebResponse } from '../src/node/index.ts';
import { testSso } from './helpers.ts';

const REALM = readFileSync(new URL('../../../examples/keycloak/realm-export.json', import.meta.url), 'utf8');
let idp: DevIdp;
let app: Server;
let base = '';
let sso: Sso;
let storage: SsoStorage;
let spKeys: TestKeyPair;
/** Every SAMLResponse the IdP posted through the browser, decoded. */
const samlResponses: string[] = [];

beforeAll(async () => {
  app = createServer();
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  // The realm names the app by its SSOKIT_APP_URL placeholder; this test fills it with its own. A second SAML client
  // asks for encrypted assertions, with the SP certificate the connection below holds the key of.
  spKeys = await makeCertificate('app.example.com');
  const realm = JSON.parse(REALM.replaceAll('${SSOKIT_APP_URL:http://127.0.0.1:3000}', base));
  const saml = realm.clients.find((c: { protocol: string }) => c.protocol === 'saml');
  realm.clients.push({
    ...saml,
    clientId: `${base}/sso/saml/metadata/keycloak-saml-encrypted`,
    attributes: {
      ...saml.attributes,
      saml_single_logout_service_url_redirect: `${base}/sso/saml/slo/keycloak-saml-encrypted`,
      'saml.encrypt': 'true',
      'saml.encryption.certificate': spKeys.certificateBase64,
      'saml.client.signature': 'true',
      'saml.signing.certificate': spKeys.certificateBase64,
    },
  });
  idp = await startDevIdp({ realm: JSON.stringify(realm) });
  ({ sso, storage } = testSso(base, {
    jwks: { cooldownMs: 500 },
    // "admin" is a Keycloak realm role (realm_access.roles), the others are IdP groups.
    roles: {
      roleDefinitions: ['admins', 'ml-engineers', 'viewers', 'admin'].map((name) => ({
        name,
        grantedBy: ['*'],
      })),
    },
  }));
  app.on('request', async (req, res) =>
    writeWebResponse(res, await sso.handle(await toWebRequest(req, base, req.url))),
  );
  // One realm behind every connection: the IdP is authoritative for the emails, so a person who signs in
  // through two of them is one user.
  const common = {
    provider: 'keycloak',
    active: true,
    groupSync: { enabled: true, removeRevoked: true },
    provisioning: { linkExistingUsersByEmail: true },
  };
  const oidcClient = (id: string, name: string, clientId: string, settings = {}, extra = {}) =>
    storage.connections.create(
      oidcConnection(
        idp.issuer,
        { id, name, ...common, ...extra },
        { clientId, additionalScopes: undefined, ...settings },
      ),
    );
  const samlClient = (id: string, name: string, spEntityId: string, settings = {}) =>
    storage.connections.create(
      samlConnection({ url: idp.samlMetadataUrl }, spEntityId, { id, name, ...common }, settings),
    );
  const confidential = { pkce: 'none', clientSecret: 'demo-confidential-secret-not-for-production' };
  const signingWith = (keys: TestKeyPair) => ({
    signRequests: true,
    spPrivateKey: keys.privateKeyPem,
    spCertificate: keys.certificatePem,
  });
  await oidcClient('keycloak-pkce', 'Keycloak (PKCE)', 'ssokit-pkce');
  await oidcClient('keycloak-implicit', 'Keycloak (implicit)', 'ssokit-implicit', {
    flow: 'implicit',
    pkce: 'none',
  });
  await oidcClient('keycloak-confidential', 'Keycloak (confidential)', 'ssokit-confidential', confidential);
  await samlClient('keycloak-saml', 'Keycloak (SAML)', `${base}/sso/saml/metadata/keycloak-saml`);
  const encryptedSp = `${base}/sso/saml/metadata/keycloak-saml-encrypted`;
  await samlClient('keycloak-saml-encrypted', 'Keycloak (SAML, encrypted)', encryptedSp, signingWith(spKeys));
  // The same SP entity id signing with a key the IdP does not know.
  const otherKeys = await makeCertificate('impostor.example.com');
  await samlClient(
    'keycloak-saml-wrong-key',
    'Keycloak (SAML, wrong SP key)',
    encryptedSp,
    signingWith(otherKeys),
  );
  await oidcClient(
    'keycloak-realm-roles',
    'Keycloak (realm roles)',
    'ssokit-pkce',
    {},
    {
      claimMapping: { roles: 'realm_access.roles' },
    },
  );
  await oidcClient('keycloak-userinfo', 'Keycloak (userinfo)', 'ssokit-confidential', {
    ...confidential,
    userInfo: 'userinfo',
  });
  for (const name of ['admins', 'ml-engineers', 'viewers', 'reading-club'])
    await storage.groups.create({ id: `g-${name}`, name });
}, 60_000);

afterAll(async () => {
  app.close();
  await idp?.close();
});

/**
 * A browser without JavaScript that fills in the IdP's login form: follows redirects, types the
 * credentials into a page with a password field, submits self-posting forms (form_post, the SAML
 * POST binding), and stops at the app's answer to the callback (the redirect to returnTo).
 */
async function browse(
  start: string,
  credentials: { username: string; password: string },
  jar = new Map<string, string>(),
) {
  let url = new URL(start);
  let init: RequestInit = {};
  for (let hop = 0; hop < 25; hop++) {
    const response = await jarFetch(jar, url, init);
    const location = response.headers.get('location');
    const fromCallback =
      url.href.startsWith(`${base}/sso/oidc/callback`) || url.href.startsWith(`${base}/sso/saml/acs`);
    if (fromCallback) return { response, jar };
    if (location) {
      url = new URL(location, url);
      init = {};
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]*)"/i.exec(html)?.[1];
    const form = new URLSearchParams();
    for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi))
      form.set(m[1] as string, decodeHtml(m[2] as string));
    if (/name="password"/.test(html)) {
      form.set('username', credentials.username);
      form.set('password', credentials.password);
    } else if (!action) throw new Error(`Stuck at ${url.href} (${response.status}): ${html.slice(0, 200)}`);
    url = new URL(decodeHtml(action ?? url.href), url);
    const samlResponse = form.get('SAMLResponse');
    if (samlResponse) samlResponses.push(Buffer.from(samlResponse, 'base64').toString('utf8'));
    init = { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('Too many hops.');
}

const decodeHtml = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

const PASSWORDS = {
  ada: 'ada-demo-password',
  grace: 'grace-demo-password',
  linus: 'linus-demo-password',
} as const;

async function login(connectionId: string, username: keyof typeof PASSWORDS) {
  const { response, jar } = await browse(`${base}/sso/login/${connectionId}?returnTo=/profile`, {
    username,
    password: PASSWORDS[username],
  });
  expect(response.status, await response.clone().text()).toBe(303);
  expect(response.headers.get('location')).toBe('/profile');
  const session = await sso.getSession(
    new Request(base, { headers: { cookie: jar.get(new URL(base).host) ?? '' } }),
  );
  return { session, jar };
}

const groupNamesOf = async (userId: string, sources: string[]) => {
  const memberships = (await storage.memberships.listForUser(userId)).filter((m) =>
    sources.includes(m.source),
  );
  return Promise.all(
    memberships.map(async (m) => `${(await storage.groups.get(m.groupId))?.name}|${m.source}`),
  ).then((l) => l.sort());
};

describe('dev-idp: Keycloak-shaped OIDC and SAML from a realm export', () => {
  it('publishes Keycloak paths, a signing and an encryption key, and its SAML metadata', async () => {
    const discovery = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({
      issuer: idp.issuer,
      authorization_endpoint: `${idp.issuer}/protocol/openid-connect/auth`,
      token_endpoint: `${idp.issuer}/protocol/openid-connect/token`,
      jwks_uri: `${idp.issuer}/protocol/openid-connect/certs`,
      end_session_endpoint: `${idp.issuer}/protocol/openid-connect/logout`,
    });
    const jwks = await (await fetch(discovery.jwks_uri)).json();
    expect(jwks.keys.map((k: { use: string }) => k.use).sort()).toEqual(['enc', 'sig']);
    const metadata = await (await fetch(idp.samlMetadataUrl)).text();
    expect(metadata).toContain(`entityID="${idp.issuer}"`);
  });

  it('code + PKCE: Ada types her password; profile, groups and roles arrive', async () => {
    const { session } = await login('keycloak-pkce', 'ada');
    expect(session).toMatchObject({
      user: { email: 'ada@example.com', name: 'Ada Lovelace', username: 'ada' },
      groups: expect.arrayContaining(['admins', 'ml-engineers']),
      roles: ['admins', 'ml-engineers'],
      connectionId: 'keycloak-pkce',
    });
  });

  it("Keycloak's realm_access.roles, mapped as the roles claim, match the app's roles", async () => {
    const { session } = await login('keycloak-realm-roles', 'ada');
    // Ada's groups give admins and ml-engineers; her realm role "admin" (from the group admins) adds admin.
    expect(session?.roles).toEqual(['admins', 'ml-engineers', 'admin']);
    expect((await login('keycloak-realm-roles', 'linus')).session?.roles).toEqual(['viewers']);
  });

  it('implicit form_post and a confidential client', async () => {
    expect((await login('keycloak-implicit', 'grace')).session).toMatchObject({ groups: ['ml-engineers'] });
    expect((await login('keycloak-confidential', 'linus')).session).toMatchObject({
      groups: ['viewers'],
      roles: ['viewers'],
    });
  });

  it('SAML: the signed response carries the groups as one multi-valued attribute', async () => {
    const { session } = await login('keycloak-saml', 'ada');
    expect(session).toMatchObject({
      connectionId: 'keycloak-saml',
      // Keycloak's SAML client sends no username attribute: the email stands in, as for OIDC.
      user: { email: 'ada@example.com', username: expect.any(String) },
      groups: expect.arrayContaining(['admins', 'ml-engineers']),
    });
  });

  it('SAML over both bindings: the AuthnRequest sent by HTTP-POST (the auto-posting page) logs in too', async () => {
    const c = await storage.connections.get('keycloak-saml');
    if (c?.protocol !== 'saml') throw new Error('no SAML connection');
    await storage.connections.update(
      c.id,
      { saml: { ...c.saml, authnRequestBinding: 'post' } },
      { expectedUpdatedAt: c.updatedAt },
    );
    try {
      const start = await fetch(`${base}/sso/login/keycloak-saml`, { redirect: 'manual' });
      expect(start.status).toBe(200);
      expect(await start.text()).toContain(`action="${idp.issuer}/protocol/saml"`);
      const { session } = await login('keycloak-saml', 'grace');
      expect(session).toMatchObject({ connectionId: 'keycloak-saml', user: { email: 'grace@example.com' } });
    } finally {
      const now = await storage.connections.get('keycloak-saml');
      if (now?.protocol === 'saml') {
        const { authnRequestBinding: _b, ...saml } = now.saml;
        await storage.connections.update(now.id, { saml }, { expectedUpdatedAt: now.updatedAt });
      }
    }
  });

  it('SAML with encrypted assertions: the SP key on the connection decrypts them', async () => {
    const { session } = await login('keycloak-saml-encrypted', 'linus');
    expect(session).toMatchObject({ connectionId: 'keycloak-saml-encrypted', groups: ['viewers'] });
    const xml = samlResponses.at(-1) as string;
    expect(xml).toContain('EncryptedAssertion');
    expect(xml).not.toContain('linus@example.com');
  });

  it('the IdP checks the signed AuthnRequest: a request signed with another key is refused there', async () => {
    const login = await fetch(`${base}/sso/login/keycloak-saml-wrong-key`, { redirect: 'manual' });
    const atIdp = await fetch(login.headers.get('location') as string, { redirect: 'manual' });
    expect(atIdp.status).toBeGreaterThanOrEqual(400);
    expect(await atIdp.text()).not.toContain('name="password"');
  });

  it("userinfo mode (ClearML's 'obtain user information from identity token' unchecked)", async () => {
    const { session } = await login('keycloak-userinfo', 'grace');
    expect(session).toMatchObject({
      connectionId: 'keycloak-userinfo',
      user: { email: 'grace@example.com' },
    });
  });

  it('a wrong password stays on the login form, with no session at the app', async () => {
    const jar = new Map<string, string>();
    const start = await jarFetch(jar, new URL(`${base}/sso/login/keycloak-pkce`));
    let url = new URL(start.headers.get('location') as string);
    let page = await jarFetch(jar, url);
    while (page.headers.get('location')) {
      url = new URL(page.headers.get('location') as string, url);
      page = await jarFetch(jar, url);
    }
    const refused = await jarFetch(jar, url, {
      method: 'POST',
      body: new URLSearchParams({ username: 'ada', password: 'not-her-password' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain('Invalid username or password.');
  });

  it('groups changed at the IdP are synced on the next login; a manual membership survives', async () => {
    const { session } = await login('keycloak-pkce', 'grace');
    const userId = session?.user.id as string;
    await storage.memberships.add({ userId, groupId: 'g-reading-club', source: 'manual' });
    const sources = ['sso:keycloak-pkce', 'manual'];
    expect(await groupNamesOf(userId, sources)).toEqual([
      'ml-engineers|sso:keycloak-pkce',
      'reading-club|manual',
    ]);
    idp.setUserGroups('grace', ['/viewers', '/admins']);
    try {
      const again = await login('keycloak-pkce', 'grace');
      // The session's groups are every membership after the login, whatever its source: synced here,
      // manual, or synced by another connection in an earlier test.
      const all = await storage.memberships.listForUser(userId);
      const names = await Promise.all(all.map(async (m) => (await storage.groups.get(m.groupId))?.name));
      expect([...(again.session?.groups ?? [])].sort()).toEqual([...new Set(names)].sort());
      expect(again.session?.groups).toEqual(expect.arrayContaining(['admins', 'reading-club', 'viewers']));
      expect(await groupNamesOf(userId, sources)).toEqual([
        'admins|sso:keycloak-pkce',
        'reading-club|manual',
        'viewers|sso:keycloak-pkce',
      ]);
    } finally {
      idp.setUserGroups('grace', ['/ml-engineers']);
    }
  });

  it('key rotation at the IdP: the next login verifies with the new key', async () => {
    const before = await (await fetch(`${idp.issuer}/protocol/openid-connect/certs`)).json();
    idp.rotateKeys();
    const after = await (await fetch(`${idp.issuer}/protocol/openid-connect/certs`)).json();
    expect(after.keys[0].kid).not.toBe(before.keys[0].kid);
    // ssokit refetches on the unknown kid once the cooldown since its last fetch has passed.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await login('keycloak-pkce', 'linus')).session?.user.username).toBe('linus');
  });

  it('RP-initiated logout ends the IdP session and returns to the app', async () => {
    const { jar } = await login('keycloak-pkce', 'ada');
    const logout = await fetch(`${base}/sso/logout`, {
      redirect: 'manual',
      headers: { cookie: jar.get(new URL(base).host) ?? '' },
    });
    const target = new URL(logout.headers.get('location') as string);
    expect(target.href.startsWith(`${idp.issuer}/protocol/openid-connect/logout`)).toBe(true);
    // The IdP's page submits itself; follow it like a browser.
    let url = target;
    let init: RequestInit = {};
    for (let hop = 0; hop < 10 && !url.href.startsWith(`${base}/`); hop++) {
      const response = await jarFetch(jar, url, init);
      const location = response.headers.get('location');
      if (location) {
        url = new URL(location, url);
        init = {};
        continue;
      }
      const html = await response.text();
      const form = new URLSearchParams();
      for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi))
        form.set(m[1] as string, m[2] as string);
      url = new URL(decodeHtml(/<form[^>]*action="([^"]*)"/i.exec(html)?.[1] as string), url);
      init = { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    }
    expect(url.href).toBe(`${base}/`);
  });
});
