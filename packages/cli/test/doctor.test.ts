/**
 * `ssokit doctor` as a process against dev-idp (the example realm, its clients registered for
 * http://localhost:4000), and against broken configurations: a wrong discovery URL, an issuer that is
 * not the IdP's, an unreachable IdP, an unknown client, a redirect URI the IdP does not know, a typo
 * in Arthur's file, an expired certificate in real SAML metadata, and deployments that break.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DevIdp } from '@ssokit/dev-idp';
import { idpMetadataXml } from 'ssokit-test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP, jsonOf, oidcConnection, samlConnection, ssokit, startIdp } from './support.ts';

interface Finding {
  section: string;
  check: string;
  status: string;
  message: string;
  fix?: string;
  location?: { file: string; path: string; line?: number; column?: number };
}
interface DoctorJson {
  exitCode: number;
  status: string;
  findings: Finding[];
  register: Record<string, string>;
  sessionCookie?: { mode: string; headerBytes: number; cookies: number };
}

let idp: DevIdp;
let dir: string;
let closedPort: number;
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const arthur = (issuer: string, clientKey = 'clientID') => `version: v2
kind: OIDC
config:
  discoveryBaseURL: ${issuer}
  flowType: PKCE
  ${clientKey}: ssokit-pkce
  authorizeScopes: [openid, profile, email]
  globalRoleDefs:
    - name: admins
      permissions: { custom_roles: [read, write] }
  accessTokenValidation:
    type: JWT
    claimMapping:
      roles: groups
      userID: sub
      username: preferred_username
      firstName: given_name
      lastName: family_name
      email: email
    audience: [ssokit-pkce]
`;
const doctor = async (args: string[], env?: Record<string, string>) => {
  const run = await ssokit(['doctor', ...args, '--json'], env ? { env } : {});
  return { run, report: jsonOf<DoctorJson>(run) };
};
const statusOf = (report: DoctorJson, check: string) =>
  report.findings.filter((f) => f.check === check).map((f) => f.status);
const finding = (report: DoctorJson, check: string) => report.findings.find((f) => f.check === check);

beforeAll(async () => {
  idp = await startIdp();
  dir = mkdtempSync(join(tmpdir(), 'ssokit-cli-doctor-'));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
}, 30_000);
afterAll(async () => {
  await idp?.close();
  rmSync(dir, { recursive: true, force: true });
});

// Each test runs the command once; under load a run takes seconds.
describe.concurrent('ssokit doctor against dev-idp', { timeout: 60_000 }, () => {
  it('an Arthur file: every check passes, the IdP knows the client and the redirect URI', async () => {
    const { run, report } = await doctor([
      '--config',
      file('arthur.yaml', arthur(idp.issuer)),
      '--base-url',
      APP,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(report).toMatchObject({ exitCode: 0, status: 'ok' });
    for (const check of [
      'config',
      'client',
      'discovery',
      'jwks',
      'endpoint.authorization',
      'clock',
      'authorize',
    ])
      expect(statusOf(report, check), check).toEqual(['ok']);
    expect(report.register).toMatchObject({
      redirectUri: `${APP}/sso/oidc/callback`,
      backchannelLogoutUri: `${APP}/sso/oidc/backchannel-logout/arthur-oidc`,
    });
    expect(report.findings.every((f) => f.status === 'ok' || f.status === 'skipped')).toBe(true);
  });

  it('prints ✔ lines, the values to register and a summary; progress goes to stderr as plain lines', async () => {
    const run = await ssokit([
      'doctor',
      '--config',
      file('arthur-h.yaml', arthur(idp.issuer)),
      '--base-url',
      APP,
      '--storage',
      'sql',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('✔ The discovery document was read');
    expect(run.stdout).toMatch(
      /Register at the identity provider\n {2}Redirect URI +http:\/\/localhost:4000\/sso\/oidc\/callback/,
    );
    expect(run.stdout).toContain('Result: 0 errors, 0 warnings (exit code 0).');
    expect(run.stdout).not.toContain('\u001b[');
    expect(run.stderr).toContain('… Checking the identity provider');
  });

  it("W&B's variables: the redirect URI W&B registers (/oidc/callback) is not the realm's, and doctor says so", async () => {
    const { run, report } = await doctor(['--env'], {
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: 'ssokit-pkce',
      OIDC_AUTH_METHOD: 'pkce',
      HOST: APP,
    });
    expect(run.code).toBe(2);
    expect(report.register.redirectUri).toBe(`${APP}/oidc/callback`);
    const probe = finding(report, 'authorize');
    expect(probe?.status).toBe('error');
    expect(probe?.message).toContain(`The IdP refused the redirect URI ${APP}/oidc/callback`);
    expect(probe?.fix).toContain(`Register ${APP}/oidc/callback exactly`);
    expect(statusOf(report, 'discovery')).toEqual(['ok']);
  });

  it('W&B variables from --env-file with the callback path moved back: the sign-in request is accepted', async () => {
    const env = file(
      'wandb.env',
      `OIDC_ISSUER=${idp.issuer}\nOIDC_CLIENT_ID=ssokit-pkce\nOIDC_AUTH_METHOD=pkce\nHOST=${APP}\n`,
    );
    const { run, report } = await doctor(['--env-file', env, '--callback-path', '/sso/oidc/callback']);
    expect(run.code, run.stdout).toBe(0);
    expect(statusOf(report, 'authorize')).toEqual(['ok']);
  });

  it('an issuer that is not the one the IdP writes (localhost for 127.0.0.1): discovery fails, with the fix', async () => {
    const wrong = idp.issuer.replace('127.0.0.1', 'localhost');
    const { run, report } = await doctor([
      '--connection',
      file('wrong-issuer.json', oidcConnection(idp, { oidc: { issuer: wrong, clientId: 'ssokit-pkce' } })),
      '--base-url',
      APP,
    ]);
    expect(run.code).toBe(2);
    expect(finding(report, 'discovery')).toMatchObject({ status: 'error' });
    expect(finding(report, 'discovery')?.message).toContain(`not the configured "${wrong}"`);
    expect(finding(report, 'authorize')).toBeUndefined();
  });

  it('a wrong discovery URL: the IdP answers 404, and the fix names the well-known URL', async () => {
    const wrong = `${idp.issuer}/extra`;
    const { run, report } = await doctor([
      '--connection',
      file('404.json', oidcConnection(idp, { oidc: { issuer: wrong, clientId: 'ssokit-pkce' } })),
      '--base-url',
      APP,
    ]);
    expect(run.code).toBe(2);
    expect(finding(report, 'discovery')?.message).toContain('404');
    expect(finding(report, 'discovery')?.fix).toContain(`${wrong}/.well-known/openid-configuration`);
  });

  it('an unreachable IdP', async () => {
    const down = `http://127.0.0.1:${closedPort}/realms/ssokit-demo`;
    const { run, report } = await doctor([
      '--connection',
      file('down.json', oidcConnection(idp, { oidc: { issuer: down, clientId: 'ssokit-pkce' } })),
      '--base-url',
      APP,
    ]);
    expect(run.code).toBe(2);
    expect(finding(report, 'discovery')?.message).toContain('could not be reached');
  });

  it('a client the IdP does not know', async () => {
    const { run, report } = await doctor([
      '--connection',
      file('client.json', oidcConnection(idp, { oidc: { issuer: idp.issuer, clientId: 'no-such-client' } })),
      '--base-url',
      APP,
    ]);
    expect(run.code).toBe(2);
    expect(finding(report, 'authorize')).toMatchObject({ status: 'error' });
    expect(finding(report, 'authorize')?.message).toContain('does not accept client "no-such-client"');
  });

  it("a typo in Arthur's file: the line, the column and the did-you-mean; nothing is called", async () => {
    const path = file('typo.yaml', arthur(idp.issuer, 'clientId'));
    const { run, report } = await doctor(['--config', path, '--base-url', APP]);
    expect(run.code).toBe(2);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      status: 'error',
      location: { file: path, path: 'config.clientId', line: 6, column: 3 },
    });
    expect(report.findings[0]?.message).toContain('did you mean "clientID"?');
  });

  it('real SAML metadata whose signing certificate expired in 2018', async () => {
    // OneLogin's metadata as published; only its endpoints point at a closed local port (no network).
    const xml = idpMetadataXml('onelogin-1').replace(
      /Location="https:\/\/[^"]+"/g,
      `Location="http://127.0.0.1:${closedPort}/sso"`,
    );
    const path = file('onelogin.json', {
      name: 'OneLogin',
      protocol: 'saml',
      provider: 'onelogin',
      saml: { idpMetadataXml: xml, spEntityId: `${APP}/sso/saml/metadata/onelogin` },
    });
    const { run, report } = await doctor(['--connection', path, '--base-url', APP]);
    expect(run.code).toBe(2);
    const certificate = finding(report, 'certificate');
    expect(certificate).toMatchObject({
      status: 'error',
      fix: 'Get the current certificate from the IdP metadata.',
    });
    expect(certificate?.message).toContain('expired on 2018-06-05');
    expect(report.register.spMetadataUrl).toBe(`${APP}/sso/saml/metadata/onelogin`);
  });

  it("dev-idp's SAML metadata: valid, and the SAML values to register", async () => {
    const { run, report } = await doctor([
      '--connection',
      file('saml.json', samlConnection(idp)),
      '--base-url',
      APP,
    ]);
    expect(run.code, JSON.stringify(report.findings)).toBe(0);
    expect(report.register).toEqual({
      acsUrl: `${APP}/sso/saml/acs`,
      spEntityId: `${APP}/sso/saml/metadata/keycloak-saml`,
      spMetadataUrl: `${APP}/sso/saml/metadata/keycloak-saml`,
      sloUrl: `${APP}/sso/saml/slo/keycloak-saml`,
    });
    expect(statusOf(report, 'certificate')).toEqual(['ok']);
  });

  it('a memory store behind three instances, and cookie sessions sized against 8 KB', async () => {
    const { run, report } = await doctor([
      '--config',
      file('arthur-d.yaml', arthur(idp.issuer)),
      '--base-url',
      APP,
      '--storage',
      'memory',
      '--instances',
      '3',
      '--session-mode',
      'cookie',
    ]);
    expect(run.code).toBe(2);
    expect(finding(report, 'storage')).toMatchObject({ section: 'deployment', status: 'error' });
    expect(finding(report, 'storage')?.message).toContain('invalid_state');
    expect(finding(report, 'session-cookie')).toMatchObject({ section: 'deployment', status: 'ok' });
    expect(report.sessionCookie).toMatchObject({ mode: 'cookie', cookies: 1 });
    expect(report.sessionCookie?.headerBytes).toBeGreaterThan(2048);
    expect(report.sessionCookie?.headerBytes).toBeLessThan(4096);
    // Cookie sessions cannot be ended by the IdP: reported with the deployment, and no logout URIs offered.
    expect(finding(report, 'backchannel-logout')).toMatchObject({ section: 'deployment', status: 'warning' });
    expect(report.register.backchannelLogoutUri).toBeUndefined();
  });

  it('an IdP on a private network while the app may not call one: the finding offers --allow-private-networks; nothing else that says "private" does', async () => {
    const [privateIssuer, wandb, typo] = await Promise.all([
      doctor([
        '--connection',
        file(
          'private.json',
          oidcConnection(idp, { oidc: { issuer: 'https://10.1.2.3/realms/x', clientId: 'ssokit-pkce' } }),
        ),
        '--base-url',
        'https://app.example.com',
      ]),
      doctor(['--env'], {
        OIDC_ISSUER: 'https://10.1.2.3/realms/x',
        OIDC_CLIENT_ID: 'ssokit-pkce',
        HOST: 'https://app.example.com',
      }),
      doctor([
        '--connection',
        file('typo-private.json', {
          ...samlConnection(idp),
          saml: { ...samlConnection(idp).saml, spPrivateKeyFile: '/keys/sp.pem' },
        }),
        '--base-url',
        'https://app.example.com',
      ]),
    ]);
    const fix = 'If the identity provider is inside your network, pass --allow-private-networks.';
    for (const { run, report } of [privateIssuer, wandb]) {
      expect(run.code, run.stderr).toBe(2);
      const problem = report.findings.find((f) => f.status === 'error');
      expect(problem?.message).toContain('oidc.issuer');
      expect(problem?.fix).toBe(fix);
    }
    expect(typo.run.code).toBe(2);
    expect(typo.report.findings[0]?.message).toContain('spPrivateKeyFile');
    expect(typo.report.findings[0]?.fix).toBeUndefined();
  });
});
