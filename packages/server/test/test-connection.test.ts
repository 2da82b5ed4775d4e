/**
 * "Test Provider" against real peers: oidc-provider for OIDC, a samlify IdP for SAML. Each check is
 * shown to pass and to fail for the reason it names, the mapping preview is compared with what the
 * login then does, and nothing is ever written.
 */
import { type AuditEvent, customFetch, now } from '@ssokit/core';
import { memorySnapshot } from '@ssokit/storage/testkit';
import * as samlify from 'samlify';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { makeCertificate } from 'ssokit-test-fixtures/keys';
import { startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTestReport } from '../src/index.ts';
import { testSso } from './helpers.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

const BASE = 'http://127.0.0.1:3000';
let op: TestOp;
beforeAll(async () => {
  op = await startProvider();
});
afterAll(() => op.close());

const statusOf = (report: ConnectionTestReport, check: string) =>
  report.findings.filter((f) => f.check === check).map((f) => f.status);

function setup(clockOffsetMs = 0) {
  const events: AuditEvent[] = [];
  const { sso, storage } = testSso(BASE, {
    roles: {
      roleDefinitions: [
        { name: 'admins', grantedBy: ['*'] },
        { name: 'viewers', grantedBy: ['*'] },
      ],
      defaultRole: 'viewers',
    },
    audit: (e) => void events.push(e),
    authorizeAdmin: () => 'admin@example.com',
    [now]: () => Date.now() + clockOffsetMs,
  });
  return { storage, sso, events };
}

/** A connection to the harness's public-pkce client with group sync, under a name of its own. */
const opConnection = (issuer: string, oidc: Record<string, unknown> = {}) =>
  oidcConnection(
    issuer,
    { name: `OP ${Math.random()}`, groupSync: { enabled: true, removeRevoked: true } },
    { scopes: ['openid', 'email', 'profile'], additionalScopes: undefined, ...oidc },
  );

