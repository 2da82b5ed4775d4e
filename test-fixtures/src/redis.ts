/**
 * Shared by the Redis store's tests and the server's multi-instance tests: the keys one test file
 * wrote on the machine's Redis, found and deleted by their prefix (other files share that Redis, so a
 * test never flushes it). Typed structurally: any ioredis client fits.
 */

/** What these helpers need of a Redis client. */
export interface ScanningClient {
  scan(
    cursor: string,
    match: 'MATCH',
    pattern: string,
    count: 'COUNT',
    n: number,
  ): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
}

/** Every key under `prefix` (as stored, a client's own key prefix included). */
export async function keysUnder(redis: ScanningClient, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return [...new Set(found)];
}

/** Deletes the keys under `prefix`, and only those. */
export async function deleteUnder(redis: ScanningClient, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}
