import { readFileSync } from 'node:fs';
import { ConfigError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { loadArthurConfig } from './arthur.ts';
import { importConnection } from './connection.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../test/fixtures/${name}.yaml`, import.meta.url), 'utf8');

describe("Arthur's documented examples", () => {
  it('the full configuration: PKCE, the issuer, one global role, the claim mapping and audience', () => {
    const config = loadArthurConfig(fixture('arthur-full'));
    expect(config.connection.oidc).toEqual({
      issuer: 'https://example.com/oauth2/default',
      clientId: 'client id string',
      flow: 'code',
      pkce: 'S256',
      scopes: ['openid'],
      userInfo: 'access_token',
      audience: ['api://default'],
      verifySignature: true,
    });
    expect(config.connection.claimMapping).toEqual({
      roles: 'Groups',
      groups: 'Groups',
      userId: 'EmployeeID',
      username: 'Login',
      givenName: 'FirstName',
      familyName: 'LastName',
      email: 'Login',
    });
    expect(config.roleDefinitions).toEqual([
      {
        name: 'iam-admin',
        scope: 'global',
        permissions: {
          custom_roles: ['read', 'write', 'delete'],
          organization_global: ['read', 'write'],
          organization: ['read', 'delete'],
        },
        grantedBy: ['arthur-oidc'],
      },
    ]);
    expect(config.accessTokenValidation).toEqual({
      type: 'JWT',
      issuer: 'https://example.com/oauth2/default',
      audience: ['api://default'],
      claimMapping: config.connection.claimMapping,
    });
  });

  it('the minimal claim mapping: "" means unmapped, one claim serves as id, username and email', () => {
    const config = loadArthurConfig(fixture('arthur-minimal'));
    expect(config.connection.oidc.flow).toBe('implicit');
    // The implicit flow returns no access token: this connection reads the ID token.
    expect(config.connection.oidc.userInfo).toBe('id_token');
    expect(config.connection.oidc.audience).toBeUndefined();
    expect(config.connection.claimMapping).toMatchObject({
      userId: 'user',
      username: 'user',
      email: 'user',
      givenName: '',
      familyName: '',
    });
  });

  it("the CORS endpointOverrides: the overrides replace discovery; issuer and authorization stay the IdP's", () => {
    const config = loadArthurConfig(fixture('arthur-cors'));
    expect(config.connection.oidc.issuer).toBe('https://acme.okta.com/oauth2/default');
    expect(config.connection.oidc.endpoints).toEqual({
      authorization: 'https://acme.okta.com/oauth2/default/authorize',
      token: 'https://arthur.example.com/oidc/oauth2/default/tokens',
      jwks: 'https://arthur.example.com/oidc/oauth2/default/keys',
      userinfo: 'https://arthur.example.com/oidc/oauth2/default/user_info',
      endSession: 'https://arthur.example.com/oidc/oauth2/default/logout',
    });
    expect(config.accessTokenValidation.jwksUri).toBe('https://arthur.example.com/oidc/oauth2/default/keys');
  });

  it('takes resourceID and signatureAlgo when set, and flowType in any case', () => {
    const yaml = fixture('arthur-full')
      .replace('resourceID: ""', 'resourceID: "api://arthur"')
      .replace('flowType: PKCE', 'flowType: pkce')
      .replace('# signatureAlgo: RS256', 'signatureAlgo: RS256');
    const config = loadArthurConfig(yaml);
    expect(config.connection.oidc).toMatchObject({ resource: 'api://arthur', flow: 'code' });
    expect(config.accessTokenValidation.algorithms).toEqual(['RS256']);
  });
});

describe("Arthur's semantics: claims from the access token", () => {
  it('a PKCE connection reads the access token, accepting the audiences of accessTokenValidation', () => {
    const yaml = fixture('arthur-full').replace(
      '    audience:\n      - api://default',
      '    audience:\n      - api://default\n      - api://second',
    );
    const config = loadArthurConfig(yaml);
    expect(config.connection.oidc).toMatchObject({
      flow: 'code',
      userInfo: 'access_token',
      audience: ['api://default', 'api://second'],
    });
    expect(config.accessTokenValidation.audience).toEqual(['api://default', 'api://second']);
    // Two lists, not one shared array: changing the connection leaves the bearer settings alone.
    expect(config.connection.oidc.audience).not.toBe(config.accessTokenValidation.audience);
  });

  it('the loaded connection saves as it is (the admin API and sso.connections validate with importConnection)', () => {
    for (const name of ['arthur-full', 'arthur-minimal', 'arthur-cors']) {
      const { connection } = loadArthurConfig(fixture(name));
      const saved = importConnection(connection).connection;
      expect(saved.protocol === 'oidc' && saved.oidc.userInfo, name).toBe(connection.oidc.userInfo);
    }
  });
});

/** The issues of the ConfigError a text produces. */
function issuesOf(yaml: string) {
  try {
    loadArthurConfig(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('loaded without error');
}

const full = fixture('arthur-full');
/** The 1-based line and column of the first occurrence of `needle` in `text`. */
function where(text: string, needle: string, occurrence = 0): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = text.indexOf(needle, index + 1);
  const before = text.slice(0, index);
  return { line: before.split('\n').length, column: index - before.lastIndexOf('\n') };
}

describe('configuration errors, each with its line, column and a fix', () => {
  it('a discoveryBaseURL ending in /.well-known/openid-configuration says what to remove', () => {
    const yaml = full.replace(
      'https://example.com/oauth2/default',
      'https://example.com/oauth2/default/.well-known/openid-configuration',
    );
    expect(issuesOf(yaml)).toEqual([
      {
        path: 'config.discoveryBaseURL',
        message:
          'remove "/.well-known/openid-configuration" from the end: discoveryBaseURL is the issuer, and ssokit adds the well-known path itself.',
        ...where(yaml, 'https://example.com'),
      },
    ]);
  });

  it('tabs mixed with spaces', () => {
    const yaml = full.replace('  flowType: PKCE', '\tflowType: PKCE');
    const [issue] = issuesOf(yaml);
    expect(issue?.message).toBe(
      'the indentation uses a tab; YAML indents with spaces only: replace the tab with spaces.',
    );
    expect(issue?.line).toBe(where(yaml, '\tflowType').line);
    expect(issue?.column).toBe(1);
  });

  it('unknown keys, with a did-you-mean', () => {
    const yaml = full
      .replace('  clientID:', '  clientId:')
      .replace('      userID: EmployeeID', '      userid: EmployeeID');
    const issues = issuesOf(yaml);
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'config.clientId',
        message: expect.stringMatching(/^unknown key "clientId"; did you mean "clientID"\? Allowed here: /),
        ...where(yaml, 'clientId'),
      }),
      expect.objectContaining({
        path: 'config.accessTokenValidation.claimMapping.userid',
        message: expect.stringContaining('did you mean "userID"?'),
        ...where(yaml, 'userid'),
      }),
    ]);
  });

  it('a flowType typo', () => {
    const yaml = full.replace('flowType: PKCE', 'flowType: PKEC');
    expect(issuesOf(yaml)).toEqual([
      {
        path: 'config.flowType',
        message: '"PKEC" is not a flow type; did you mean "PKCE"? Use "implicit" or "PKCE".',
        ...where(yaml, 'PKEC'),
      },
    ]);
  });

  it('a missing roles claim', () => {
    const yaml = full.replace(/ {6}roles: Groups.*\n/, '');
    expect(issuesOf(yaml)).toEqual([
      expect.objectContaining({
        path: 'config.accessTokenValidation.claimMapping',
        message: expect.stringMatching(
          /^"roles" is required in "claimMapping"\. Name the claim that holds the user's groups/,
        ),
        ...where(yaml, 'claimMapping:'),
      }),
    ]);
  });

  it('audience given as a string instead of a list', () => {
    const yaml = full.replace('    audience:\n      - api://default', '    audience: api://default');
    expect(issuesOf(yaml)).toEqual([
      {
        path: 'config.accessTokenValidation.audience',
        message:
          '"audience" must be a list, not a single string: write "audience: [api://default]" or put it on its own "- " line.',
        ...where(yaml, 'api://default'),
      },
    ]);
  });

  it('an invalid URL, and http for a non-loopback host', () => {
    const invalid = full.replace('https://example.com/oauth2/default', 'example.com/oauth2/default');
    expect(issuesOf(invalid)).toEqual([
      {
        path: 'config.discoveryBaseURL',
        message: '"example.com/oauth2/default" is not a valid URL; write it in full, starting with https://.',
        ...where(invalid, 'example.com/'),
      },
    ]);
    const http = full.replace('https://example.com/oauth2/default', 'http://idp.example.com/oauth2/default');
    expect(issuesOf(http)).toEqual([
      expect.objectContaining({
        path: 'config.discoveryBaseURL',
        message: expect.stringContaining('uses http; identity providers must be reached over https'),
        ...where(http, 'http://'),
      }),
    ]);
    const loopback = full.replace('https://example.com/oauth2/default', 'http://127.0.0.1:8080/realms/demo');
    expect(loadArthurConfig(loopback).connection.oidc.issuer).toBe('http://127.0.0.1:8080/realms/demo');
  });

  it("follows core's IdP-URL rule: every loopback host may use http, other schemes never", () => {
    for (const issuer of [
      'http://127.0.0.2:8080/realms/demo',
      'http://idp.localhost/realms/demo',
      'http://[::1]/r',
    ])
      expect(
        loadArthurConfig(full.replace('https://example.com/oauth2/default', issuer)).connection.oidc.issuer,
      ).toBe(issuer);
    const ftp = full.replace('https://example.com/oauth2/default', 'ftp://idp.example.com/oauth2/default');
    expect(issuesOf(ftp)).toEqual([
      {
        path: 'config.discoveryBaseURL',
        message: '"ftp://idp.example.com/oauth2/default" is not an http(s) URL.',
        ...where(ftp, 'ftp://'),
      },
    ]);
  });

  it('lists every problem at once, in document order', () => {
    const yaml = full
      .replace('flowType: PKCE', 'flowType: PKEC')
      .replace('  clientID:', '  clientId:')
      .replace('    audience:\n      - api://default', '    audience: api://default');
    const issues = issuesOf(yaml);
    expect(issues.map((i) => i.path)).toEqual([
      'config.flowType',
      'config.clientId',
      'config.accessTokenValidation.audience',
    ]);
    expect(issues.map((i) => i.line)).toEqual(
      [...issues.map((i) => i.line)].sort((a, b) => (a ?? 0) - (b ?? 0)),
    );
  });

  it('the wrong document altogether', () => {
    expect(issuesOf('version: v1\nkind: SAML\nconfig: {}\n').map((i) => i.message)).toEqual(
      expect.arrayContaining(['"version" must be "v2".', '"kind" must be "OIDC".']),
    );
  });
});

