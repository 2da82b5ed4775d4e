import { ConfigError } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import { describe, expect, it } from 'vitest';
import { checkOptions } from './options-check.ts';

const valid = { baseUrl: 'https://app.example.com', storage: memoryStorage(), secret: 'x'.repeat(32) };

/** The issues of options that must be refused, as `path: message`. */
function issuesOf(options: Record<string, unknown>): string[] {
  try {
    checkOptions({ ...valid, ...options } as never);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe('createSso options, checked at construction', () => {
  it('takes process.env.SSO_SECRET as it is, and refuses it missing or short, naming the fix', () => {
    const fromEnvironment: { secret: string | undefined } = { secret: process.env.SSO_SECRET_NEVER_SET };
    expect(issuesOf(fromEnvironment)).toEqual([
      'secret: is missing: set it to a string of at least 32 characters kept out of your code, e.g. SSO_SECRET from `openssl rand -base64 32`.',
    ]);
    expect(issuesOf({ secret: '' })[0]).toMatch(/^secret: is missing/);
    expect(issuesOf({ secret: 'short' })[0]).toMatch(/^secret: must be a string of at least 32 characters/);
    expect(issuesOf({ secret: 42 })[0]).toMatch(/^secret: must be a string/);
  });

  it('accepts valid options and compiles the roles once', () => {
    const checked = checkOptions({
      ...valid,
      roles: { roleDefinitions: [{ name: 'a', grantedBy: ['c1'] }] },
    });
    expect(checked.roles.match(['a'], { connection: { id: 'c1' } }).roles).toEqual(['a']);
    expect(checked.basePath).toBe('/sso');
  });

  it('reports a role mistake as a start-up error under "roles", not a 500 at the first login', () => {
    expect(issuesOf({ roles: { roleDefinitions: [{ name: 'admin', grantedBy: 'okta' }] } })).toEqual([
      expect.stringMatching(
        /^roles: "roles\.roleDefinitions\[0\]\.grantedBy" must be a list of connection ids/,
      ),
    ]);
    expect(issuesOf({ roles: { roleDefinitions: [{ name: 'admin' }], defaultRole: 'admni' } })[0]).toMatch(
      /^roles: "roles\.defaultRole" names the role "admni"/,
    );
    expect(issuesOf({ roles: { rules: [{ match: 'regex', pattern: '(', role: 'x' }] } })[0]).toMatch(
      /not a valid regular expression/,
    );
  });

  it('refuses values of the wrong type or out of range, naming the unit', () => {
    expect(issuesOf({ allowPrivateNetworks: 'false' })).toEqual([
      expect.stringMatching(/^allowPrivateNetworks: must be true or false/),
    ]);
    expect(issuesOf({ sessionTtlSec: 28_800_000 })).toEqual([
      'sessionTtlSec: must be a whole number of seconds from 60 to 2678400.',
    ]);
    expect(issuesOf({ sessionTtlSec: -5, transactionTtlSec: '600' })).toHaveLength(2);
    expect(issuesOf({ onError: 'console', authorizeAdmin: true })).toEqual([
      'onError: must be a function.',
      'authorizeAdmin: must be a function.',
    ]);
    expect(issuesOf({ restoreRoles: 'admin' })).toEqual(['restoreRoles: must be a list of role names.']);
  });

  it('says what to do: a baseUrl with a path, a per-client limit without clientKey', () => {
    expect(issuesOf({ baseUrl: 'https://example.com/myapp' })).toEqual([
      "baseUrl: must be an origin only (https://example.com): the app's routes are under basePath, e.g. basePath: '/myapp/sso'.",
    ]);
    expect(issuesOf({ loginStartsPerMinute: 20 })[0]).toMatch(/^loginStartsPerMinute: .* set clientKey too/);
    expect(issuesOf({ loginStartsPerMinute: 0, clientKey: () => 'x' })).toEqual([
      'loginStartsPerMinute: must be a whole number of login starts from 1 to 100000.',
    ]);
  });

  it('moves routes only to site paths outside basePath, each its own, and says how to fix the rest', () => {
    const checked = checkOptions({ ...valid, routes: { oidcCallback: '/oidc/callback', logout: '/logout' } });
    expect([...checked.moved]).toEqual([
      ['/oidc/callback', '/oidc/callback'],
      ['/logout', '/logout'],
    ]);
    expect(
      issuesOf({
        routes: {
          oidcCallback: '/sso/callback',
          samlAcs: 'saml/acs',
          logout: '/logout/',
          login: '/signin',
        },
      }),
    ).toEqual([
      "routes.oidcCallback: is under basePath (/sso), where ssokit's own routes are: give a path outside it, or leave it unset for /sso/oidc/callback.",
      'routes.samlAcs: must be a path on this site such as /saml/acs (no trailing slash, no query).',
      'routes.logout: must be a path on this site such as /logout (no trailing slash, no query).',
      'routes.login: is not a route that can move; these can: oidcCallback, samlAcs, logout.',
    ]);
    expect(issuesOf({ routes: { oidcCallback: '/callback', samlAcs: '/callback' } })).toEqual([
      'routes.samlAcs: is the path of another route: each route needs its own.',
    ]);
    expect(issuesOf({ routes: { logout: '/logout' }, postLogoutPath: '/logout' })[0]).toMatch(
      /^postLogoutPath: is the sign-out route itself/,
    );
    expect(issuesOf({ routes: '/oidc/callback' })[0]).toMatch(/^routes: must be an object/);
  });
});
