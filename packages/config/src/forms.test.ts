import type { ConfigError } from '@ssokit/core';
import { idpMetadataXml } from 'ssokit-test-fixtures';
import { describe, expect, it } from 'vitest';
import { importConnection } from './connection.ts';
import type { FormDescription, FormField, FormIssue, FormValue } from './form-types.ts';
import { formDescriptions, formIssues, formToConnection } from './forms.ts';
import { oidcPresets, samlPresets } from './presets.ts';

const forms = formDescriptions();
const fieldsOf = (form: FormDescription) => form.sections.flatMap((section) => section.fields);
const issuesOf = (build: () => unknown) => {
  try {
    build();
  } catch (error) {
    return [...(error as ConfigError).issues] as FormIssue[];
  }
  throw new Error('expected a ConfigError');
};

/** The values an admin would type: each required field's example (SAML metadata by URL but Google's). */
function sample(form: FormDescription): Record<string, FormValue> {
  const values: Record<string, FormValue> = { name: `${form.label} test` };
  for (const f of fieldsOf(form)) {
    if (!f.required || values[f.key] !== undefined || f.key === 'metadataSource') continue;
    const shownIn = f.when?.equals ?? [];
    if (f.when && !shownIn.includes(String(f.when.field === 'metadataSource' && defaultMode(form)))) continue;
    values[f.key] =
      f.key === 'saml.idpMetadataXml' ? idpMetadataXml('google-1') : (f.placeholder ?? `${f.key}-value`);
  }
  return values;
}
const defaultMode = (form: FormDescription) =>
  fieldsOf(form).find((f: FormField) => f.key === 'metadataSource')?.default;

describe('one form per preset', () => {
  it('every preset has a form, and every form names a preset (custom included)', () => {
    const ids = new Set(forms.map((form) => form.id));
    for (const id of Object.keys(oidcPresets)) expect(ids, id).toContain(`${id}-oidc`);
    for (const id of Object.keys(samlPresets)) expect(ids, id).toContain(`${id}-saml`);
    for (const form of forms) {
      const preset = (form.protocol === 'oidc' ? oidcPresets : samlPresets) as Record<string, unknown>;
      expect(preset[form.provider], form.id).toBeDefined();
    }
    // The issue's list: Keycloak, Okta, Entra ID, Cognito, Auth0, Ping, Google, AD FS, OneLogin, Duo,
    // JumpCloud, custom OIDC, custom SAML.
    expect(new Set(forms.map((form) => form.provider))).toEqual(
      new Set([
        'keycloak',
        'okta',
        'entra',
        'cognito',
        'auth0',
        'ping',
        'google',
        'adfs',
        'onelogin',
        'duo',
        'jumpcloud',
        'custom',
      ]),
    );
    expect(ids).toContain('custom-oidc');
    expect(ids).toContain('custom-saml');
  });

  it('descriptions are plain JSON; every field has help, secrets are write-only with no default', () => {
    expect(JSON.parse(JSON.stringify(forms))).toEqual(forms);
    for (const form of forms) {
      expect(form.sections.map((section) => section.id)).toEqual([
        'connection',
        'provider',
        'client',
        'claims',
        'provisioning',
        'groupSync',
        'advanced',
      ]);
      const keys = fieldsOf(form).map((f) => f.key);
      expect(new Set(keys).size, form.id).toBe(keys.length);
      for (const f of fieldsOf(form)) {
        expect(f.help, `${form.id} ${f.key}`).not.toBe('');
        if (f.kind === 'secret') {
          expect(f.writeOnly).toBe(true);
          expect(f.default).toBeUndefined();
        }
        // Every choice shows what it is when left alone.
        if (['boolean', 'select', 'list'].includes(f.kind) && !f.required && !f.when)
          expect(f.default !== undefined || f.defaultText !== undefined, `${form.id} ${f.key}`).toBe(true);
      }
    }
  });

  it('names fields as the provider does and shows the preset defaults', () => {
    const field = (id: string, key: string) => {
      const form = forms.find((f) => f.id === id) as FormDescription;
      return fieldsOf(form).find((f) => f.key === key) as FormField;
    };
    expect(field('entra-oidc', 'oidc.clientId').providerName).toBe('Application (client) ID');
    expect(field('entra-oidc', 'tenant').providerName).toBe('Directory (tenant) ID');
    expect(field('cognito-oidc', 'userPoolId').providerName).toBe('User pool ID');
    expect(field('okta-oidc', 'authorizationServer').providerName).toBe('Issuer URI');
    expect(field('keycloak-oidc', 'claimMapping.roles').default).toEqual(['realm_access.roles']);
    expect(field('cognito-oidc', 'claimMapping.groups').default).toEqual(['cognito:groups']);
    expect(field('entra-oidc', 'groupSync.matchBy').default).toBe('externalId');
    expect(field('custom-oidc', 'claimMapping.username').default).toEqual([
      'preferred_username',
      'username',
      'email',
    ]);
    expect(field('custom-saml', 'provisioning.trustEmail').default).toBe(true);
    expect(field('custom-oidc', 'provisioning.trustEmail').default).toBe(false);
    expect(field('google-saml', 'metadataSource').default).toBe('xml');
    expect(forms.find((f) => f.id === 'keycloak-saml')?.metadataModes).toEqual([
      'url',
      'upload',
      'paste',
      'manual',
    ]);
  });
});

