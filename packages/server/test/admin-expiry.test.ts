/**
 * `GET /admin/connections` lists what expires in each connection, from what is stored (the console's
 * table shows the soonest): a client secret whose expiry is recorded, the SP certificate, and the IdP
 * signing certificates of inline metadata.
 */

import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { makeCertificate } from 'ssokit-test-fixtures/keys';
import { redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const DAY = 86_400_000;

describe('the expiries in the connection list', () => {
  it('names each thing that expires with its date, soonest first; a connection with none has an empty list', async () => {
    const { sso, storage } = testSso(BASE, { authorizeAdmin: () => true });
    const soon = new Date(Date.now() + 10 * DAY);
    const sp = await makeCertificate('sp.example.com', { notAfter: soon });
    const idp = await redirectBindingIdp();
    await storage.connections.create(
      samlConnection(
        idp.getMetadata(),
        `${BASE}/sso/saml/metadata/s`,
        { id: 's' },
        {
          spPrivateKey: sp.privateKeyPem,
          spCertificate: sp.certificatePem,
        },
      ),
    );
    const secretEnd = new Date(Date.now() + 40 * DAY).toISOString().slice(0, 10);
    await storage.connections.create(
      oidcConnection(
        'https://sso.example.com/realms/a',
        { id: 'o' },
        { clientSecret: 'x', clientSecretExpiresAt: secretEnd },
      ),
    );
    await storage.connections.create(
      oidcConnection('https://sso.example.com/realms/b', { id: 'plain', name: 'Plain' }),
    );
    const list = (await (
      await sso.handle(
        new Request(`${BASE}/sso/admin/connections`, { headers: { accept: 'application/json' } }),
      )
    ).json()) as { id: string; expiries: { what: string; at: string }[] }[];
    const byId = Object.fromEntries(list.map((c) => [c.id, c.expiries]));
    expect(byId.s?.map((e) => e.what)).toEqual(['sp-certificate', 'idp-certificate']);
    expect(Math.abs(Date.parse(byId.s?.[0]?.at as string) - soon.getTime())).toBeLessThan(2000);
    expect(byId.o).toEqual([{ what: 'client-secret', at: new Date(secretEnd).toISOString() }]);
    expect(byId.plain).toEqual([]);
  });
});
