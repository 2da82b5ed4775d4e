/**
 * `@ssokit/storage/testkit`: the conformance suite every storage adapter passes, run with one call from
 * a Vitest test file. Requires `vitest` (an optional peer dependency of `@ssokit/storage`).
 *
 * @packageDocumentation
 */
export type { ExpiringStorage, StorageConformanceOptions } from './conformance.ts';
export { runStorageConformance } from './conformance.ts';
export type { RawReader } from './raw.ts';
export { memoryRawReader, memorySnapshot } from './raw.ts';
