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
