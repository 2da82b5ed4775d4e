/**
 * Invariant family: outbound requests go to public addresses unless the host allows private ones.
 * In production (https baseUrl, allowPrivateNetworks not set) an IdP URL on this machine or a private
 * network is refused when an admin saves it, and any request to one (by its literal address, or by a
 * name that resolves to one, checked when connecting) fails without reaching it, with one message for
 * every unreachable target. Security review 1, finding 11.
 */
import { lookup } from 'node:dns/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { isPrivateAddress } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import { memorySnapshot } from '@ssokit/storage/testkit';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSso } from '../src/index.ts';
import { SECRET, testSso } from './helpers.ts';

const BASE = 'https://app.example.com';
let hits = 0;
let connections = 0;
let port = 0;
const inside = createServer((_req, res) => {
  hits++;
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
}).on('connection', () => void connections++);
beforeAll(async () => {
  await new Promise<void>((resolve) => inside.listen(0, '127.0.0.1', resolve));
  port = (inside.address() as AddressInfo).port;
});
afterAll(() => inside.close());

/** A production app: https, and allowPrivateNetworks left to its default (off there). */
function production() {
  const storage = memoryStorage();
  const sso = createSso({
    baseUrl: BASE,
    storage,
    secret: SECRET,
    authorizeAdmin: () => true,
    onError: () => undefined,
  });
  return { sso, storage };
}

const post = (sso: ReturnType<typeof production>['sso'], body: unknown) =>
  sso.handle(
    new Request(`${BASE}/sso/admin/connections`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );

describe('outbound requests in production', () => {
  it('the admin API refuses IdP URLs on this machine, a private network or the metadata service', async () => {
    const { sso, storage } = production();
    const before = await memorySnapshot(storage);
    for (const [issuer, endpoints] of [
      ['https://169.254.169.254/latest', undefined],
      [`http://127.0.0.1:${port}/realms/x`, undefined],
      ['https://10.0.0.5/realms/corp', undefined],
      ['https://idp.example.com', { token: 'https://[::ffff:127.0.0.1]/token' }],
    ] as const) {
      const response = await post(sso, {
        name: `c-${issuer}`,
        protocol: 'oidc',
        provider: 'custom',
        oidc: { issuer, clientId: 'app', ...(endpoints ? { endpoints } : {}) },
      });
      expect(response.status, issuer).toBe(400);
      expect(JSON.stringify(await response.json())).toContain('allowPrivateNetworks: true');
    }
    const saml = await post(sso, {
      name: 'saml',
      protocol: 'saml',
      provider: 'custom',
      saml: { idpMetadataUrl: `http://localhost:${port}/metadata`, spEntityId: 'https://app.example.com/sp' },
    });
    expect(saml.status).toBe(400);
    expect(await memorySnapshot(storage)).toEqual(before);
    expect(hits).toBe(0);
  });

  it('a stored URL on a private address is never called: one answer, whatever is listening there', async () => {
    const { sso, storage } = production();
    hits = 0;
    const open = await storage.connections.create(
      oidcConnection(`http://127.0.0.1:${port}`, { name: 'open' }),
    );
    const closed = await storage.connections.create(oidcConnection('http://127.0.0.1:9', { name: 'closed' }));
    const answers = [];
    for (const id of [open.id, closed.id]) {
      const response = await sso.handle(
        new Request(`${BASE}/sso/login/${id}`, { headers: { accept: 'application/json' } }),
      );
      answers.push({ status: response.status, body: await response.json() });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]?.status).toBe(502);
    // Test Provider tells an open port from a closed one no better.
    const reports = await Promise.all([open.id, closed.id].map((id) => sso.testConnection(id)));
    const discovery = reports.map((r) =>
      r.findings.find((f) => f.check === 'discovery')?.message?.replace(/:\d+\//g, ':PORT/'),
    );
    expect(discovery[0]).toBe(discovery[1]);
    expect(hits).toBe(0);
  });

  it('a name that resolves to a private address is refused when connecting, not only a literal', async () => {
    const name = hostname();
    const { address } = await lookup(name);
    expect(isPrivateAddress(address)).toBe(true); // this machine's name resolves to itself
    const { sso, storage } = production();
    connections = 0;
    // https, as production requires: without the check at connect time the TCP connection would be
    // made (and the TLS handshake then fail), so count connections, not requests.
    const sneaky = await storage.connections.create(
      samlConnection({ url: `https://${name}:${port}/metadata` }, `${BASE}/sso/saml/metadata/s`),
    );
    const response = await sso.handle(
      new Request(`${BASE}/sso/login/${sneaky.id}`, { headers: { accept: 'application/json' } }),
    );
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'idp_unreachable' });
    expect(connections).toBe(0);
  });

  it('with allowPrivateNetworks the host reaches its own IdP', async () => {
    const { sso, storage } = testSso(BASE, { allowPrivateNetworks: true });
    hits = 0;
    const own = await storage.connections.create(oidcConnection(`http://127.0.0.1:${port}`));
    await sso.handle(new Request(`${BASE}/sso/login/${own.id}`));
    expect(hits).toBeGreaterThan(0);
  });
});
