import type { AuditEvent, Connection, LoginDependencies, LoginInput } from '@ssokit/core';
import type { SsoStorage } from '../src/index.ts';
import { memoryStorage } from '../src/index.ts';
import { memoryStateKey } from '../src/internal/memory-state.ts';
import { memoryRawReader } from '../src/testkit/index.ts';

export const ISSUER = 'https://idp.example.com/realms/demo';

/** A stored OIDC connection with overridable settings. */
export async function makeConnection(
  storage: SsoStorage,
  overrides: Partial<Connection> = {},
): Promise<Connection> {
  return storage.connections.create({
    name: `Keycloak ${Math.random()}`,
    protocol: 'oidc',
    provider: 'keycloak',
    active: true,
    oidc: {
      issuer: ISSUER,
      clientId: 'app',
      flow: 'code',
      pkce: 'S256',
      scopes: ['openid', 'profile', 'email'],
      userInfo: 'id_token',
      verifySignature: true,
    },
    groupSync: { enabled: true, removeRevoked: true },
    ...overrides,
  } as never);
}

/** A fresh memory store, its raw reader, a recorded audit log, and a snapshot of everything stored. */
export function setup() {
  const storage = memoryStorage();
  const raw = memoryRawReader(storage);
  const events: AuditEvent[] = [];
  const deps = (extra: Partial<LoginDependencies> = {}): LoginDependencies => ({
    store: storage.login,
    audit: (event) => {
      events.push(event);
    },
    ...extra,
  });
  /** Everything users, identities and memberships hold, to compare before and after a refusal. */
  const snapshot = async () => {
    const users = [];
    const state = (
      storage as unknown as Record<
        symbol,
        { users: Map<string, unknown>; identities: Map<string, unknown>; memberships: Map<string, unknown> }
      >
    )[memoryStateKey];
    if (!state) throw new Error('not a memory store');
    for (const id of state.users.keys())
      users.push({
        id,
        raw: await raw.user(id),
        identities: await raw.identities(id),
        memberships: await raw.memberships(id),
      });
    return JSON.stringify({
      users,
      identities: [...state.identities.values()],
      memberships: [...state.memberships.values()],
    });
  };
  return { storage, raw, events, deps, snapshot };
}

export function claimsFor(subject: string, extra: Record<string, unknown> = {}): LoginInput['claims'] {
  return {
    sub: subject,
    email: `${subject}@example.com`,
    email_verified: true,
    preferred_username: subject,
    ...extra,
  };
}