describe('Test Provider, OIDC (oidc-provider)', () => {
  it('reports discovery, issuer, JWKS, endpoints and clock as ok, and the redirect URI to register', async () => {
    const { sso, storage } = setup();
    const c = await storage.connections.create(opConnection(op.issuer));
    const report = await sso.testConnection(c.id);
    expect(report.status).toBe('ok');
    expect(report.register.redirectUri).toBe(`${BASE}/sso/oidc/callback`);
    expect(report.register.backchannelLogoutUri).toBe(
      `${BASE}/sso/oidc/backchannel-logout/${encodeURIComponent(report.connectionId)}`,
    );
    for (const check of ['client', 'discovery', 'jwks', 'endpoint.authorization', 'endpoint.token', 'clock'])
      expect(statusOf(report, check), check).toEqual(['ok']);
    expect(report.findings.find((f) => f.check === 'jwks')?.message).toContain('k1 RSA');
  });

  it('finds a wrong issuer, a public client without PKCE, and a clock ten minutes off', async () => {
    const { sso, storage } = setup(10 * 60_000);
    const wrong = await storage.connections.create(opConnection(`${op.issuer}/elsewhere`, { pkce: 'none' }));
    const report = await sso.testConnection(wrong.id);
    expect(report.status).toBe('error');
    expect(statusOf(report, 'discovery')).toEqual(['error']);
    expect(report.findings.find((f) => f.check === 'discovery')?.fix).toContain(
      '/.well-known/openid-configuration',
    );
    expect(statusOf(report, 'client')).toEqual(['error']);
    // The document answers but names another issuer (localhost for 127.0.0.1): the fix names it.
    const other = await storage.connections.create(opConnection(op.issuer.replace('127.0.0.1', 'localhost')));
    const mismatch = (await sso.testConnection(other.id)).findings.find((f) => f.check === 'discovery');
    expect(mismatch?.status).toBe('error');
    expect(mismatch?.fix).toBe(
      `Set the issuer to "${op.issuer}", exactly as the IdP's discovery document names it (scheme, host, port, trailing slash).`,
    );

    const right = await storage.connections.create(opConnection(op.issuer));
    const skewed = await sso.testConnection(right.id);
    expect(statusOf(skewed, 'clock')).toEqual(['error']);
    expect(skewed.findings.find((f) => f.check === 'clock')?.message).toMatch(/behind this server's/);
  });

  it("reports a client secret's expiry when the connection records it (Entra secrets expire)", async () => {
    const { sso } = setup();
    const day = 86_400_000;
    const secretExpiring = async (at: string | undefined) => {
      const c = await sso.connections.create(
        opConnection(op.issuer, { clientSecret: 'shh', ...(at ? { clientSecretExpiresAt: at } : {}) }),
      );
      return statusOf(await sso.testConnection(c.id), 'client-secret');
    };
    expect(await secretExpiring(new Date(Date.now() + 90 * day).toISOString())).toEqual(['ok']);
    expect(await secretExpiring(new Date(Date.now() + 5 * day).toISOString().slice(0, 10))).toEqual([
      'warning',
    ]);
    expect(await secretExpiring(new Date(Date.now() - 2 * day).toISOString())).toEqual(['error']);
    expect(await secretExpiring(undefined)).toEqual([]);
    // Saved only as a date or date-time.
    await expect(
      sso.connections.create(
        opConnection(op.issuer, { clientSecret: 'shh', clientSecretExpiresAt: 'next June' }),
      ),
    ).rejects.toMatchObject({ code: 'config_invalid' });
  });

  it('finds an AWS Cognito connection on the implicit flow, which Cognito does not offer', async () => {
    const { sso, storage } = testSso(BASE, {
      // No network here: the IdP's answers do not matter to this check.
      [customFetch]: async () => new Response('unavailable', { status: 503 }),
    });
    const cognito = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123';
    const implicit = await storage.connections.create(
      opConnection(cognito, { flow: 'implicit', pkce: 'none' }),
    );
    const report = await sso.testConnection(implicit.id);
    expect(report.findings.filter((f) => f.check === 'client')).toEqual([
      expect.objectContaining({ status: 'error', fix: expect.stringContaining('OIDC_AUTH_METHOD=pkce') }),
    ]);
    const pkce = await storage.connections.create(opConnection(cognito));
    expect(statusOf(await sso.testConnection(pkce.id), 'client')).toEqual(['ok']);
  });

  it('finds an unreachable IdP and a JWKS without usable keys', async () => {
    const { sso, storage } = setup();
    const gone = await storage.connections.create(opConnection('http://127.0.0.1:9'));
    const goneReport = await sso.testConnection(gone.id);
    expect(statusOf(goneReport, 'discovery')).toEqual(['error']);
    // Said once, not again in parentheses from its cause.
    expect(
      goneReport.findings.find((f) => f.check === 'discovery')?.message.match(/could not be reached/g),
    ).toHaveLength(1);
    // Endpoint overrides point the JWKS at the OP's discovery document: JSON without "keys".
    const noKeys = await storage.connections.create(
      opConnection(op.issuer, {
        endpoints: {
          authorization: `${op.issuer}/auth`,
          token: `${op.issuer}/token`,
          jwks: `${op.issuer}/.well-known/openid-configuration`,
        },
      }),
    );
    expect(statusOf(await sso.testConnection(noKeys.id), 'jwks')).toEqual(['error']);
  });

  it('previews a sample: profile, roles and the group-sync diff against the current user, writing nothing', async () => {
    const { sso, storage, events } = setup();
    const c = await storage.connections.create(opConnection(op.issuer));
    await storage.groups.create({ id: 'g-admins', name: 'admins' });
    await storage.groups.create({ id: 'g-viewers', name: 'viewers' });
    await storage.groups.create({ id: 'g-ml', name: 'ml-engineers' });
    // Ada logged in before with viewers; an admin also added her to ml-engineers by hand.
    const { completeLogin } = await import('@ssokit/core');
    const first = await completeLogin(
      {
        connection: c,
        identity: { issuer: op.issuer, subject: 'ada-uuid' },
        claims: { sub: 'ada-uuid', email: 'ada@example.com', email_verified: true, groups: ['viewers'] },
      },
      { store: storage.login },
    );
    await storage.memberships.add({ userId: first.user.id, groupId: 'g-ml', source: 'manual' });
    const before = memorySnapshot(storage);
    const claims = {
      sub: 'ada-uuid',
      email: 'ada@example.com',
      email_verified: true,
      groups: ['admins', 'ops'],
    };
    const report = await sso.testConnection(c.id, { claims });
    expect(report.preview).toMatchObject({
      outcome: 'would-succeed',
      roles: ['admins'],
      user: { id: first.user.id, resolution: 'identity' },
      groupSync: {
        state: 'present',
        add: [{ id: 'g-admins', name: 'admins' }],
        remove: [{ groupId: 'g-viewers', name: 'viewers' }],
        unmatched: ['ops'],
      },
    });
    expect(report.preview?.groupSync?.kept).toEqual([
      { groupId: 'g-ml', source: 'manual', name: 'ml-engineers' },
    ]);
    expect(memorySnapshot(storage)).toBe(before);
    expect(events).toEqual([]);

    // An ID token sample is read the same way, and a stranger would be created.
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const token = `${b64({ alg: 'RS256' })}.${b64({ ...claims, sub: 'new-person', email: 'new@example.com', iss: op.issuer, aud: 'public-pkce' })}.sig`;
    const fromToken = await sso.testConnection(c.id, { idToken: token });
    expect(fromToken.preview).toMatchObject({
      outcome: 'would-succeed',
      user: { id: null, resolution: 'created' },
    });
    expect(statusOf(fromToken, 'sample')).toEqual(['ok']);
    // A sample that would be refused says why.
    const refused = await sso.testConnection(c.id, { claims: { ...claims, email_verified: false } });
    expect(refused.preview).toMatchObject({ outcome: 'would-fail', error: { code: 'email_not_verified' } });
    expect(statusOf(refused, 'mapping')).toEqual(['error']);
    expect(memorySnapshot(storage)).toBe(before);
  });

  it('is served at POST /admin/connections/:id/test behind the admin guard', async () => {
    const { sso, storage } = setup();
    const c = await storage.connections.create(opConnection(op.issuer));
    const call = (method: string, body?: unknown, headers: Record<string, string> = {}) =>
      sso.handle(
        new Request(`${BASE}/sso/admin/connections/${c.id}/test`, {
          method,
          headers: { accept: 'application/json', 'content-type': 'application/json', ...headers },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }),
      );
    const plain = await call('POST');
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({ connectionId: c.id, status: 'ok', protocol: 'oidc' });
    const withSample = await call('POST', {
      claims: { sub: 'x', email: 'x@example.com', email_verified: true },
    });
    expect((await withSample.json()).preview).toMatchObject({ outcome: 'would-succeed' });
    const get = await call('GET');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const twoSamples = await call('POST', { claims: {}, idToken: 'a.b.c' });
    expect(twoSamples.status).toBe(400);
    expect(await twoSamples.json()).toMatchObject({ error: 'config_invalid' });
    expect((await call('POST', undefined, { origin: 'https://evil.example' })).status).toBe(403);
    const missing = await sso.handle(
      new Request(`${BASE}/sso/admin/connections/nope/test`, {
        method: 'POST',
        headers: { accept: 'application/json' },
      }),
    );
    expect(missing.status).toBe(404);
  });
});

describe('Test Provider, SAML (samlify)', () => {
  const SSO_URL = 'http://127.0.0.1:9/sso'; // nothing listens: the probe fails fast

  async function samlSetup(notAfter?: Date) {
    const keys = await makeCertificate('idp.example.com', notAfter ? { notAfter } : {});
    const idp = await redirectBindingIdp({ keys, ssoUrl: SSO_URL });
    const env = setup();
    const c = await env.storage.connections.create(
      samlConnection(idp.getMetadata(), `${BASE}/sso/saml/metadata/s`, { name: `SAML ${Math.random()}` }),
    );
    return { ...env, idp, c };
  }

  it('reports metadata, certificate validity and what to register', async () => {
    const { sso, c } = await samlSetup();
    const report = await sso.testConnection(c.id);
    expect(report.register).toEqual({
      acsUrl: `${BASE}/sso/saml/acs`,
      spEntityId: `${BASE}/sso/saml/metadata/s`,
      spMetadataUrl: `${BASE}/sso/saml/metadata/${c.id}`,
      sloUrl: `${BASE}/sso/saml/slo/${c.id}`,
    });
    expect(statusOf(report, 'metadata')).toEqual(['ok']);
    expect(statusOf(report, 'certificate')).toEqual(['ok']);
    expect(statusOf(report, 'endpoint.sso')).toEqual(['warning']);
    expect(report.status).toBe('warning');
  });

  it('finds an SP key that does not match the SP certificate', async () => {
    const { sso, storage, c } = await samlSetup();
    const [a, b] = await Promise.all([
      makeCertificate('sp-a.example.com'),
      makeCertificate('sp-b.example.com'),
    ]);
    const current = await storage.connections.get(c.id);
    const save = (key: string, cert: string, at: Date) =>
      storage.connections.update(
        c.id,
        { saml: { ...(current as { saml: object }).saml, spPrivateKey: key, spCertificate: cert } as never },
        { expectedUpdatedAt: at },
      );
    const mismatched = await save(
      a.privateKeyPem,
      b.certificatePem,
      (current as { updatedAt: Date }).updatedAt,
    );
    const pairFindings = async () =>
      (await sso.testConnection(c.id)).findings
        .filter((f) => f.check === 'sp' && !/SP certificate (is valid|expire)/.test(f.message))
        .map((f) => f.status);
    expect(await pairFindings()).toEqual(['error']);
    await save(a.privateKeyPem, a.certificatePem, mismatched.updatedAt);
    expect(await pairFindings()).toEqual(['ok']);
  });

  it("reports the SP certificate's expiry: ok, a warning within 30 days, an error once expired", async () => {
    const { sso, storage, c } = await samlSetup();
    let current = (await storage.connections.get(c.id)) as unknown as { saml: object; updatedAt: Date };
    const expiryOf = async (notAfter: Date) => {
      const pair = await makeCertificate('sp.example.com', { notAfter });
      current = (await storage.connections.update(
        c.id,
        {
          saml: {
            ...current.saml,
            spPrivateKey: pair.privateKeyPem,
            spCertificate: pair.certificatePem,
          } as never,
        },
        { expectedUpdatedAt: current.updatedAt },
      )) as never;
      return (await sso.testConnection(c.id)).findings.find((f) => /^The SP certificate /.test(f.message));
    };
    expect(await expiryOf(new Date(Date.now() + 200 * 86_400_000))).toMatchObject({
      check: 'sp',
      status: 'ok',
    });
    expect(await expiryOf(new Date(Date.now() + 10 * 86_400_000))).toMatchObject({
      status: 'warning',
      message: expect.stringMatching(/^The SP certificate expires in (9|10) day/),
      fix: expect.stringContaining('generateSpKeyPair'),
    });
    expect(await expiryOf(new Date(Date.now() - 86_400_000 / 2))).toMatchObject({ status: 'error' });
  });

  it('warns about a certificate expiring within 30 days', async () => {
    const { sso, c } = await samlSetup(new Date(Date.now() + 10 * 86_400_000));
    const report = await sso.testConnection(c.id);
    const finding = report.findings.find((f) => f.check === 'certificate');
    expect(finding).toMatchObject({ status: 'warning' });
    expect(finding?.message).toMatch(/expires in (9|10) day/);
  });

  it('validates a sample response as of its issue time and previews the login; a wrong audience is named', async () => {
    const { sso, c, idp, storage } = await samlSetup();
    const before = memorySnapshot(storage);
    const respond = async (audience: string) => {
      const sp = samlify.ServiceProvider({
        entityID: audience,
        assertionConsumerService: [
          { Binding: samlify.Constants.namespace.binding.post, Location: `${BASE}/sso/saml/acs` },
        ],
        wantAssertionsSigned: true,
      });
      const result = (await idp.createLoginResponse(
        sp,
        { extract: { request: { id: '_sample' } } } as never,
        'post',
        { email: 'grace@example.com' } as never,
      )) as { context: string };
      return result.context;
    };
    const good = await sso.testConnection(c.id, {
      samlResponse: await respond(`${BASE}/sso/saml/metadata/s`),
    });
    expect(statusOf(good, 'sample')).toEqual(['ok']);
    expect(good.preview).toMatchObject({
      outcome: 'would-succeed',
      identity: { issuer: 'https://idp.example.com/metadata', subject: 'grace@example.com' },
      user: { id: null, resolution: 'created' },
    });
    const wrong = await sso.testConnection(c.id, {
      samlResponse: await respond('https://other.example.com/sp'),
    });
    expect(statusOf(wrong, 'sample')).toEqual(['error']);
    expect(wrong.findings.find((f) => f.check === 'sample')?.message).toContain('another service provider');
    expect(wrong.preview).toBeUndefined();
    expect(memorySnapshot(storage)).toBe(before);
  });
});
