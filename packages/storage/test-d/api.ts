/**
 * Type-level tests of @ssokit/storage's public names. Checked by `pnpm typecheck`; never run.
 */
import type { LoginStore, RoleDefinition } from '@ssokit/core';
import type { NewConnection, RolePatch, SsoStorage, StoredRole, TransactionValue } from '@ssokit/storage';
import { memoryStorage } from '@ssokit/storage';
import type { ExpiringStorage, RawReader, StorageConformanceOptions } from '@ssokit/storage/testkit';

// memoryStorage() is an SsoStorage, and its login member is the pipeline's port.
const storage: SsoStorage = memoryStorage();
storage.login satisfies LoginStore;

// A new connection has no id requirement, no timestamps, and the protocol settings it names.
const input: NewConnection = {
  name: 'x',
  protocol: 'saml',
  provider: 'custom',
  active: true,
  saml: { spEntityId: 'https://app.example.com', wantAssertionsSigned: true },
};
// @ts-expect-error: timestamps are the store's to set
const stamped: NewConnection = { ...input, createdAt: new Date() };

// Transactions hold JSON only.
const value: TransactionValue = { state: 's', nested: { list: [1, 'two', null, true] } };
// @ts-expect-error: a Date is not JSON
const notJson: TransactionValue = { at: new Date() };

// The testkit's options name the raw reader.
type Raw = ReturnType<StorageConformanceOptions['raw']>;
const raw: Raw extends RawReader ? true : false = true;

// A store of only what expires runs the suite with connections and users off, and a raw reader of
// what those families read; forgetting to turn them off is a type error, not a failing run.
declare const expiring: ExpiringStorage;
const expiringOptions: StorageConformanceOptions<ExpiringStorage> = {
  name: 'redis',
  create: () => expiring,
  raw: () => ({ hasTransaction: async () => false }),
  capabilities: { connections: false, users: false },
};
// @ts-expect-error: connections and users must be off for a store that has neither
const missingCapabilities: StorageConformanceOptions<ExpiringStorage> = {
  name: 'redis',
  create: () => expiring,
  raw: () => ({ hasTransaction: async () => false }),
};

// Roles are optional on a store; a stored role is a role definition (it goes straight to the matcher).
// @ts-expect-error: a store may have no roles
storage.roles.list();
declare const storedRole: StoredRole;
const definition: RoleDefinition = storedRole;
// A patch never sets where a role comes from.
// @ts-expect-error: source is the store's
const sourcePatch: RolePatch = { source: 'file' };

export { definition, expiringOptions, missingCapabilities, notJson, raw, sourcePatch, stamped, value };
