/**
 * Invariant family: every request body is read with a limit, whatever the entry. Through `sso.handle`
 * (the Hono, Next.js, Bun and Deno path, with no adapter in front) a body past a route's limit is
 * refused with 413 `payload_too_large` after reading no more than the limit, even when it is streamed
 * without a Content-Length; nothing is written.
 */
import { startRestoreMode } from '@ssokit/config';
import { now } from '@ssokit/core';
import { memorySnapshot } from '@ssokit/storage/testkit';
import { samlConnection } from 'ssokit-test-fixtures/connections';
import { describe, expect, it } from 'vitest';
import { testSso } from './helpers.ts';

const BASE = 'https://app.example.com';
const KiB = 1024;

/** A streamed body of `total` bytes in 1 KiB chunks (no Content-Length), counting what was pulled. */
function endless(total: number) {
  const state = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled * KiB >= total) return controller.close();
      state.pulled++;
      controller.enqueue(
        new TextEncoder().encode(
          `${state.pulled === 1 ? 'a=' : ''}${'x'.repeat(KiB - (state.pulled === 1 ? 2 : 0))}`,
        ),
      );
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { body, state };
}

async function setup(withRestore = false) {
  const clock = { ms: Date.parse('2026-12-04T10:00:00Z') };
  const { sso, storage } = testSso(BASE, {
    // Restore mode refuses SSO routes before they read anything; only the restore route needs it.
    ...(withRestore
      ? { restore: startRestoreMode({ restoreTtlMs: 30 * 60_000, [now]: () => clock.ms }) }
      : {}),
    authorizeAdmin: () => true,
    [now]: () => clock.ms,
  });
  await storage.connections.create(samlConnection('<EntityDescriptor/>', 'https://app.example.com/sp'));
  return { sso, storage };
}

describe('request bodies through sso.handle', () => {
  const routes: [string, string, number, Record<string, string>][] = [
    [
      '/sso/saml/acs',
      'The SAML response body',
      1024 * KiB,
      { 'content-type': 'application/x-www-form-urlencoded' },
    ],
    [
      '/sso/oidc/callback',
      'The callback body',
      64 * KiB,
      { 'content-type': 'application/x-www-form-urlencoded' },
    ],
    ['/sso/admin/connections', 'The admin request body', 256 * KiB, { 'content-type': 'application/json' }],
    ['/sso/restore', 'The restore request body', 4 * KiB, { 'content-type': 'application/json' }],
  ];
  for (const [path, what, limit, headers] of routes) {
    it(`${path}: 413 past ${limit / KiB} KiB, reading no further, writing nothing`, async () => {
      const { sso, storage } = await setup(path === '/sso/restore');
      const before = await memorySnapshot(storage);
      const { body, state } = endless(64 * 1024 * KiB);
      const response = await sso.handle(
        new Request(`${BASE}${path}`, {
          method: 'POST',
          headers: { accept: 'application/json', origin: BASE, ...headers },
          body,
          duplex: 'half',
        } as RequestInit),
      );
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({
        error: 'payload_too_large',
        message: `${what} is larger than ${limit >= 1024 * KiB ? `${limit / 1024 / KiB} MiB` : `${limit / KiB} KiB`}.`,
      });
      // At most the limit (plus the chunk that crossed it, plus what the stream queued ahead) was read.
      expect(state.pulled).toBeLessThanOrEqual(limit / KiB + 3);
      expect(state.cancelled).toBe(true);
      expect(await memorySnapshot(storage)).toEqual(before);
    });
  }

  it('a body just under the limit is read (the ACS then judges the SAML response itself)', async () => {
    const { sso } = await setup();
    const response = await sso.handle(
      new Request(`${BASE}/sso/saml/acs`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: `SAMLResponse=${'A'.repeat(900 * KiB)}`,
      }),
    );
    expect(response.status).not.toBe(413);
    expect(response.status).toBeLessThan(500);
  });
});
