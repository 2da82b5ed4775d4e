import { ConfigError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { exportConnection, importConnection } from './connection.ts';

// A ClearML-style OIDC connection: every field of its form.
const oidcConnection = {
  name: 'Okta (prod)',
  protocol: 'oidc',
  provider: 'okta',
  active: true,
  oidc: {
    issuer: 'https://acme.okta.com/oauth2/default',
    endpoints: {
      revocation: 'https://acme.okta.com/oauth2/default/v1/revoke',
      userinfo: 'https://acme.okta.com/oauth2/default/v1/userinfo',
    },
    clientId: '0oa1b2c3d4',
    clientSecret: '${env:OKTA_CLIENT_SECRET}',
    flow: 'code',
    pkce: 'S256',
    scopes: ['openid', 'profile', 'email'],
    additionalScopes: ['groups'],
    userInfo: 'userinfo',
    verifySignature: true,
  },
  claimMapping: {
    userId: 'sub',
    email: 'email',
    name: 'name',
    givenName: 'given_name',
    familyName: 'family_name',
    picture: 'picture',
    groups: 'groups',
  },
  provisioning: { createUsers: false, requireVerifiedEmail: true },
  groupSync: { enabled: true, removeRevoked: true },
};

// A ClearML-style SAML connection: IdP metadata file, signed assertions, signed requests with a key pair.
const samlConnection = {
  name: 'Duo',
  protocol: 'saml',
  provider: 'duo',
  active: false,
  saml: {
    idpMetadataXml:
      '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sso-abc.sso.duosecurity.com/saml2/sp/DI123/metadata"/>',
    spEntityId: 'https://app.example.com/sso/saml/metadata/duo',
    wantAssertionsSigned: true,
    signRequests: true,
    spPrivateKey: '${file:/etc/ssokit/duo.key}',
    spCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
  },
  claimMapping: { email: 'email', givenName: 'firstName', familyName: 'lastName', groups: 'groups' },
  groupSync: { enabled: true, removeRevoked: false },
};

const env = { OKTA_CLIENT_SECRET: 'okta-secret-value' };
const readFile = (path: string) =>
  path === '/etc/ssokit/duo.key'
    ? '-----BEGIN PRIVATE KEY-----\nXYZ\n-----END PRIVATE KEY-----\n'
    : (() => {
        throw new Error('ENOENT');
      })();

describe('importConnection / exportConnection', () => {
  it('imports a ClearML-style OIDC connection, resolving the secret reference', () => {
    const { connection, secretRefs } = importConnection(JSON.stringify(oidcConnection), { env });
    expect(connection.protocol === 'oidc' && connection.oidc.clientSecret).toBe('okta-secret-value');
    expect(secretRefs).toEqual({ 'oidc.clientSecret': '${env:OKTA_CLIENT_SECRET}' });
  });

  it('round-trips both connections losslessly, secrets as references only', () => {
    for (const source of [oidcConnection, samlConnection]) {
      const { connection, secretRefs } = importConnection(source, { env, readFile });
      const exported = exportConnection(connection, { secretRefs });
      expect(exported).toEqual(source);
      expect(JSON.stringify(exported)).not.toMatch(/okta-secret-value|XYZ/);
      expect(importConnection(exported, { env, readFile }).connection).toEqual(connection);
    }
  });

  it('writes a reference for secrets it has no reference for, never the value', () => {
    const exported = exportConnection({ ...importConnection(oidcConnection, { env }).connection });
    expect((exported.oidc as Record<string, unknown>).clientSecret).toBe(
      '${env:SSOKIT_OKTA_PROD_CLIENT_SECRET}',
    );
    const saml = exportConnection(importConnection(samlConnection, { env, readFile }).connection);
    expect((saml.saml as Record<string, unknown>).spPrivateKey).toBe('${env:SSOKIT_DUO_SP_PRIVATE_KEY}');
  });

  it('fills protocol defaults for short connections', () => {
    const { connection } = importConnection({
      name: 'Google',
      protocol: 'oidc',
      provider: 'google',
      oidc: { issuer: 'https://accounts.google.com', clientId: 'x.apps.googleusercontent.com' },
    });
    expect(connection).toMatchObject({
      active: true,
      oidc: {
        flow: 'code',
        pkce: 'S256',
        scopes: ['openid', 'profile', 'email'],
        userInfo: 'id_token',
        verifySignature: true,
      },
    });
  });

  it('refuses verifySignature: false at import, as a login would refuse it', () => {
    const attempt = () =>
      importConnection({
        name: 'ClearML export',
        protocol: 'oidc',
        provider: 'okta',
        oidc: { issuer: 'https://acme.okta.com', clientId: 'app', verifySignature: false },
      });
    expect(attempt).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({
            path: 'oidc.verifySignature',
            message: expect.stringMatching(/set it to true/),
          }),
        ],
      }),
    );
  });

  it('refuses the discovery URL given as the issuer, saying what to remove', () => {
    for (const issuer of [
      'https://acme.okta.com/oauth2/default/.well-known/openid-configuration',
      'https://login.example.com/realms/acme/.well-known/openid-configuration/',
    ]) {
      const attempt = () =>
        importConnection({
          name: 'Okta',
          protocol: 'oidc',
          provider: 'okta',
          oidc: { issuer, clientId: 'app' },
        });
      expect(attempt).toThrow(
        expect.objectContaining({
          issues: [
            expect.objectContaining({
              path: 'oidc.issuer',
              message: expect.stringMatching(/^remove "\/\.well-known\/openid-configuration"/),
            }),
          ],
        }),
      );
    }
  });

  it('names a missing reference and never a value', () => {
    const error = (() => {
      try {
        importConnection(JSON.stringify(oidcConnection), { env: {} });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.issues).toEqual([
      expect.objectContaining({
        path: 'oidc.clientSecret',
        message:
          'the reference ${env:OKTA_CLIENT_SECRET} is not set: export OKTA_CLIENT_SECRET in the environment.',
      }),
    ]);
    expect(() =>
      importConnection(samlConnection, {
        env,
        readFile: () => {
          throw new Error('ENOENT');
        },
      }),
    ).toThrow(/\$\{file:\/etc\/ssokit\/duo\.key\} cannot be read/);
  });

  it('reports schema problems with positions and did-you-mean, URL problems and missing metadata', () => {
    const text = JSON.stringify(
      {
        ...oidcConnection,
        oidc: { ...oidcConnection.oidc, clientID: 'x', issuer: 'http://idp.example.com' },
      },
      null,
      2,
    );
    let issues: ConfigError['issues'] = [];
    try {
      importConnection(text, { env });
    } catch (e) {
      issues = (e as ConfigError).issues;
    }
    expect(issues.map((i) => [i.path, i.message.slice(0, 40)])).toEqual([
      ['oidc.issuer', '"http://idp.example.com" uses http; iden'],
      ['oidc.clientID', 'unknown key "clientID"; did you mean "cl'],
    ]);
    expect(issues.every((i) => typeof i.line === 'number' && typeof i.column === 'number')).toBe(true);
    expect(() => importConnection({ ...samlConnection, saml: { spEntityId: 'x' } })).toThrow(
      /give the IdP metadata/,
    );
    expect(() => importConnection({ name: 'x', protocol: 'oidc', provider: 'okta' })).toThrow(
      /"oidc" is required/,
    );
    expect(() => importConnection('{ "name": ')).toThrow(ConfigError);
  });
});

