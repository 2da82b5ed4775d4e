/**
 * Invariant family: floods of anonymous login starts. They cost the server little, are limited per
 * client when the host names clients (`clientKey`), and never end other people's logins in progress:
 * a full transaction store refuses new logins rather than dropping live ones. Security review 1,
 * hardening note on transaction floods.
 */
import { memoryStorage } from '@ssokit/storage';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf } from 'ssokit-test-fixtures/http';
import { describe, expect, it } from 'vitest';
import { createSso } from '../src/index.ts';
import { SECRET } from './helpers.ts';

const BASE = 'https://app.example.com';
// Complete endpoint overrides: no discovery, so no IdP needs to run for a login start.
const endpoints = {
  authorization: 'https://idp.example.com/authorize',
  token: 'https://idp.example.com/token',
  jwks: 'https://idp.example.com/jwks',
};

async function setup(options: { maxEntries?: number; clientKey?: (r: Request) => string | undefined } = {}) {
  const storage = memoryStorage(options.maxEntries ? { maxEntries: options.maxEntries } : {});
  const sso = createSso({
    baseUrl: BASE,
    storage,
    secret: SECRET,
    ...(options.clientKey ? { clientKey: options.clientKey } : {}),
  });
  const connection = await storage.connections.create(
    oidcConnection('https://idp.example.com', {}, { endpoints }),
  );
  const start = (client?: string) =>
    sso.handle(
      new Request(`${BASE}/sso/login/${connection.id}`, {
        headers: { accept: 'application/json', ...(client ? { 'x-client': client } : {}) },
      }),
    );
  return { storage, start };
}

describe('floods of login starts', () => {
  it('are limited per client when the host names clients; others are not affected', async () => {
    const { start } = await setup({ clientKey: (r) => r.headers.get('x-client') ?? undefined });
    const statuses = [];
    for (let i = 0; i < 35; i++) statuses.push((await start('203.0.113.9')).status);
    expect(statuses.filter((s) => s === 302)).toHaveLength(30);
    const refused = await start('203.0.113.9');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect((await start('198.51.100.7')).status).toBe(302);
  });

  it('are limited across instances that share the store: a client cannot multiply its allowance', async () => {
    const { storage, start } = await setup({ clientKey: (r) => r.headers.get('x-client') ?? undefined });
    const other = createSso({
      baseUrl: BASE,
      storage,
      secret: SECRET,
      clientKey: (r) => r.headers.get('x-client') ?? undefined,
    });
    const [connection] = await storage.connections.list();
    const startOnOther = () =>
      other.handle(
        new Request(`${BASE}/sso/login/${connection?.id}`, {
          headers: { accept: 'application/json', 'x-client': '203.0.113.9' },
        }),
      );
    for (let i = 0; i < 20; i++) expect((await start('203.0.113.9')).status).toBe(302);
    for (let i = 0; i < 10; i++) expect((await startOnOther()).status).toBe(302);
    expect((await startOnOther()).status).toBe(429);
    expect((await start('203.0.113.9')).status).toBe(429);
  });

  it('never drop a login in progress: a full store refuses new ones, and the earlier ones complete', async () => {
    const { storage, start } = await setup({ maxEntries: 5 });
    const first = await start();
    const key = cookiesOf(first)[0]?.split('=')[1] as string;
    for (let i = 0; i < 4; i++) expect((await start()).status).toBe(302);
    const flooded = await start();
    expect(flooded.status).toBe(429);
    expect(await flooded.json()).toMatchObject({ error: 'rate_limited' });
    // The first visitor's transaction is still there to be taken by their callback.
    expect(await storage.transactions.take(key)).toMatchObject({ protocol: 'oidc' });
  });
});
