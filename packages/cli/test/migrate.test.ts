/**
 * `ssokit migrate` as a process on the real PostgreSQL of the test machine (database `test`, a table
 * prefix of this run, dropped after) and on a SQLite file: what ran the first time, nothing the
 * second; an unreachable server and a wrong URL are one line each, the password never shown (in the
 * URL's user part, its query or after an unencoded "#"); a missing database, an unknown role, and a
 * SQLite file that cannot be opened or is locked each get a sentence with the fix.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
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

  it('the URL shown keeps the scheme, user, host, port, path and harmless parameters: never a secret', async () => {
    const url = new URL(PG_URL);
    url.password = 'pw-in-userinfo';
    url.search = '?password=pw-in-query&sslpassword=pw-of-key&sslmode=disable&application_name=ssokit';
    const [text, json] = await Promise.all([
      ssokit(['migrate', '--database', url.href, '--table-prefix', PREFIX]),
      ssokit(['migrate', '--database', url.href, '--table-prefix', PREFIX, '--json']),
    ]);
    expect(text.code, text.stderr).toBe(0);
    const shown = `postgres://${url.username}:***@${url.host}${url.pathname}?sslmode=disable&application_name=ssokit`;
    expect(text.stdout).toContain(`ssokit migrate · ${shown} · tables ${PREFIX}*`);
    expect(jsonOf<MigrateJson>(json).database).toBe(shown);
    for (const run of [text, json]) expect(run.stdout + run.stderr).not.toMatch(/pw-in|pw-of/);
  });

  it('an error never shows the secrets of the URL; a "#" in the password is refused without echoing it', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const [down, hash] = await Promise.all([
      ssokit([
        'migrate',
        '--database',
        `postgres://app:pw-in-userinfo@127.0.0.1:${port}/test?password=pw-in-query&sslkey=/nonexistent/pw-key-path.pem`,
      ]),
      ssokit(['migrate', '--database', 'postgres://app:12#S3cr3t@127.0.0.1/db']),
    ]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain(`postgres://app:***@127.0.0.1:${port}/test`);
    expect(down.stderr).not.toMatch(/pw-in|pw-key/);
    expect(hash).toMatchObject({
      code: 2,
      stderr:
        'ssokit: --database: the URL holds a "#", which ends a URL there. If the password has one, write it as %23 (and "@" as %40, "/" as %2F, "?" as %3F, ":" as %3A).\n',
    });
  });

  it('a database or role that does not exist: the reason and the fix, not a bare SQLSTATE', async () => {
    const noDatabase = new URL(PG_URL);
    noDatabase.pathname = '/ssokit_no_such_database';
    const noRole = new URL(PG_URL);
    noRole.username = 'ssokit_no_such_role';
    const [database, role] = await Promise.all([
      ssokit(['migrate', '--database', noDatabase.href]),
      ssokit(['migrate', '--database', noRole.href]),
    ]);
    const errorOf = (run: { stderr: string }) =>
      run.stderr.split('\n').filter((l) => l.startsWith('ssokit:'));
    expect(database.code).toBe(2);
    expect(errorOf(database)).toEqual([
      `ssokit: ${noDatabase.href}: the database "ssokit_no_such_database" does not exist on ${noDatabase.host} (3D000): create it (CREATE DATABASE ssokit_no_such_database;), or correct the database in the URL.`,
    ]);
    expect(role.code).toBe(2);
    expect(errorOf(role)[0]).toContain(
      'the server refused the user "ssokit_no_such_role" (28000: no such role, or no pg_hba.conf entry lets it in): create the role, or correct the user in the URL.',
    );
  });

  it('SQLite: a file that cannot be opened, and one another process holds locked', async () => {
    const missing = join(dir, 'no', 'such', 'dir', 'sso.db');
    const lockedPath = join(dir, 'locked', 'sso.db');
    mkdirSync(join(dir, 'locked'));
    const holder = new DatabaseSync(lockedPath);
    holder.exec('create table t (x); begin exclusive; insert into t values (1);');
    try {
      const [cannot, locked] = await Promise.all([
        ssokit(['migrate', '--database', `sqlite:${missing}`]),
        ssokit(['migrate', '--database', `sqlite:${lockedPath}`]),
      ]);
      expect(cannot.code).toBe(2);
      expect(cannot.stderr).toContain(
        `ssokit: sqlite:${missing}: the file cannot be opened (SQLITE_CANTOPEN): check that its directory exists and that this user may write there.`,
      );
      expect(locked.code).toBe(2);
      expect(locked.stderr).toContain(
        `ssokit: sqlite:${lockedPath}: the file is locked by another process (SQLITE_BUSY): wait until it is done (or stop it), then run migrate again.`,
      );
    } finally {
      holder.exec('rollback');
      holder.close();
    }
  });
});
