/**
 * `pnpm demo`, until the local IdP and the example apps land: runs ssokit's real login pipeline
 * (claim mapping, policy, user resolution, group sync, role matching, audit) against the embedded
 * store, with the claims a Keycloak realm sends, and prints what each login did.
 */

import type { AuditEvent, LoginResult, RoleMatchingOptions } from '@ssokit/core';
import { completeLogin, isSsoError } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';

const storage = memoryStorage();
const audit: AuditEvent[] = [];
const issuer = 'http://127.0.0.1:8080/realms/demo';

const keycloak = await storage.connections.create({
  name: 'Keycloak (demo realm)',
  protocol: 'oidc',
  provider: 'keycloak',
  active: true,
  oidc: {
    issuer,
    clientId: 'ssokit-demo',
    flow: 'code',
    pkce: 'S256',
    scopes: ['openid', 'profile', 'email'],
    userInfo: 'id_token',
    verifySignature: true,
  },
  claimMapping: { roles: 'realm_access.roles' },
  groupSync: { enabled: true, removeRevoked: true },
});
for (const name of ['admins', 'ml-engineers', 'viewers'])
  await storage.groups.create({ id: `grp-${name}`, name });
const roles: RoleMatchingOptions = {
  roleDefinitions: [
    { name: 'admins', permissions: { connections: ['read', 'write'], users: ['read', 'write'] } },
    { name: 'ml-engineers', permissions: { models: ['read', 'write'] } },
    { name: 'viewers', permissions: { models: ['read'] } },
  ],
  defaultRole: 'viewers',
};

const token = (sub: string, name: string, groups: string[], extra: Record<string, unknown> = {}) => ({
  iss: issuer,
  sub,
  preferred_username: name.split(' ')[0]?.toLowerCase(),
  email: `${name.split(' ')[0]?.toLowerCase()}@example.com`,
  email_verified: true,
  given_name: name.split(' ')[0],
  family_name: name.split(' ')[1],
  groups,
  realm_access: { roles: ['offline_access', 'uma_authorization'] },
  ...extra,
});

async function login(
  title: string,
  sub: string,
  claims: Record<string, unknown>,
): Promise<LoginResult | undefined> {
  console.log(`\n▶ ${title}`);
  const from = audit.length;
  try {
    const result = await completeLogin(
      { connection: keycloak, identity: { issuer, subject: sub }, claims },
      { store: storage.login, roles, audit: (event) => void audit.push(event) },
    );
    const memberships = await storage.memberships.listForUser(result.user.id);
    console.log(
      `  user        ${result.user.name} <${result.user.email}> (${result.resolution}, id ${result.user.id.slice(0, 8)}…)`,
    );
    console.log(`  roles       ${result.roles.join(', ')}   primary: ${result.primaryRole}`);
    console.log(
      `  group sync  +[${result.groupSync?.add.map((g) => g.name).join(', ')}] -[${result.groupSync?.remove.map((m) => m.groupId).join(', ')}] unmatched [${result.groupSync?.unmatched.join(', ')}]`,
    );
    console.log(
      `  memberships ${memberships.map((m) => `${m.groupId.replace('grp-', '')} (${m.source === 'manual' ? 'manual' : 'sso'})`).join(', ')}`,
    );
    return result;
  } catch (error) {
    if (!isSsoError(error)) throw error;
    console.log(`  refused     ${error.code}: ${error.message}`);
    return undefined;
  } finally {
    console.log(
      `  audit       ${audit
        .slice(from)
        .map((e) => e.type)
        .join(' → ')}`,
    );
  }
}

console.log('ssokit demo: the login pipeline against the embedded store, with Keycloak-shaped claims.');
const ada = await login(
  'Ada logs in for the first time',
  'kc-ada',
  token('kc-ada', 'Ada Lovelace', ['admins', 'ml-engineers', 'finance']),
);
if (ada) await storage.memberships.add({ userId: ada.user.id, groupId: 'grp-viewers', source: 'manual' });
console.log('\n  (an admin adds Ada to "viewers" by hand)');
await login(
  'Ada logs in again after leaving "admins" at the IdP',
  'kc-ada',
  token('kc-ada', 'Ada Lovelace', ['ml-engineers']),
);
await login(
  'Grace, in no group the app knows, gets the default role',
  'kc-grace',
  token('kc-grace', 'Grace Hopper', ['sales']),
);
await login(
  'Mallory has not verified her email at the IdP',
  'kc-mallory',
  token('kc-mallory', 'Mallory Evil', ['admins'], { email_verified: false }),
);
await login(
  "Eve claims Ada's email from another subject",
  'kc-eve',
  token('kc-eve', 'Eve Spy', ['admins'], { email: 'ada@example.com' }),
);

console.log(
  `\n${(await storage.connections.list()).length} connection, ${audit.filter((e) => e.type === 'login.succeeded').length} logins succeeded, ${audit.filter((e) => e.type === 'login.failed').length} refused; nothing was written for the refused ones.`,
);
console.log(
  'Next: the OIDC and SAML packages and the local IdP turn this into a browser login (see README).',
);
