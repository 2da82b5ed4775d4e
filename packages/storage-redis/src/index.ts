/**
 * `@ssokit/storage-redis`: login transactions, the replay cache, sessions and rate-limit counters on
 * Redis (ioredis), shared by every instance of an app. Compose it over a SQL store with
 * `composeStorage()` from `@ssokit/storage`.
 *
 * @packageDocumentation
 */
export type { RedisClient } from './scripts.ts';
export type { RedisStorage, RedisStorageOptions } from './storage.ts';
export { redisStorage } from './storage.ts';
