/**
 * `can` and `organizationsOf` on Arthur's model: global roles grant everywhere, organization roles only
 * in their organization, unknown roles nothing, no wildcards; and `sso.can` / `sso.roleMatcher` over
 * `createSso`'s definitions, Arthur's YAML (globalRoleDefs) included.
 */
import { readFileSync } from 'node:fs';
import { loadArthurConfig } from '@ssokit/config';
import type { RoleDefinition } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import { arthurExampleClaims } from 'ssokit-test-fixtures/arthur';
import { describe, expect, it } from 'vitest';
import { can, organizationsOf } from './authorization.ts';
import { createSso } from './create-sso.ts';

const roles: RoleDefinition[] = [
  {
    name: 'idp-admin',
    permissions: { custom_roles: ['read', 'write', 'delete'], organization: ['read', 'delete'] },
  },
  {
    name: 'org-1-model-owner',
    scope: 'organization',
    organizationId: 'org-1',
    permissions: { models: ['read', 'write'] },
  },
  {
    name: 'org-2-model-reader',
    scope: 'organization',
    organizationId: 'org-2',
    permissions: { models: ['read'] },
  },
  // inconsistent: an organization role without its organization grants nothing, anywhere
  { name: 'lost', scope: 'organization', permissions: { models: ['read'] } },
  { name: 'star', permissions: { '*': ['*'] } },
];

describe('can', () => {
  it('an organization role grants its actions in its organization only', () => {
    const owner = { roles: ['org-1-model-owner'] };
    expect(can(roles, owner, 'models', 'read', { organization: 'org-1' })).toBe(true);
    expect(can(roles, owner, 'models', 'write', { organization: 'org-1' })).toBe(true);
    expect(can(roles, owner, 'models', 'delete', { organization: 'org-1' })).toBe(false);
    expect(can(roles, owner, 'models', 'read', { organization: 'org-2' })).toBe(false);
    expect(can(roles, owner, 'models', 'read')).toBe(false);
    expect(can(roles, owner, 'datasets', 'read', { organization: 'org-1' })).toBe(false);
  });

  it('a global role grants its actions everywhere, with or without an organization', () => {
    const admin = ['idp-admin'];
    expect(can(roles, admin, 'custom_roles', 'write')).toBe(true);
    expect(can(roles, admin, 'custom_roles', 'write', { organization: 'org-7' })).toBe(true);
    expect(can(roles, admin, 'custom_roles', 'execute')).toBe(false);
    expect(can(roles, admin, 'models', 'read', { organization: 'org-1' })).toBe(false);
  });

  it('any one role suffices; unknown roles, no roles and null grant nothing', () => {
    const both = { roles: ['nobody-knows', 'org-2-model-reader', 'org-1-model-owner'] };
    expect(can(roles, both, 'models', 'read', { organization: 'org-2' })).toBe(true);
    expect(can(roles, both, 'models', 'write', { organization: 'org-2' })).toBe(false);
    expect(can(roles, ['admin'], 'custom_roles', 'read')).toBe(false);
    expect(can(roles, [], 'custom_roles', 'read')).toBe(false);
    expect(can(roles, null, 'custom_roles', 'read')).toBe(false);
    expect(can(roles, undefined, 'custom_roles', 'read')).toBe(false);
    expect(can([], ['idp-admin'], 'custom_roles', 'read')).toBe(false);
    // names are exact: a role of another case is another role
    expect(can(roles, ['IDP-ADMIN'], 'custom_roles', 'read')).toBe(false);
  });

  it('no wildcards: "*" is a name like any other; prototype keys are no resources', () => {
    expect(can(roles, ['star'], 'models', 'read')).toBe(false);
    expect(can(roles, ['star'], '*', '*')).toBe(true);
    expect(can(roles, ['idp-admin'], 'constructor', 'read')).toBe(false);
    expect(can(roles, ['idp-admin'], '__proto__', 'read')).toBe(false);
  });

  it('an organization role without an organization grants nothing', () => {
    expect(can(roles, ['lost'], 'models', 'read')).toBe(false);
    expect(can(roles, ['lost'], 'models', 'read', { organization: '' })).toBe(false);
    expect(organizationsOf(roles, ['lost'])).toEqual([]);
  });

  it('wrong arguments are coded TypeErrors', () => {
    expect(() => can(roles, [], '', 'read')).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining('"resource"'),
      }),
    );
    expect(() => can(roles, [], 'models', 7 as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => can(roles, [], 'models', 'read', { organization: 1 as never })).toThrow(TypeError);
  });
});

