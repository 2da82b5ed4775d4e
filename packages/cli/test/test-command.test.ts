/**
 * `ssokit test` as a process, on what dev-idp really issues: an ID token from a code-flow sign-in and a
 * signed SAMLResponse from its login form, and on hand-written claims; the profile, the roles and the
 * group-sync plan, and the refusals with their exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DevIdp } from '@ssokit/dev-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP,
  controlCharacters,
  idTokenOf,
  jsonOf,
  oidcConnection,
  samlConnection,
  samlResponseOf,
  ssokit,
  startIdp,
} from './support.ts';

interface TestJson {
  exitCode: number;
  status: string;
  findings: { check: string; status: string; message: string; fix?: string }[];
  preview?: {
    outcome: string;
    identity: { issuer: string; subject: string };
    profile?: { email?: string; emailVerified: boolean; groups: { state: string; values?: string[] } };
    roles?: string[];
    refusedRoles?: { group: string; role: string }[];
    user?: { id: string | null; resolution: string };
    groupSync?: { add: { name: string }[]; unmatched: string[] } | null;
  };
}

let idp: DevIdp;
let dir: string;
let idToken: string;
let samlResponse: string;
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

beforeAll(async () => {
  idp = await startIdp();
  dir = mkdtempSync(join(tmpdir(), 'ssokit-cli-test-'));
  [idToken, samlResponse] = await Promise.all([idTokenOf(idp, 'ada'), samlResponseOf(idp, 'ada')]);
  file('oidc.json', oidcConnection(idp));
  file('saml.json', samlConnection(idp));
  file('response.b64', samlResponse);
  // "admins" may be granted by both connections; "viewers" by any. Ada is in admins and ml-engineers.
  file('roles.json', [
    { name: 'admins', grantedBy: ['keycloak-pkce', 'keycloak-saml'] },
    { name: 'viewers', grantedBy: ['*'] },
  ]);
  file('groups.json', ['admins', { name: 'Viewers', externalId: 'viewers' }]);
}, 60_000);
afterAll(async () => {
  await idp?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('ssokit test', { timeout: 60_000 }, () => {
  it("a real ID token: Ada's profile, her role and the group-sync plan", async () => {
    const run = await ssokit([
      'test',
      '--connection',
      join(dir, 'oidc.json'),
      '--token',
      idToken,
      '--roles',
      join(dir, 'roles.json'),
      '--app-groups',
      join(dir, 'groups.json'),
      '--json',
    ]);
    const report = jsonOf<TestJson>(run);
    expect(run.code, JSON.stringify(report.findings)).toBe(0);
    expect(report.preview).toMatchObject({
      outcome: 'would-succeed',
      identity: { issuer: idp.issuer },
      profile: { email: 'ada@example.com', emailVerified: true, groups: { state: 'present' } },
      roles: ['admins'],
      user: { id: null },
    });
    expect(report.preview?.profile?.groups.values?.sort()).toEqual(['admins', 'ml-engineers']);
    expect(report.preview?.groupSync?.add.map((g) => g.name)).toEqual(['admins']);
    expect(report.preview?.groupSync?.unmatched).toEqual(['ml-engineers']);
  });

  it('the token on stdin, printed for a person', async () => {
    const run = await ssokit(
      ['test', '--connection', join(dir, 'oidc.json'), '--token', '-', '--roles', join(dir, 'roles.json')],
      {
        input: `${idToken}\n`,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('✔ A login with this sample would succeed with roles admins.');
    expect(run.stdout).toMatch(/Email +ada@example\.com \(verified\)/);
    expect(run.stdout).toMatch(/Roles +admins \(primary\)/);
    expect(run.stdout).toContain('Result: 0 errors, 0 warnings (exit code 0).');
  });

  it('a real SAMLResponse, validated as the ACS of the app at --base-url would', async () => {
    const run = await ssokit([
      'test',
      '--connection',
      join(dir, 'saml.json'),
      '--base-url',
      APP,
      '--saml-response',
      join(dir, 'response.b64'),
      '--roles',
      join(dir, 'roles.json'),
      '--json',
    ]);
    const report = jsonOf<TestJson>(run);
    expect(run.code, JSON.stringify(report.findings)).toBe(0);
    expect(report.findings.find((f) => f.check === 'sample')?.message).toContain(
      'The sample response validates',
    );
    expect(report.preview).toMatchObject({
      outcome: 'would-succeed',
      identity: { issuer: idp.issuer },
      roles: ['admins'],
    });
    expect(report.preview?.profile?.email).toBe('ada@example.com');
  });

  it('the same SAMLResponse for an app elsewhere: refused (its Destination), exit 2', async () => {
    const run = await ssokit([
      'test',
      '--connection',
      join(dir, 'saml.json'),
      '--base-url',
      'http://localhost:4001',
      '--saml-response',
      join(dir, 'response.b64'),
      '--json',
    ]);
    const report = jsonOf<TestJson>(run);
    expect(run.code).toBe(2);
    const sample = report.findings.find((f) => f.check === 'sample');
    expect(sample?.status).toBe('error');
    expect(sample?.message).toContain('http://localhost:4001/sso/saml/acs');
    expect(report.preview).toBeUndefined();
  });

  it('claims without a groups claim: the sign-in would succeed, with a warning (exit 1)', async () => {
    const claims = file('no-groups.json', { sub: 'u-1', email: 'sam@example.com', email_verified: true });
    const report = jsonOf<TestJson>(
      await ssokit(['test', '--connection', join(dir, 'oidc.json'), '--claims', claims, '--json']),
    );
    expect(report.exitCode).toBe(1);
    expect(report.findings.find((f) => f.check === 'mapping.groups')).toMatchObject({ status: 'warning' });
  });

  it('claims with an unverified email: refused, with the reason and the fix (exit 2)', async () => {
    const claims = file('unverified.json', {
      sub: 'u-2',
      email: 'eve@example.com',
      email_verified: false,
      groups: ['admins'],
    });
    const run = await ssokit(['test', '--connection', join(dir, 'oidc.json'), '--claims', claims]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('✖ A login with this sample would be refused');
    expect(run.stdout).toContain('The sign-in would be refused');
    expect(run.stdout).toMatch(/Refused +email_not_verified/);
  });

  it('claims carrying control, C1 and bidi characters: the preview shows them escaped, never raw', async () => {
    const claims = file('hostile.json', {
      sub: 'u\u001b[2J1',
      email: 'eve\u009b31m@example.com',
      email_verified: true,
      name: 'Eve\u202eevE\r',
      groups: ['admins\u001b[8m', 'line\u2028break'],
    });
    const run = await ssokit(['test', '--connection', join(dir, 'oidc.json'), '--claims', claims]);
    expect(controlCharacters(run.stdout + run.stderr)).toEqual([]);
    expect(run.stdout).toMatch(/Identity +u\\u\{1b\}\[2J1 /);
    expect(run.stdout).toMatch(/Email +eve\\u\{9b\}31m@example\.com/);
    expect(run.stdout).toContain('admins\\u{1b}[8m');
    expect(run.stdout).toContain('line\\u{2028}break');
  });

  it('no sample, or two: one line, exit 2', async () => {
    const [none, two] = await Promise.all([
      ssokit(['test', '--connection', join(dir, 'oidc.json')]),
      ssokit(['test', '--connection', join(dir, 'oidc.json'), '--token', idToken, '--claims', 'x.json']),
    ]);
    expect(none.stderr).toBe(
      'ssokit: test needs a sample: --token <jwt>, --claims <file.json> or --saml-response <file>.\n',
    );
    expect(two.stderr).toBe('ssokit: give one sample: --token or --claims, not both.\n');
    expect([none.code, two.code]).toEqual([2, 2]);
  });
});
