import { spawnSync } from 'node:child_process';
import { now } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { memoryStorage } from './index.ts';
import { memoryRawReader, runStorageConformance } from './testkit/index.ts';

runStorageConformance({ name: 'memoryStorage()', create: () => memoryStorage(), raw: memoryRawReader });

describe('memoryStorage bounds', () => {
  it('never drops a live transaction: past maxEntries a new one is refused until others finish or expire', async () => {
    let clock = 0;
    const storage = memoryStorage({ maxEntries: 3, [now]: () => clock });
    for (const key of ['a', 'b', 'c']) await storage.transactions.put(key, { n: key }, 1000);
    await expect(storage.transactions.put('flood', {}, 1000)).rejects.toMatchObject({
      code: 'rate_limited',
      details: { reason: 'transactions_full' },
    });
    // Everyone's login in progress still completes.
    expect(await storage.transactions.take('a')).toEqual({ n: 'a' });
    await storage.transactions.put('d', {}, 1000);
    // Expired ones make room.
    clock += 1001;
    await storage.transactions.put('e', {}, 1000);
    expect(await storage.transactions.take('b')).toBeNull();
  });
});

describe('memoryStorage transaction bytes', () => {
  it('bounds the characters of all transactions together, not only their number', async () => {
    const storage = memoryStorage({ maxTransactionBytes: 1000 });
    await storage.transactions.put('a', { returnTo: 'x'.repeat(600) }, 60_000);
    await expect(storage.transactions.put('b', { returnTo: 'x'.repeat(600) }, 60_000)).rejects.toMatchObject({
      code: 'rate_limited',
    });
    // Taking one gives its room back.
    expect(await storage.transactions.take('a')).toMatchObject({ returnTo: expect.any(String) });
    await storage.transactions.put('b', { returnTo: 'x'.repeat(600) }, 60_000);
  });
});

describe('memoryStorage in production', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(
      process.execPath,
      [
        '--conditions=dev-source',
        '--input-type=module',
        '-e',
        `import { memoryStorage } from ${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)};
         memoryStorage(); memoryStorage();`,
      ],
      { encoding: 'utf8', env: { ...process.env, NODE_ENV: '', ...env } },
    );

  it('warns once per process under NODE_ENV=production, naming what several instances break', () => {
    const production = run({ NODE_ENV: 'production' });
    expect(production.status).toBe(0);
    expect(production.stderr.match(/SSOKIT_MEMORY_STORAGE/g)).toHaveLength(1);
    expect(production.stderr).toMatch(/several instances/);
    expect(production.stderr).toMatch(/@ssokit\/storage-sql/);
    expect(run({ NODE_ENV: 'development' }).stderr).not.toMatch(/SSOKIT_MEMORY_STORAGE/);
  });

  it('bounds live sessions like transactions: past maxEntries a new one is refused, none is dropped', async () => {
    const storage = memoryStorage({ maxEntries: 2 });
    const sessions = storage.sessions as NonNullable<typeof storage.sessions>;
    const at = Date.now();
    const session = (id: string) => ({
      id,
      userId: 'u',
      connectionId: 'c',
      subject: 's',
      data: {},
      createdAt: new Date(at),
      expiresAt: new Date(at + 60_000),
      idleExpiresAt: new Date(at + 60_000),
    });
    await sessions.create(session('a'));
    await sessions.create(session('b'));
    await expect(sessions.create(session('c'))).rejects.toMatchObject({ code: 'rate_limited' });
    expect(await sessions.get('a')).not.toBeNull();
  });
});
