/**
 * The warnings a SAML login gives about its IdP through `onWarning`, once per instance each, so an
 * admin acts before logins fail: metadata past its `validUntil`, a signing certificate that expires
 * within 30 days (or has expired). Test Provider reports the same as findings.
 */
import type { SsoWarningCode } from '@ssokit/core';
import { samlConnection } from 'ssokit-test-fixtures/connections';
import { makeCertificate } from 'ssokit-test-fixtures/keys';
import { redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'https://app.example.com';

describe('SAML IdP warnings at login', () => {
  it('warns of expired metadata and a certificate expiring in 10 days, once each, naming the connection', async () => {
    const keys = await makeCertificate('idp.example.com', {
      notAfter: new Date(Date.now() + 10 * 86_400_000),
    });
    const idp = await redirectBindingIdp({ keys });
    const metadata = idp
      .getMetadata()
      .replace(/<(\w+:)?EntityDescriptor /, (tag) => `${tag}validUntil="2020-01-01T00:00:00Z" `);
    const warnings: { code: SsoWarningCode; message: string }[] = [];
    const { sso, storage } = testSso(BASE, {
      onWarning: (code, message) => void warnings.push({ code, message }),
    });
    const c = await storage.connections.create(
      samlConnection(metadata, `${BASE}/sso/saml/metadata/c`, { id: 'legacy' }),
    );
    for (let i = 0; i < 3; i++)
      expect((await sso.handle(new Request(`${BASE}/sso/login/${c.id}`))).status).toBe(302);
    expect(warnings.map((w) => w.code).sort()).toEqual(['idp-certificate-expiring', 'idp-metadata-expired']);
    const certificate = warnings.find((w) => w.code === 'idp-certificate-expiring')?.message ?? '';
    expect(certificate).toMatch(/"legacy" expires in (9|10) day\(s\)/);
    expect(warnings.find((w) => w.code === 'idp-metadata-expired')?.message).toMatch(/"legacy".*2020-01-01/);
  });

  it('says nothing for fresh metadata and a certificate valid for long', async () => {
    const idp = await redirectBindingIdp();
    const warnings: SsoWarningCode[] = [];
    const { sso, storage } = testSso(BASE, { onWarning: (code) => void warnings.push(code) });
    const c = await storage.connections.create(
      samlConnection(idp.getMetadata(), `${BASE}/sso/saml/metadata/c`),
    );
    expect((await sso.handle(new Request(`${BASE}/sso/login/${c.id}`))).status).toBe(302);
    expect(warnings).toEqual([]);
  });
});
