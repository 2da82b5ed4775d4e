import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from '@ssokit/core';
import { idpMetadataXml } from 'ssokit-test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdpMetadataCache } from '../src/index.ts';

let base = '';
let fetches = 0;
let status = 200;
let document = idpMetadataXml('okta-1');
const server = createServer((_req, res) => {
  fetches++;
  res.writeHead(status, { 'content-type': 'application/xml' }).end(document);
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('createIdpMetadataCache', () => {
  it('fetches once while fresh, refreshes after maxAge, and keeps the last good copy through an outage', async () => {
    let clock = Date.now();
    const cache = createIdpMetadataCache({ maxAgeMs: 1000, [now]: () => clock });
    fetches = 0;
    const first = await cache.get(base);
    expect(first.entityId).toMatch(/^http:\/\/www\.okta\.com\//);
    await cache.get(base);
    expect(fetches).toBe(1);
    clock += 2000;
    document = idpMetadataXml('onelogin-1');
    expect((await cache.get(base)).entityId).toBe('https://app.onelogin.com/saml/metadata/383123');
    expect(fetches).toBe(2);
    clock += 2000;
    status = 503;
    expect((await cache.get(base)).entityId).toBe('https://app.onelogin.com/saml/metadata/383123');
    status = 200;
  });

  it('throws when nothing was ever fetched, naming the URL and status; refuses http outside loopback', async () => {
    status = 404;
    await expect(createIdpMetadataCache().get(`${base}-missing`)).rejects.toMatchObject({
      code: 'idp_unreachable',
      message: expect.stringContaining('answered HTTP 404'),
    });
    status = 200;
    await expect(createIdpMetadataCache().get('http://idp.example.com/metadata')).rejects.toMatchObject({
      message: expect.stringContaining('must use https'),
    });
    document = '<not-metadata/>';
    await expect(createIdpMetadataCache().get(`${base}-bad`)).rejects.toMatchObject({
      code: 'config_invalid',
    });
    document = idpMetadataXml('okta-1');
  });
});
