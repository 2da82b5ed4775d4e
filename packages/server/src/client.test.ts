import { describe, expect, it } from 'vitest';
import { createClientLimiter } from './client.ts';

describe('createClientLimiter', () => {
  it('allows perWindow events per client in a sliding window, each client on its own', () => {
    const limiter = createClientLimiter({ perWindow: 2, windowMs: 1000 });
    expect([limiter.hit('a', 0), limiter.hit('a', 10), limiter.hit('a', 20)]).toEqual([true, true, false]);
    expect(limiter.hit('b', 20)).toBe(true);
    // The first event leaves the window at 1000; refused attempts are not counted.
    expect(limiter.hit('a', 1001)).toBe(true);
    expect(limiter.hit('a', 1005)).toBe(false);
  });

  it('forget takes back the last event (a right password does not count)', () => {
    const limiter = createClientLimiter({ perWindow: 1, windowMs: 1000 });
    expect(limiter.hit('a', 0)).toBe(true);
    limiter.forget('a');
    expect(limiter.hit('a', 1)).toBe(true);
  });

  it('tracks at most maxClients, forgetting the least recently seen', () => {
    const limiter = createClientLimiter({ perWindow: 1, windowMs: 60_000, maxClients: 3 });
    for (const client of ['a', 'b', 'c']) limiter.hit(client, 0);
    limiter.hit('a', 1); // refused, but seen: now the most recent
    limiter.hit('d', 2); // b is forgotten
    expect(limiter.hit('b', 3)).toBe(true);
    expect(limiter.hit('a', 3)).toBe(false);
  });
});