describe('oidc.idTokenSigningAlgorithms', () => {
  it('takes algorithms ssokit verifies, from the one list in core (the schema lists the same)', async () => {
    const { supportedAlgorithms } = await import('@ssokit/core');
    const { connectionSchema } = await import('./internal/schema.ts');
    const enumerated = (
      connectionSchema as unknown as {
        properties: { oidc: { properties: { idTokenSigningAlgorithms: { items: { enum: string[] } } } } };
      }
    ).properties.oidc.properties.idTokenSigningAlgorithms.items.enum;
    expect(enumerated).toEqual([...supportedAlgorithms]);
    const { clientSecret: _secret, ...settings } = oidcConnection.oidc as Record<string, unknown>;
    const base = { ...oidcConnection, oidc: settings };
    expect(
      importConnection({ ...base, oidc: { ...base.oidc, idTokenSigningAlgorithms: ['ES256'] } }).connection,
    ).toMatchObject({ oidc: { idTokenSigningAlgorithms: ['ES256'] } });
    expect(() =>
      importConnection({ ...base, oidc: { ...base.oidc, idTokenSigningAlgorithms: ['HS256'] } }),
    ).toThrow(ConfigError);
  });
});

describe('oidc.userInfo "access_token" (claims from the access token, as Arthur reads them)', () => {
  const { clientSecret: _secret, ...settings } = oidcConnection.oidc as Record<string, unknown>;
  const withUserInfo = (oidc: Record<string, unknown>) => ({
    ...oidcConnection,
    oidc: { ...settings, userInfo: 'access_token', audience: ['api://default'], ...oidc },
  });

  it('is saved with the code flow, and exported and imported unchanged', () => {
    const { connection } = importConnection(withUserInfo({}));
    expect(connection).toMatchObject({ oidc: { userInfo: 'access_token', audience: ['api://default'] } });
    const short = importConnection(withUserInfo({ flow: undefined, pkce: undefined })).connection;
    expect(short).toMatchObject({ oidc: { flow: 'code', userInfo: 'access_token' } });
    expect(importConnection(exportConnection(connection)).connection).toEqual(connection);
  });

  it('is refused with the implicit flow, which returns no access token, saying what to change', () => {
    let issues: ConfigError['issues'] = [];
    try {
      importConnection(JSON.stringify(withUserInfo({ flow: 'implicit', pkce: 'none' }), null, 2));
    } catch (e) {
      issues = (e as ConfigError).issues;
    }
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'oidc.userInfo',
        message: expect.stringMatching(/implicit flow .* no access token .*"flow" to "code"/),
        line: expect.any(Number),
      }),
    ]);
  });

  it('refuses a source the schema does not know', () => {
    expect(() => importConnection(withUserInfo({ userInfo: 'accessToken' }))).toThrow(ConfigError);
  });

  it('names an issue of an object by its path only: no line or column of a text nobody wrote', () => {
    let caught: unknown;
    try {
      importConnection({
        name: 'X',
        protocol: 'oidc',
        provider: 'custom',
        oidc: { issuer: 'https://a.example.com' },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    for (const issue of (caught as ConfigError).issues) {
      expect(issue).not.toHaveProperty('line');
      expect(issue).not.toHaveProperty('column');
    }
  });
});
