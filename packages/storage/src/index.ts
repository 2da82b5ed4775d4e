/**
 * `@ssokit/storage`: the store interfaces of ssokit and `memoryStorage()`, the embedded default. The
 * conformance suite for adapter authors is the `@ssokit/storage/testkit` subpath.
 *
 * @packageDocumentation
 */
export type { MemoryStorageOptions } from './memory.ts';
export { memoryStorage } from './memory.ts';
export type {
  ConnectionPatch,
  ConnectionStore,
  GroupStore,
  JsonValue,
  MembershipKey,
  MembershipStore,
  NewConnection,
  NewGroup,
  NewUser,
  ReplayCache,
  SsoStorage,
  TransactionStore,
  TransactionValue,
  UserStore,
} from './types.ts';
