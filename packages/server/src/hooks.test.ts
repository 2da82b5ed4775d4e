import { memoryStorage } from '@ssokit/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { createSso } from './create-sso.ts';
import { callHook } from './hooks.ts';

const unhandled: unknown[] = [];
const record = (reason: unknown) => void unhandled.push(reason);
process.on('unhandledRejection', record);
afterEach(() => {
  unhandled.length = 0;
});

/** Lets pending rejections surface as `unhandledRejection` before the test looks. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('callHook', () => {
  it('a hook that throws or rejects changes nothing and leaves no unhandled rejection', async () => {
    const calls: unknown[][] = [];
    callHook((...args: unknown[]) => void calls.push(args), 'a', 1);
    callHook(() => {
      throw new Error('log sink down');
    });
    callHook(async () => {
      throw new Error('log sink down, later');
    });
    callHook(undefined);
    await settle();
    expect(calls).toEqual([['a', 1]]);
    expect(unhandled).toEqual([]);
  });

  it('async onError and onWarning hooks that reject: the visitor gets the same answer, the process lives', async () => {
    const sso = createSso({
      baseUrl: 'http://127.0.0.1:3000',
      storage: memoryStorage(),
      secret: 'test-secret-with-at-least-32-characters!',
      onError: async () => {
        throw new Error('log sink down');
      },
      onWarning: async () => {
        throw new Error('log sink down');
      },
    });
    const response = await sso.handle(
      new Request('http://127.0.0.1:3000/sso/login/nope', { headers: { accept: 'application/json' } }),
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'connection_not_found' });
    await settle();
    expect(unhandled).toEqual([]);
  });
});
