/**
 * `ssokit migrate` as a process on the real PostgreSQL of the test machine (database `test`, a table
 * prefix of this run, dropped after) and on a SQLite file: what ran the first time, nothing the
 * second; an unreachable server and a wrong URL are one line each, the password never shown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlStorageTables } from '@ssokit/storage-sql';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonOf, ssokit } from './support.ts';

const PG_URL = process.env.SSOKIT_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const PREFIX = `cli${process.pid}_`;
const MIGRATIONS = ['2025_01_initial', '2025_02_login_activity', '2025_03_roles'];
const dir = mkdtempSync(join(tmpdir(), 'ssokit-cli-migrate-'));

afterAll(async () => {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const table of [...sqlStorageTables, 'migrations', 'migrations_lock'])
    await client.query(`drop table if exists "${PREFIX}${table}" cascade`);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
});

interface MigrateJson {
  ran: string[];
  applied: string[];
  database: string;
}

describe('ssokit migrate', { timeout: 60_000 }, () => {
  it('PostgreSQL: every migration the first time, none the second', async () => {
    const first = await ssokit(['migrate', '--database', PG_URL, '--table-prefix', PREFIX, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(jsonOf<MigrateJson>(first)).toMatchObject({ ran: MIGRATIONS, applied: MIGRATIONS });
    const second = await ssokit(['migrate', '--table-prefix', PREFIX], { env: { DATABASE_URL: PG_URL } });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('(from DATABASE_URL)');
    expect(second.stdout).toContain('The schema is up to date: 3 migrations already applied.');
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const { rows } = await client.query(`select name from "${PREFIX}migrations" order by name`);
    await client.end();
    expect(rows.map((r: { name: string }) => r.name)).toEqual(MIGRATIONS);
  });

  it('SQLite: a file made and migrated', async () => {
    const run = await ssokit(['migrate', '--database', `sqlite:${join(dir, 'sso.db')}`]);
    expect(run.code, run.stderr).toBe(0);
    for (const name of MIGRATIONS) expect(run.stdout).toContain(`✔ ran ${name}`);
    expect(run.stdout).toContain('Applied 3 migrations; the schema is up to date (3 in all).');
  });

  it('an unreachable server and a URL of another kind: one line each, exit 2, no password', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const [down, other] = await Promise.all([
      ssokit(['migrate', '--database', `postgres://postgres:s3cret-pw@127.0.0.1:${port}/test`]),
      ssokit(['migrate', '--database', 'redis://127.0.0.1:6379']),
    ]);
    expect(down.code).toBe(2);
    // Progress lines start with "…"; the error is one line.
    expect(down.stderr.split('\n').filter((l) => l.startsWith('ssokit:'))).toEqual([
      `ssokit: postgres://postgres:***@127.0.0.1:${port}/test cannot be reached (ECONNREFUSED): check the URL, that the database runs, and the credentials.`,
    ]);
    expect(down.stderr).not.toContain('s3cret-pw');
    expect(other).toMatchObject({
      code: 2,
      stderr:
        'ssokit: --database: "redis:" is not a database ssokit stores in; use postgres://, mysql://, mariadb:// or sqlite:.\n',
    });
  });
});
