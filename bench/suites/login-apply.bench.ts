import { type Connection, compileRoleMatcher, completeLogin, type RoleMatcher } from '@ssokit/core';
import { memoryStorage, type SsoStorage } from '@ssokit/storage';
import { disposeAtExit, postgresStore, sqliteStore } from '../sql-stores.ts';
import { type BenchTask, defineSuite, SuiteSkipped } from '../suite.ts';

// The apply step of a login (what finishLogin in packages/server/src/login-finish.ts does before the
// cookie): completeLogin on `storage.login` (mapping, policy, user, group-sync plan and commit, roles),
// then the session's group names (from the plan and the matched groups; a batched lookup by id for
// groups the login did not read). Each iteration is the
// next login of an existing user whose IdP group set moved by a tenth of its size (at least one), so
// every login adds and removes memberships: logins alternate between groups [0, n) and [s, n + s).
// All groups exist as app groups; the app has 5,500 of them plus 500 the user is never in.
const SIZES = [10, 1_000, 5_000] as const;
const APP_GROUPS = 6_000;
const ISSUER = 'https://idp.example.com/realms/bench';
const groupName = (i: number) => `team-${String(i).padStart(4, '0')}-machine-learning-platform`;

type Backend = 'memory' | 'SQLite' | 'PostgreSQL';
const BACKENDS: Backend[] = ['memory', 'SQLite', 'PostgreSQL'];
const label = (backend: Backend, n: number) => `${backend}, ${n.toLocaleString('en-US')} groups`;

const roles: RoleMatcher = compileRoleMatcher({
  roleDefinitions: [{ name: 'admin' }, { name: groupName(3), grantedBy: ['bench'] }, { name: 'viewer' }],
  rules: [{ match: 'glob', pattern: 'team-000?-*', role: 'admin' }],
  defaultRole: 'viewer',
});

interface Case {
  storage: SsoStorage;
  connection: Connection;
  n: number;
  shift: number;
  turn: number;
}
const cases = new Map<string, Case>();
const disposers: (() => Promise<void>)[] = [];

const claimsFor = (n: number, from: number) => ({
  sub: `user-${n}`,
  email: `user-${n}@example.com`,
  email_verified: true,
  name: `User ${n}`,
  preferred_username: `user${n}`,
  groups: Array.from({ length: n }, (_, i) => groupName(from + i)),
});

/** One login and the session's group-name read; returns the names and the plan's sizes. */
async function apply(c: Case, from: number) {
  const result = await completeLogin(
    {
      connection: c.connection,
      identity: { issuer: ISSUER, subject: `user-${c.n}` },
      claims: claimsFor(c.n, from),
    },
    { store: c.storage.login, roles },
  );
  // As sessionGroupNames in login-finish.ts: the plan's kept and added memberships named from the
  // groups the claim matched, one batched lookup for the rest.
  const plan = result.groupSync;
  const byId = new Map(result.matchedGroups.map((g) => [g.id, g.name]));
  const ids = plan ? [...plan.kept.map((m) => m.groupId), ...plan.add.map((g) => g.id)] : [];
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length > 0)
    for (const g of await c.storage.groups.find({ values: unknown, matchBy: 'id', caseInsensitive: false }))
      byId.set(g.id, g.name);
  return {
    names: [...new Set(ids.flatMap((id) => byId.get(id) ?? []))],
    added: result.groupSync?.add.length ?? 0,
    removed: result.groupSync?.remove.length ?? 0,
  };
}

async function open(backend: Backend): Promise<SsoStorage> {
  if (backend === 'memory') return memoryStorage();
  try {
    const store =
      backend === 'SQLite' ? await sqliteStore('login_apply') : await postgresStore('login_apply');
    disposers.push(store.dispose);
    return store.storage;
  } catch (error) {
    throw new SuiteSkipped(`${backend} is not reachable: ${String(error)}`);
  }
}

const tasks: BenchTask[] = BACKENDS.flatMap((backend) =>
  SIZES.map(
    (n): BenchTask => ({
      name: label(backend, n),
      role: 'subject',
      fn: async () => {
        const c = cases.get(label(backend, n)) as Case;
        c.turn ^= 1;
        const { names } = await apply(c, c.turn * c.shift);
        if (names.length !== n) throw new Error(`${label(backend, n)}: ${names.length} group names`);
      },
    }),
  ),
);

export default defineSuite({
  name: 'login apply step',
  description:
    'completeLogin (mapping, policy, user, group-sync plan + commit, roles) + the session group-name read, one login of an existing user whose IdP groups moved by 10% (adds and removes), per store and group count.',
  timeMs: 4500,
  async setup() {
    disposeAtExit(async () => {
      for (const dispose of disposers) await dispose();
    });
    for (const backend of BACKENDS) {
      const storage = await open(backend);
      const connection = await storage.connections.create({
        id: 'bench',
        name: 'Bench IdP',
        protocol: 'oidc',
        provider: 'keycloak',
        active: true,
        oidc: { issuer: ISSUER, clientId: 'bench' },
        groupSync: { enabled: true, removeRevoked: true },
      });
      for (let i = 0; i < APP_GROUPS; i++) await storage.groups.create({ id: `g${i}`, name: groupName(i) });
      for (const n of SIZES) {
        const c: Case = { storage, connection, n, shift: Math.max(1, n / 10), turn: 0 };
        cases.set(label(backend, n), c);
        await apply(c, 0); // the first login creates the user
        // The steady state the bench measures: each login adds and removes `shift` memberships.
        for (const turn of [1, 0]) {
          const { names, added, removed } = await apply(c, turn * c.shift);
          if (names.length !== n || added !== c.shift || removed !== c.shift)
            throw new Error(`${label(backend, n)}: ${names.length} names, +${added} -${removed}`);
        }
      }
    }
  },
  tasks,
  targets: [{ task: label('PostgreSQL', 5_000), medianMsBelow: 50 }],
});