describe('organizationsOf', () => {
  it('lists the organizations of organization roles, once each, in role order', () => {
    expect(
      organizationsOf(roles, ['org-2-model-reader', 'idp-admin', 'org-1-model-owner', 'org-2-model-reader']),
    ).toEqual(['org-2', 'org-1']);
    expect(organizationsOf(roles, { roles: ['idp-admin', 'unknown'] })).toEqual([]);
    expect(organizationsOf(roles, null)).toEqual([]);
  });
});

describe('sso.can, sso.organizationsOf and sso.roleMatcher', () => {
  const sso = createSso({
    baseUrl: 'https://app.example.com',
    storage: memoryStorage(),
    secret: 'x'.repeat(32),
    roles: {
      roleDefinitions: [
        { ...(roles[0] as RoleDefinition), grantedBy: ['okta'] },
        { ...(roles[1] as RoleDefinition), grantedBy: ['okta'] },
        { name: 'root', permissions: { installation: ['manage'] } },
      ],
    },
  });

  it('answers from the definitions createSso was given', () => {
    expect(sso.can({ roles: ['org-1-model-owner'] }, 'models', 'write', { organization: 'org-1' })).toBe(
      true,
    );
    expect(sso.can({ roles: ['org-1-model-owner'] }, 'models', 'write', { organization: 'org-2' })).toBe(
      false,
    );
    expect(sso.organizationsOf(['idp-admin', 'org-1-model-owner'])).toEqual(['org-1']);
  });

  it('roleMatcher matches as a login through that connection does: grantedBy applies', () => {
    const matcher = sso.roleMatcher('okta');
    expect(matcher.match(['idp-admin', 'org-1-model-owner', 'root']).roles).toEqual([
      'idp-admin',
      'org-1-model-owner',
    ]);
    expect(sso.roleMatcher('other').match(['idp-admin']).roles).toEqual([]);
    expect(matcher.roleDefinitions.map((r) => r.name)).toEqual(['idp-admin', 'org-1-model-owner', 'root']);
    expect(() => sso.roleMatcher('')).toThrow(TypeError);
  });

  it("Arthur's YAML: globalRoleDefs grant their permissions to the example token's groups", () => {
    const yaml = readFileSync(
      new URL('../../config/test/fixtures/arthur-full.yaml', import.meta.url),
      'utf8',
    );
    const { connection, roleDefinitions } = loadArthurConfig(yaml);
    const arthur = createSso({
      baseUrl: 'https://app.example.com',
      storage: memoryStorage(),
      secret: 'x'.repeat(32),
      roles: { roleDefinitions },
    });
    // The example token's groups, with the YAML's administrator group "iam-admin".
    const groups = [...arthurExampleClaims().Groups, 'iam-admin'];
    const granted = arthur.roleMatcher(connection.id as string).match(groups).roles;
    expect(granted).toEqual(['iam-admin']);
    expect(arthur.can(granted, 'custom_roles', 'delete')).toBe(true);
    expect(arthur.can(granted, 'organization_global', 'write', { organization: 'org-1' })).toBe(true);
    expect(arthur.can(granted, 'organization', 'write')).toBe(false);
    expect(arthur.organizationsOf(granted)).toEqual([]);
  });
});
