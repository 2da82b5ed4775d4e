import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupClaim, parseRealm, RealmError, rolesOf } from '../src/realm.ts';

const example = readFileSync(
  new URL('../../../examples/keycloak/realm-export.json', import.meta.url),
  'utf8',
);

describe('parseRealm', () => {
  it('reads the example realm: users, groups, roles and clients', () => {
    const realm = parseRealm(example, {});
    expect(realm.name).toBe('ssokit-demo');
    expect(realm.users.map((u) => u.username)).toEqual(['ada', 'grace', 'linus']);
    const ada = realm.users[0];
    if (!ada) throw new Error('no ada');
    expect(ada.groups).toEqual(['/admins', '/ml-engineers']);
    expect(rolesOf(realm, ada).sort()).toEqual(['admin', 'member']);
    expect(groupClaim(ada, false)).toEqual(['admins', 'ml-engineers']);
    expect(groupClaim(ada, true)).toEqual(['/admins', '/ml-engineers']);
    expect(realm.clients.map((c) => `${c.clientId}:${c.protocol}`)).toEqual([
      'ssokit-confidential:openid-connect',
      'ssokit-pkce:openid-connect',
      'ssokit-implicit:openid-connect',
      'http://127.0.0.1:3000/sso/saml/metadata/keycloak-saml:saml',
    ]);
    expect(ada.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('fills ${VAR} and ${VAR:default} placeholders like Keycloak, from the environment', () => {
    const secretOf = (env: Record<string, string>) =>
      parseRealm(example, env).clients.find((c) => c.clientId === 'ssokit-confidential')?.secret;
    expect(secretOf({})).toBe('demo-confidential-secret-not-for-production');
    expect(secretOf({ SSOKIT_DEMO_CLIENT_SECRET: 'from-env' })).toBe('from-env');
  });

  it('a placeholder fills the text of its string and nothing else, whatever the value holds', () => {
    const uris = (env: Record<string, string>) =>
      parseRealm(example, env).clients.find((c) => c.clientId === 'ssokit-pkce')?.redirectUris;
    expect(uris({})).toEqual(['http://127.0.0.1:3000/sso/oidc/callback']);
    expect(uris({ SSOKIT_APP_URL: 'http://127.0.0.1:4000' })).toEqual([
      'http://127.0.0.1:4000/sso/oidc/callback',
    ]);
    // A quote in the value cannot close the string and add a redirect URI of its own.
    const hostile = 'http://a/cb", "https://attacker.example/*", "x';
    expect(uris({ SSOKIT_APP_URL: hostile })).toEqual([`${hostile}/sso/oidc/callback`]);
    expect(uris({ SSOKIT_APP_URL: 'C:\\app' })).toEqual(['C:\\app/sso/oidc/callback']);
  });

  it('names what is wrong', () => {
    expect(() => parseRealm('{')).toThrow(RealmError);
    expect(() => parseRealm('{"realm": ""}')).toThrow(/"realm" must name the realm/);
    expect(() =>
      parseRealm(JSON.stringify({ realm: 'r', users: [{ username: 'x', groups: ['/nope'] }] })),
    ).toThrow(/users\[0\] \("x"\) is in "\/nope", which "groups" does not define/);
    expect(() =>
      parseRealm(JSON.stringify({ realm: 'r', clients: [{ clientId: 'c', protocol: 'cas' }] })),
    ).toThrow(/protocol "cas"/);
  });

  it('walks sub-groups: roles of a parent group reach members of a child group', () => {
    const realm = parseRealm(
      JSON.stringify({
        realm: 'r',
        groups: [{ name: 'eng', realmRoles: ['member'], subGroups: [{ name: 'ml', realmRoles: ['ml'] }] }],
        users: [{ username: 'u', groups: ['/eng/ml'] }],
      }),
    );
    const user = realm.users[0];
    if (!user) throw new Error('no user');
    expect(rolesOf(realm, user).sort()).toEqual(['member', 'ml']);
    expect(groupClaim(user, false)).toEqual(['ml']);
  });
});