describe('signatureAlgo', () => {
  it('must be an algorithm ssokit verifies: HS256 and none are refused with the list', () => {
    for (const alg of ['HS256', 'none', 'RS257']) {
      const yaml = full.replace('# signatureAlgo: RS256', `signatureAlgo: ${alg}`);
      expect(() => loadArthurConfig(yaml)).toThrow(
        /signatureAlgo.*is not an algorithm ssokit verifies; use one of RS256/s,
      );
    }
    const yaml = full.replace('# signatureAlgo: RS256', 'signatureAlgo: ES256');
    expect(loadArthurConfig(yaml).accessTokenValidation.algorithms).toEqual(['ES256']);
  });

  it('gives a second file its own connection id and name, and its roles to that id', () => {
    const yaml = readFileSync(new URL('../test/fixtures/arthur-full.yaml', import.meta.url), 'utf8');
    const first = loadArthurConfig(yaml);
    const second = loadArthurConfig(yaml, { connectionId: 'arthur-eu', name: 'EU login' });
    expect([first.connection.id, first.connection.name]).toEqual(['arthur-oidc', 'OIDC']);
    expect([second.connection.id, second.connection.name]).toEqual(['arthur-eu', 'EU login']);
    expect(new Set(second.roleDefinitions.flatMap((r) => r.grantedBy ?? []))).toEqual(new Set(['arthur-eu']));
  });
});