describe('formToConnection', () => {
  it.each(forms.map((form) => [form.id, form] as const))(
    '%s builds a connection importConnection accepts from sample values',
    (_id, form) => {
      const connection = formToConnection(form.id, sample(form));
      expect(connection).toMatchObject({ protocol: form.protocol, provider: form.provider });
      expect(importConnection(connection, { allowReferences: false }).connection).toEqual(connection);
    },
  );

  it('builds what dev-idp needs for Keycloak OIDC and SAML, leaving ssokit defaults implicit', () => {
    const base = 'http://127.0.0.1:8080';
    const oidc = formToConnection('keycloak-oidc', {
      name: 'Keycloak',
      id: 'kc',
      baseUrl: `${base}/`,
      realm: 'ssokit-demo',
      'oidc.clientId': 'ssokit-pkce',
      'oidc.clientSecret': '',
      'provisioning.createUsers': true,
      'groupSync.enabled': true,
    });
    expect(oidc).toMatchObject({
      id: 'kc',
      oidc: { issuer: `${base}/realms/ssokit-demo`, clientId: 'ssokit-pkce', pkce: 'S256' },
      claimMapping: { roles: 'realm_access.roles' },
      groupSync: { enabled: true },
    });
    expect(oidc.provisioning).toEqual({});
    expect(oidc).not.toHaveProperty('oidc.clientSecret');
    const saml = formToConnection('keycloak-saml', {
      name: 'Keycloak SAML',
      baseUrl: base,
      realm: 'ssokit-demo',
      'saml.spEntityId': 'http://127.0.0.1:3000/sso/saml/metadata/keycloak-saml',
    });
    expect(saml).toMatchObject({
      saml: {
        idpMetadataUrl: `${base}/realms/ssokit-demo/protocol/saml/descriptor`,
        wantAssertionsSigned: true,
      },
    });
    const pasted = formToConnection('keycloak-saml', {
      name: 'Keycloak SAML',
      metadataSource: 'xml',
      'saml.idpMetadataXml': idpMetadataXml('keycloak-1'),
      'saml.spEntityId': 'sp',
    });
    expect(pasted).toMatchObject({ saml: { idpMetadataXml: idpMetadataXml('keycloak-1') } });
    expect(pasted).not.toHaveProperty('saml.idpMetadataUrl');
    expect(pasted.claimMapping?.email).toEqual(['email', 'urn:oid:1.2.840.113549.1.9.1']);
  });

  it('reports every missing required field under its own key, once', () => {
    const issues = issuesOf(() => formToConnection('entra-oidc', {}));
    expect(issues).toEqual([
      { path: 'name', field: 'name', message: 'Display name is required.' },
      { path: 'tenant', field: 'tenant', message: 'Directory (tenant) ID is required.' },
      { path: 'oidc.clientId', field: 'oidc.clientId', message: 'Application (client) ID is required.' },
    ]);
    const manual = issuesOf(() =>
      formToConnection('custom-saml', { name: 'x', metadataSource: 'manual', 'saml.spEntityId': 'sp' }),
    );
    expect(manual.map((issue) => issue.path)).toEqual([
      'saml.idp.entityId',
      'saml.idp.ssoUrl',
      'saml.idp.certificates',
    ]);
  });

  it("maps importConnection's issues back to the fields that caused them", () => {
    const issues = issuesOf(() =>
      formToConnection('keycloak-oidc', {
        name: 'K',
        baseUrl: 'http://sso.example.com',
        realm: 'acme',
        'oidc.clientId': 'app',
        'oidc.flow': 'implicit',
        'oidc.userInfo': 'access_token',
        'provisioning.emailDomains': ['not a domain!'],
        'oidc.clientSecretExpiresAt': 'next year',
        advanced: { oidc: { clockToleranceSec: 9999 } },
        bogus: 'x',
      }),
    );
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path, issue]));
    expect(byPath.baseUrl).toMatchObject({ field: 'baseUrl', message: expect.stringContaining('uses http') });
    expect(byPath['oidc.userInfo']).toMatchObject({ field: 'oidc.userInfo' });
    expect(byPath['provisioning.emailDomains']).toMatchObject({ field: 'provisioning.emailDomains' });
    expect(byPath['oidc.clientSecretExpiresAt']).toMatchObject({ field: 'oidc.clientSecretExpiresAt' });
    expect(byPath.advanced).toMatchObject({ field: 'advanced' });
    expect(byPath.bogus).toEqual({ path: 'bogus', message: expect.stringContaining('not a field') });
    expect(issues).toHaveLength(6);
  });

  it('refuses values of the wrong kind, a URL where a name goes, and Advanced JSON over a field', () => {
    const issues = issuesOf(() =>
      formToConnection('okta-oidc', {
        name: 'Okta',
        domain: 'https://acme.okta.com',
        'oidc.clientId': 'app',
        'groupSync.enabled': 'yes',
        'oidc.pkce': 'S512',
        advanced: { oidc: { clientId: 'other' } },
      }),
    );
    expect(issues.map((issue) => [issue.field, issue.message])).toEqual([
      ['domain', 'Okta domain: copy the value alone, without https:// or a path.'],
      ['groupSync.enabled', 'Sync groups must be true or false.'],
      ['oidc.pkce', 'PKCE must be one of: S256, plain, none.'],
      ['advanced', "oidc.clientId: set by the form's own fields; remove from Advanced."],
    ]);
  });

  it('refuses ${env:} references, as the admin API does', () => {
    const issues = issuesOf(() =>
      formToConnection('custom-oidc', {
        name: 'x',
        issuer: 'https://idp.example.com',
        'oidc.clientId': 'app',
        'oidc.clientSecret': '${env:HOME}',
      }),
    );
    expect(issues).toEqual([
      {
        path: 'oidc.clientSecret',
        field: 'oidc.clientSecret',
        message: expect.stringContaining('not accepted'),
      },
    ]);
  });

  it('throws a TypeError for an unknown form', () => {
    expect(() => formToConnection('nope', {})).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError' }),
    );
  });
});

describe('formIssues', () => {
  it("maps a later check's issues to fields, the rest kept as they are", () => {
    expect(
      formIssues('okta-oidc', {}, [
        { path: 'oidc.issuer', message: 'on a private network' },
        { path: 'x.y', message: 'other' },
      ]),
    ).toEqual([
      { path: 'domain', field: 'domain', message: 'on a private network' },
      { path: 'x.y', message: 'other' },
    ]);
    expect(
      formIssues('custom-saml', { metadataSource: 'xml' }, [
        { path: 'saml.idpMetadataXml', message: 'two IdPs' },
      ]),
    ).toEqual([{ path: 'saml.idpMetadataXml', field: 'saml.idpMetadataXml', message: 'two IdPs' }]);
    // Entra's tenants come from the tenant field.
    expect(formIssues('entra-oidc', {}, [{ path: 'oidc.tenants', message: 'm' }])).toEqual([
      { path: 'tenant', field: 'tenant', message: 'm' },
    ]);
  });
});
