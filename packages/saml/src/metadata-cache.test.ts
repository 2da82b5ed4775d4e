import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowInsecureRequests, customFetch, now } from '@ssokit/core';
import { idpMetadataXml } from 'ssokit-test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdpMetadataCache } from './metadata-cache.ts';

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

  it('remembers a failed download for retryAfterMs: anonymous login starts cannot make it fetch again', async () => {
    let clock = Date.now();
    const cache = createIdpMetadataCache({ retryAfterMs: 30_000, [now]: () => clock });
    status = 500;
    fetches = 0;
    for (let i = 0; i < 50; i++)
      await expect(cache.get(base)).rejects.toMatchObject({ code: 'idp_unreachable' });
    expect(fetches).toBe(1);
    // After the window it asks again, and a good answer is used at once.
    status = 200;
    clock += 30_001;
    expect((await cache.get(base)).entityId).toBeTruthy();
    expect(fetches).toBe(2);
    // A failed refresh of good metadata serves the last copy, also without asking again meanwhile.
    const stale = createIdpMetadataCache({ maxAgeMs: 1000, [now]: () => clock });
    await stale.get(base);
    clock += 2000;
    status = 503;
    fetches = 0;
    for (let i = 0; i < 20; i++) expect((await stale.get(base)).entityId).toBeTruthy();
    expect(fetches).toBe(1);
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

describe('createIdpMetadataCache reads with a bound', () => {
  const CHUNK = 64 * 1024;
  /** A metadata "server" whose body never ends; counts what was pulled and whether it was cancelled. */
  const endless = (headers: Record<string, string> = {}, status = 200) => {
    const seen = { pulls: 0, cancelled: false };
    const fetchStub = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            seen.pulls++;
            controller.enqueue(new TextEncoder().encode('<'.padEnd(CHUNK, ' ')));
          },
          cancel() {
            seen.cancelled = true;
          },
        }),
        { status, headers },
      );
    return { seen, fetchStub };
  };

  it('stops an endless body just past maxBytes and cancels it, without reading the rest', async () => {
    const { seen, fetchStub } = endless();
    const cache = createIdpMetadataCache({ maxBytes: 1_000_000, [customFetch]: fetchStub });
    await expect(cache.get('https://idp.example.com/metadata')).rejects.toMatchObject({
      code: 'idp_unreachable',
      message: 'The metadata at https://idp.example.com/metadata is larger than 1000000 bytes.',
    });
    expect(seen.cancelled).toBe(true);
    // 16 chunks fit in 1 MB; the 17th passes it. A pull or two more may be queued ahead.
    expect(seen.pulls).toBeGreaterThanOrEqual(16);
    expect(seen.pulls).toBeLessThanOrEqual(19);
  });

  it('does not read at all when Content-Length already says too much, nor a body with an error status', async () => {
    const declared = endless({ 'content-length': String(10 * 1024 * 1024) });
    await expect(
      createIdpMetadataCache({ [customFetch]: declared.fetchStub }).get('https://idp.example.com/metadata'),
    ).rejects.toMatchObject({
      code: 'idp_unreachable',
      message: expect.stringContaining('larger than 2000000 bytes'),
    });
    expect(declared.seen.cancelled).toBe(true);
    expect(declared.seen.pulls).toBeLessThanOrEqual(1);

    const failing = endless({}, 500);
    await expect(
      createIdpMetadataCache({ [customFetch]: failing.fetchStub }).get('https://idp.example.com/metadata'),
    ).rejects.toMatchObject({
      code: 'idp_unreachable',
      message: expect.stringContaining('answered HTTP 500'),
    });
    expect(failing.seen.cancelled).toBe(true);
    expect(failing.seen.pulls).toBeLessThanOrEqual(1);
  });

  it('reads a body that fits, in chunks, multi-byte characters split across them included', async () => {
    const text = idpMetadataXml('okta-1').replace(
      '</md:EntityDescriptor>',
      '<!-- été ✓ --></md:EntityDescriptor>',
    );
    const bytes = new TextEncoder().encode(text);
    const fetchStub = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = 0; at < bytes.length; at += 7) controller.enqueue(bytes.slice(at, at + 7));
            controller.close();
          },
        }),
      );
    const idp = await createIdpMetadataCache({ maxBytes: bytes.length, [customFetch]: fetchStub }).get(
      'https://idp.example.com/metadata',
    );
    expect(idp.entityId).toMatch(/^http:\/\/www\.okta\.com\//);
  });

  it("applies core's IdP-URL rule: loopback hosts over http, anything else only with allowInsecureRequests", async () => {
    const fetchStub = async () => new Response(idpMetadataXml('okta-1'));
    for (const url of ['http://localhost:8080/md', 'http://[::1]/md', 'http://127.0.0.2/md']) {
      await expect(createIdpMetadataCache({ [customFetch]: fetchStub }).get(url)).resolves.toBeDefined();
    }
    await expect(
      createIdpMetadataCache({ [customFetch]: fetchStub }).get('ftp://idp.example.com/md'),
    ).rejects.toMatchObject({
      code: 'idp_unreachable',
      message: 'The metadata URL "ftp://idp.example.com/md" is not an http(s) URL.',
    });
    await expect(createIdpMetadataCache({ [customFetch]: fetchStub }).get('/relative')).rejects.toMatchObject(
      {
        code: 'idp_unreachable',
        message: expect.stringContaining('is not an absolute URL'),
      },
    );
    const heard: string[] = [];
    const insecure = createIdpMetadataCache({
      [customFetch]: fetchStub,
      [allowInsecureRequests]: true,
      onWarning: (code, message) => void heard.push(`${code}: ${message}`),
    });
    await expect(insecure.get('http://idp.example.com/md')).resolves.toBeDefined();
    await expect(insecure.get('http://idp.example.com/other')).resolves.toBeDefined();
    expect(heard).toEqual([
      expect.stringMatching(/^insecure-http: http:\/\/idp\.example\.com is called over plain http/),
    ]);
  });
});
