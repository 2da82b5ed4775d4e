/**
 * A login with 5,000 groups costs a bounded number of statements: look-ups go in IN lists of
 * `batchSize` values, membership changes in multi-row statements.
 */
import type { LoginCommit } from '@ssokit/core';
import type { Dialect } from 'kysely';
import { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSqlStorage, migrateSqlStorage, nodeSqliteDialect, sqlStorage } from '../src/index.ts';
import type { AnyDb } from './support.ts';
import { mysqlDialect, pgDialect, prefixFor, rawReader, tempSqliteFile } from './support.ts';

const GROUPS = 5000;
const BOUND = 30;
const ids = Array.from({ length: GROUPS }, (_, i) => `g-${String(i).padStart(5, '0')}`);

const sqlite = tempSqliteFile();
const cases: [string, () => Dialect][] = [
  ['sqlite', () => nodeSqliteDialect({ filename: sqlite.filename })],
  ['postgres', () => pgDialect()],
  ['mariadb', () => mysqlDialect()],
];
afterAll(() => sqlite.remove());

function commit(overrides: Partial<LoginCommit>): LoginCommit {
  return {
    user: { kind: 'create', profile: { email: 'many@example.com', emailVerified: true } },
    identity: { key: { issuer: 'https://idp.example.com', subject: 'many' }, connectionId: 'c1', link: true },
    memberships: { source: 'sso:c1', add: [], remove: [] },
    at: new Date(),
    ...overrides,
  };
}

describe.each(cases)('batching on %s', (flavor, makeDialect) => {
  const prefix = prefixFor(`batch${flavor}`);
  let queries = 0;
  let db: AnyDb;

  beforeAll(async () => {
    db = new Kysely({
      dialect: makeDialect(),
      log: (event) => {
        if (event.level === 'query') queries += 1;
      },
    });
    await migrateSqlStorage(db, { tablePrefix: prefix });
    for (let i = 0; i < GROUPS; i += 500) {
      await db
        .insertInto(`${prefix}groups`)
        .values(ids.slice(i, i + 500).map((id) => ({ id, name: `Team ${id}`, name_folded: `team ${id}` })))
        .execute();
    }
  });
  afterAll(async () => {
    await dropSqlStorage(db, { tablePrefix: prefix });
    await db.destroy();
  });

  it(`commits a login adding, then removing, ${GROUPS} memberships in at most ${BOUND} statements each`, async () => {
    const storage = sqlStorage({ db, tablePrefix: prefix });
    const raw = rawReader(db, prefix);
    queries = 0;
    const user = await storage.login.commitLogin(
      commit({ memberships: { source: 'sso:c1', add: ids, remove: [] } }),
    );
    const added = queries;
    expect(added).toBeLessThanOrEqual(BOUND);
    expect(await raw.memberships(user.id)).toHaveLength(GROUPS);

    queries = 0;
    await storage.login.commitLogin(
      commit({
        user: { kind: 'existing', id: user.id, profile: {} },
        identity: {
          key: { issuer: 'https://idp.example.com', subject: 'many' },
          connectionId: 'c1',
          link: false,
        },
        memberships: { source: 'sso:c1', add: [], remove: ids },
      }),
    );
    expect(queries).toBeLessThanOrEqual(BOUND);
    expect(await raw.memberships(user.id)).toEqual([]);
    console.log(
      `${flavor}: commitLogin adding ${GROUPS} memberships: ${added} statements; removing: ${queries}`,
    );
  });

  it(`finds ${GROUPS} groups by name in at most ${BOUND} statements, exact and case-insensitive`, async () => {
    const storage = sqlStorage({ db, tablePrefix: prefix });
    queries = 0;
    const exact = await storage.login.findGroups({
      values: ids.map((id) => `Team ${id}`),
      matchBy: 'name',
      caseInsensitive: false,
    });
    const exactQueries = queries;
    expect(exact).toHaveLength(GROUPS);
    expect(exactQueries).toBeLessThanOrEqual(BOUND);
    queries = 0;
    const folded = await storage.groups.find({
      values: ids.map((id) => `TEAM ${id.toUpperCase()}`),
      matchBy: 'name',
      caseInsensitive: true,
    });
    expect(folded).toHaveLength(GROUPS);
    expect(queries).toBeLessThanOrEqual(BOUND);
    console.log(`${flavor}: findGroups of ${GROUPS} values: ${exactQueries} statements`);
  });
});
