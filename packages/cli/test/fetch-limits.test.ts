/**
 * URLs given to a flag (`--metadata <url>`): every redirect is checked by the same rule as the first URL
 * (https, or http on loopback) and at most 5 are followed; the body is read as a stream and refused past
 * 5 MiB (at once when Content-Length says so); a server that stalls before or during its answer is one
 * clear error, never "failed unexpectedly". Against a real HTTP server on 127.0.0.1.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchText } from '../src/internal/read-input.ts';
import { ssokit } from './support.ts';

let server: Server;
let base: string;
const chunk = Buffer.alloc(1 << 20, 0x41);
const dir = mkdtempSync(join(tmpdir(), 'ssokit-cli-fetch-'));

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/to-http') {
      response.writeHead(302, { location: 'http://idp.example.com/metadata.xml' });
      return response.end();
    }
    if (path === '/loop') {
      response.writeHead(302, { location: '/loop' });
      return response.end();
    }
    if (path === '/hop') {
      response.writeHead(307, { location: '/metadata.xml' });
      return response.end();
    }
    if (path === '/metadata.xml') return response.end('<EntityDescriptor/>');
    if (path === '/endless') {
      response.writeHead(200, { 'content-type': 'application/xml' });
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) {}
        if (!response.destroyed) response.once('drain', pump);
      };
      return pump();
    }
    if (path === '/declared') {
      response.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      return response.write('<EntityDescriptor');
    }
    if (path === '/stall') {
      response.writeHead(200, { 'content-type': 'application/xml' });
      return response.write('<EntityDescriptor');
    }
    // /hang: no answer at all.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('fetchText', { timeout: 60_000 }, () => {
  it('follows a redirect that keeps to the rule', async () => {
    expect(await fetchText(`${base}/hop`, '--metadata')).toBe('<EntityDescriptor/>');
  });

  it('refuses a redirect to plain http off loopback, before sending anything there', async () => {
    await expect(fetchText(`${base}/to-http`, '--metadata')).rejects.toThrow(
      `--metadata: http://idp.example.com/metadata.xml (${base}/to-http redirected there) must use https (plain http only on localhost, 127.0.0.1 and ::1).`,
    );
  });

  it('stops after 5 redirects', async () => {
    await expect(fetchText(`${base}/loop`, '--metadata')).rejects.toThrow(
      `--metadata: ${base}/loop redirected more than 5 times.`,
    );
  });

  it('refuses a body past 5 MiB while reading it, and at once when Content-Length says so', async () => {
    await expect(fetchText(`${base}/endless`, '--metadata')).rejects.toThrow(
      `--metadata: ${base}/endless answered with more than 5 MiB; is it the right URL?`,
    );
    await expect(fetchText(`${base}/declared`, '--metadata')).rejects.toThrow(
      `--metadata: ${base}/declared answered with more than 5 MiB; is it the right URL?`,
    );
  });

  it('a server that stalls, before or during its answer: one sentence naming the time limit', async () => {
    await expect(fetchText(`${base}/hang`, '--metadata', 300)).rejects.toThrow(
      `--metadata: ${base}/hang could not be fetched (no answer within 0.3 s); check the URL and the network.`,
    );
    await expect(fetchText(`${base}/stall`, '--metadata', 300)).rejects.toThrow(
      `--metadata: ${base}/stall did not send its whole answer within 0.3 s; check the URL and the network.`,
    );
  });

  it('through the command (an XML response whose text has four dots, which is no JWE): a refused redirect is one line, exit 2', async () => {
    const response = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0" IssueInstant="${new Date().toISOString()}"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>`;
    const path = join(dir, 'response.xml');
    writeFileSync(path, response);
    const run = await ssokit(['decode', path, '--metadata', `${base}/to-http`]);
    expect(run.code).toBe(2);
    // Progress lines start with "…"; the error is one line.
    expect(run.stderr.split('\n').filter((line) => line.startsWith('ssokit:'))).toEqual([
      `ssokit: --metadata: http://idp.example.com/metadata.xml (${base}/to-http redirected there) must use https (plain http only on localhost, 127.0.0.1 and ::1).`,
    ]);
  });
});
