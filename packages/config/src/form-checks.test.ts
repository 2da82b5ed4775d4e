/**
 * What the guided forms refuse and how they say it: connection ids that are not URL-safe slugs, a
 * `{id}` placeholder left in a value, schema issues in the form's words (the field's label, what a
 * value should look like), and the defaults and help a newcomer reads (Okta's scopes, sentence ends).
 */
import type { ConfigError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import type { FormField, FormIssue } from './form-types.ts';
import { formDescriptions, formToConnection } from './forms.ts';

const issuesOf = (build: () => unknown) => {
  try {
    build();
  } catch (error) {
    return [...(error as ConfigError).issues] as FormIssue[];
  }
  throw new Error('expected a ConfigError');
};
const field = (formId: string, key: string) =>
  formDescriptions()
    .find((form) => form.id === formId)
    ?.sections.flatMap((section) => section.fields)
    .find((f) => f.key === key) as FormField;
const keycloak = { name: 'K', baseUrl: 'https://sso.example.com', realm: 'acme', 'oidc.clientId': 'app' };

describe('the connection id', () => {
  it('is a slug: lowercase letters, digits, dots, dashes and underscores, at most 64', () => {
    expect(field('keycloak-oidc', 'id').pattern?.regex).toBe('^[a-z0-9][a-z0-9._-]{0,63}$');
    for (const id of ['Acme SSO/1', 'acme sso', '-acme', 'ACME', 'a'.repeat(65), 'é'])
      expect(
        issuesOf(() => formToConnection('keycloak-oidc', { ...keycloak, id })),
        id,
      ).toEqual([
        {
          path: 'id',
          field: 'id',
          message: expect.stringMatching(/^Connection ID: use lowercase letters, digits, dots, dashes/),
        },
      ]);
    for (const id of ['acme-sso', 'kc.prod_2', '0', 'a'.repeat(64)])
      expect(formToConnection('keycloak-oidc', { ...keycloak, id }).id).toBe(id);
    // Left empty, the server generates one.
    expect(formToConnection('keycloak-oidc', keycloak).id).toBeUndefined();
  });

  it('refuses a value that still holds the {id} placeholder, on that field', () => {
    const saml = { name: 'K', baseUrl: 'https://sso.example.com', realm: 'acme' };
    expect(
      issuesOf(() =>
        formToConnection('keycloak-saml', {
          ...saml,
          'saml.spEntityId': 'https://app.example.com/sso/saml/metadata/{id}',
        }),
      ),
    ).toEqual([
      {
        path: 'saml.spEntityId',
        field: 'saml.spEntityId',
        message: 'SP entity ID still contains “{id}”: replace it with the connection ID.',
      },
    ]);
    expect(
      issuesOf(() =>
        formToConnection('keycloak-oidc', { ...keycloak, advanced: { oidc: { resource: '{id}' } } }),
      ),
    ).toEqual([expect.objectContaining({ field: 'advanced', message: expect.stringContaining('{id}') })]);
    expect(
      formToConnection('keycloak-saml', {
        ...saml,
        id: 'kc',
        'saml.spEntityId': 'https://app.example.com/sso/saml/metadata/kc',
      }),
    ).toMatchObject({ saml: { spEntityId: 'https://app.example.com/sso/saml/metadata/kc' } });
  });
});

describe("issues in the form's words", () => {
  it('names the field by its label and says what a value should look like, never the pattern', () => {
    const issues = issuesOf(() =>
      formToConnection('keycloak-oidc', {
        ...keycloak,
        'oidc.clientSecretExpiresAt': 'next year',
        'provisioning.emailDomains': ['not a domain!'],
      }),
    );
    expect(issues).toEqual([
      {
        path: 'oidc.clientSecretExpiresAt',
        field: 'oidc.clientSecretExpiresAt',
        message: 'Client secret expires: use a date like 2027-06-30.',
      },
      {
        path: 'provisioning.emailDomains',
        field: 'provisioning.emailDomains',
        message: 'Email domains: use domain names like example.com or *.example.com.',
      },
    ]);
    for (const issue of issues) expect(issue.message).not.toMatch(/pattern|"\w+"/);
  });
});

describe('what a newcomer reads', () => {
  it("Okta asks for no extra scope by default, and says how Okta sends groups; OneLogin's groups scope stays", () => {
    const scopes = field('okta-oidc', 'oidc.additionalScopes');
    expect(scopes.default).toEqual([]);
    expect(scopes.help).toContain('groups claim');
    const okta = formToConnection('okta-oidc', { name: 'O', domain: 'acme.okta.com', 'oidc.clientId': 'a' });
    expect(okta.protocol === 'oidc' && okta.oidc.additionalScopes).toEqual([]);
    expect(
      formToConnection('okta-oidc', {
        name: 'O',
        domain: 'acme.okta.com',
        'oidc.clientId': 'a',
        'oidc.additionalScopes': ['groups'],
      }),
    ).toMatchObject({ oidc: { additionalScopes: ['groups'] } });
    expect(field('onelogin-oidc', 'oidc.additionalScopes').default).toEqual(['groups']);
    // The placeholder of Okta's authorization server is an example, not what leaving it empty means.
    const server = field('okta-oidc', 'authorizationServer');
    expect(server.placeholder).not.toBe('default');
    expect(server.help).toContain('Leave it empty for the org authorization server');
  });

  it('help ends its sentences, says write-only once (the flag), and names no "your provider" console', () => {
    for (const form of formDescriptions()) {
      expect(form.console, form.id).not.toMatch(/^your /);
      for (const f of form.sections.flatMap((section) => section.fields)) {
        expect(f.help, `${form.id} ${f.key}`).toMatch(/[.!?)]$/);
        expect(f.help, `${form.id} ${f.key}`).not.toContain('Write-only');
      }
    }
    expect(field('keycloak-oidc', 'realm').help).toBe('The realm name.');
  });
});
