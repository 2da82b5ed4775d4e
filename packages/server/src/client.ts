/**
 * Who sent a request, for limits that must hold per client rather than for everyone at once (a
 * lockout of all would let any anonymous client keep the real administrator out). The host says it
 * with `SsoOptions.clientKey`; otherwise the Node adapters record the socket's address for the Web
 * `Request` they build; otherwise (another entry, no hook) every request is one client, `unknown`.
 *
 * @module
 */
import type { SsoContext } from './context.ts';

const addresses = new WeakMap<Request, string>();

/** Records the address a Node adapter saw for the Request it built (see `toWebRequest`). */
export function recordClientAddress(request: Request, address: string | undefined): void {
  if (address) addresses.set(request, address);
}

/** The client key of a request: the host's hook, else the adapter's socket address, else `unknown`. */
export function clientKeyOf(ctx: SsoContext, request: Request): string {
  return ctx.options.clientKey?.(request) || addresses.get(request) || 'unknown';
}

/**
 * Counts events per client in a sliding window, in memory: `hit` says whether one more is allowed and
 * records it. At most `maxClients` clients are tracked (the least recent is forgotten first), so an
 * anonymous flood of new keys costs bounded memory.
 */
export function createClientLimiter(options: { perWindow: number; windowMs: number; maxClients?: number }) {
  const hits = new Map<string, number[]>();
  const maxClients = options.maxClients ?? 10_000;
  return {
    /** Records an event for `client` at `now` unless it is over the limit; returns whether it was allowed. */
    hit(client: string, now: number): boolean {
      const recent = (hits.get(client) ?? []).filter((at) => at > now - options.windowMs);
      hits.delete(client); // re-inserted last: the map is in order of last use
      if (recent.length >= options.perWindow) {
        hits.set(client, recent);
        return false;
      }
      recent.push(now);
      hits.set(client, recent);
      while (hits.size > maxClients) hits.delete(hits.keys().next().value as string);
      return true;
    },
    /** Takes back the most recent event of `client` (an attempt that turned out right). */
    forget(client: string): void {
      hits.get(client)?.pop();
    },
  };
}

/**
 * A per-client limit of `perMinute` events shared by every instance when the store has counters
 * (`storage.counters`: a fixed one-minute window), else kept by this instance alone (a sliding one).
 * Returns whether one more event of `client` is allowed, and counts it.
 */
export function createSharedLimiter(ctx: SsoContext, name: string, perMinute: number) {
  const local = createClientLimiter({ perWindow: perMinute, windowMs: 60_000 });
  const counters = ctx.storage.counters;
  return async (client: string): Promise<boolean> =>
    counters
      ? (await counters.hit(`${name}\u0000${client}`, 60_000)) <= perMinute
      : local.hit(client, ctx.clock());
}
