/**
 * Runs the conformance suite against stores with one deliberate fault each (and one intact control),
 * so that `testkit-catches-faults.test.ts` can check the suite notices every fault. Not collected by
 * the normal test run; see vitest.faults.config.ts.
 */

import { foldCase } from '@ssokit/core';
import type { RoleStore, SsoStorage } from '../../src/index.ts';
import { checkRole, memoryStorage } from '../../src/index.ts';
import type { MemoryState } from '../../src/internal/memory-state.ts';
import { memoryStateKey } from '../../src/internal/memory-state.ts';
import { memoryRawReader, runStorageConformance } from '../../src/testkit/index.ts';

export const faults = {
  'take-keeps-value': (s: SsoStorage) => {
    const { put, take } = s.transactions;
    s.transactions.take = async (key) => {
      const value = await take(key);
      if (value) await put(key, value, 60_000);
      return value;
    };
  },
  'names-case-sensitive': (s: SsoStorage, state: MemoryState) => {
    const { create } = s.connections;
    s.connections.create = async (input) => {
      const clash = [...state.connections.values()].find(
        (c) => c.name.toLowerCase() === input.name.toLowerCase(),
      );
      if (!clash || clash.name === input.name) return create(input);
      const at = new Date();
      const record = { ...input, id: crypto.randomUUID(), createdAt: at, updatedAt: at } as never;
      state.connections.set((record as { id: string }).id, record);
      return record;
    };
  },
  'ignores-updated-at': (s: SsoStorage, state: MemoryState) => {
    const { update } = s.connections;
    s.connections.update = (id, patch, options) =>
      update(id, patch, {
        expectedUpdatedAt: state.connections.get(id)?.updatedAt ?? options.expectedUpdatedAt,
      });
  },
  'non-atomic-commit': (s: SsoStorage) => {
    const { commitLogin } = s.login;
    s.login.commitLogin = async (commit) => {
      if (commit.user.kind !== 'create') return commitLogin(commit);
      const user = await s.users.create({ status: 'active', ...commit.user.profile });
      return commitLogin({
        ...commit,
        user: { kind: 'existing', id: user.id, profile: commit.user.profile },
      });
    };
  },
  'replay-always-new': (s: SsoStorage) => {
    s.replay.firstSeen = async () => true;
  },
  // A store that hands out any holder of an address, verified or not (the pre-account takeover).
  'unverified-email-found': (s: SsoStorage, state: MemoryState) => {
    s.users.findByEmail = async (email) => {
      const found = [...state.users.values()].find((u) => u.email?.toLowerCase() === email.toLowerCase());
      return found ? { ...found } : null;
    };
  },
  'no-expiry': (s: SsoStorage) => {
    const { put } = s.transactions;
    s.transactions.put = (key, value) => put(key, value, 3_600_000);
  },
  // Back-channel logout by `sub` ending the same subject's sessions at every IdP.
  'revoke-subject-any-connection': (s: SsoStorage, state: MemoryState) => {
    const sessions = s.sessions as NonNullable<SsoStorage['sessions']>;
    const { revoke } = sessions;
    sessions.revoke = async (filter) => {
      if (!('subject' in filter) || filter.subject === undefined || filter.idpSessionId)
        return revoke(filter);
      let count = 0;
      for (const [id, session] of state.sessions)
        if (session.subject === filter.subject && state.sessions.delete(id)) count += 1;
      return count;
    };
  },
  'session-idle-ignored': (s: SsoStorage, state: MemoryState) => {
    const sessions = s.sessions as NonNullable<SsoStorage['sessions']>;
    sessions.get = async (id) => {
      const found = state.sessions.get(id);
      return found && found.expiresAt.getTime() > Date.now() ? structuredClone(found) : null;
    };
  },
  'touch-revives': (s: SsoStorage, state: MemoryState) => {
    const sessions = s.sessions as NonNullable<SsoStorage['sessions']>;
    sessions.touch = async (id, idleExpiresAt) => {
      const found = state.sessions.get(id);
      if (!found) return false;
      found.idleExpiresAt = idleExpiresAt;
      return true;
    };
  },
  'counter-lost-update': (s: SsoStorage) => {
    const counters = s.counters as NonNullable<SsoStorage['counters']>;
    const seen = new Map<string, number>();
    counters.hit = async (key) => {
      const before = seen.get(key) ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.set(key, before + 1);
      return before + 1;
    };
  },
  // Login activity that keeps everything (a flood of anonymous failed logins grows it without end).
  'activity-unbounded': (s: SsoStorage) => {
    const activity = s.loginActivity as NonNullable<SsoStorage['loginActivity']>;
    const { record } = activity;
    activity.record = (entry, retention) => record(entry, { ...retention, maxEntries: 1000 });
  },
  // Role names compared as they are: "IdP-Admin" beside "idp-admin", two roles one IdP group may grant.
  'role-names-case-sensitive': (s: SsoStorage, state: MemoryState) => {
    const roles = s.roles as RoleStore;
    const { create } = roles;
    roles.create = async (input) => {
      const clash = [...state.roles.values()].find((r) => r.name.toLowerCase() === input.name.toLowerCase());
      if (!clash || clash.name === input.name) return create(input);
      const at = new Date();
      const record = { ...checkRole(input), source: 'api' as const, createdAt: at, updatedAt: at };
      state.roles.set(`${input.name}#exact`, record);
      return record;
    };
  },
  // A start-up that rewrites every file role, so every instance's restart looks like an edit.
  'role-file-bumps-updated-at': (s: SsoStorage, state: MemoryState) => {
    const roles = s.roles as RoleStore;
    const { applyFromFile } = roles;
    roles.applyFromFile = async (file, origin) => {
      const result = await applyFromFile(file, origin);
      for (const role of state.roles.values())
        if (role.source === 'file') role.updatedAt = new Date(role.updatedAt.getTime() + 1);
      return result;
    };
  },
  // A file that takes over a role an administrator created through the API.
  'role-file-overwrites-api-role': (s: SsoStorage, state: MemoryState) => {
    const roles = s.roles as RoleStore;
    const { applyFromFile } = roles;
    roles.applyFromFile = async (file, origin) => {
      for (const role of Array.isArray(file) ? file : []) {
        const held = state.roles.get(foldCase(String(role?.name)));
        if (held?.source === 'api') Object.assign(held, { source: 'file', origin });
      }
      return applyFromFile(file, origin);
    };
  },
  // File roles that outlive their removal from the file.
  'role-file-keeps-removed': (s: SsoStorage, state: MemoryState) => {
    const roles = s.roles as RoleStore;
    const { applyFromFile } = roles;
    roles.applyFromFile = async (file, origin) => {
      const named = new Set((Array.isArray(file) ? file : []).map((r) => foldCase(String(r?.name))));
      const gone = [...state.roles.values()].filter(
        (r) => r.source === 'file' && r.origin === origin && !named.has(foldCase(r.name)),
      );
      for (const role of gone) role.origin = `${origin} (kept)`;
      try {
        return await applyFromFile(file, origin);
      } finally {
        for (const role of gone) role.origin = origin;
      }
    };
  },
} satisfies Record<string, (s: SsoStorage, state: MemoryState) => void>;

runStorageConformance({ name: 'control', create: () => memoryStorage(), raw: memoryRawReader });
for (const [name, inject] of Object.entries(faults)) {
  runStorageConformance({
    name: `fault ${name}`,
    create: () => {
      const storage = memoryStorage();
      inject(storage, (storage as unknown as Record<symbol, MemoryState>)[memoryStateKey] as MemoryState);
      return storage;
    },
    raw: memoryRawReader,
  });
}
