/**
 * `ssokit migrate`: creates or updates `@ssokit/storage-sql`'s tables (`migrateSqlStorage`) and says
 * which migrations ran.
 *
 * @module
 */
import { stringFlag } from '../args.ts';
import { type Command, JSON_FLAG } from '../command.ts';
import { CliError, oneLine } from '../errors.ts';
import { writeJson } from '../output.ts';

export const migrate: Command = {
  name: 'migrate',
  summary: "Create or update @ssokit/storage-sql's tables in PostgreSQL, MySQL/MariaDB or SQLite.",
  usage: ['migrate --database <url> [--table-prefix <prefix>]'],
  description: [
    "Runs migrateSqlStorage from @ssokit/storage-sql: every migration not yet recorded in <prefix>migrations, under the database's lock, so several instances may run it at once. Idempotent: run it on every deploy. Prints the migrations that ran.",
    'Needs @ssokit/storage-sql and the driver (pg for PostgreSQL, mysql2 for MySQL/MariaDB; SQLite is built into Node) installed next to @ssokit/cli, as in the app that uses them.',
  ],
  flags: [
    {
      name: 'database',
      type: 'string',
      value: '<url>',
      description:
        'postgres://user:password@host:5432/db, mysql://user@host:3306/db (mariadb:// too), or sqlite:path/to/file.db. Default: $DATABASE_URL.',
    },
    {
      name: 'table-prefix',
      type: 'string',
      value: '<prefix>',
      description: "The prefix of every table, the same as the store's tablePrefix. Default: ssokit_.",
    },
    JSON_FLAG,
  ],
  examples: [
    'ssokit migrate --database postgres://ssokit@db.internal:5432/app',
    'DATABASE_URL=mysql://root@127.0.0.1:3306/app ssokit migrate --table-prefix sso_',
    'ssokit migrate --database sqlite:./data/sso.db --json',
  ],
  exitCodes: [
    '0  the schema is up to date',
    '2  the database could not be reached or a migration failed, or a usage error',
  ],
  async run(args, ctx) {
    const given = stringFlag(args, 'database');
    const url = given ?? ctx.io.env.DATABASE_URL;
    if (url === undefined || url === '')
      throw new CliError(
        'migrate needs --database <url> (or DATABASE_URL): postgres://..., mysql://... or sqlite:file.db.',
      );
    const prefix = stringFlag(args, 'table-prefix') ?? 'ssokit_';
    if (!/^(?:[A-Za-z_][A-Za-z0-9_]{0,31})?$/.test(prefix))
      throw new CliError(
        '--table-prefix must be letters, digits and "_" (at most 32, not starting with a digit).',
      );
    const { appliedMigrations, databaseProblem, loadStorageSql, openDatabase, parseDatabaseUrl } =
      await import('../internal/database.ts');
    const target = parseDatabaseUrl(url, ctx.io.cwd);
    const { sql, at } = await loadStorageSql();
    const db = await openDatabase(target, sql, at);
    let before: string[];
    let after: string[];
    try {
      before = await appliedMigrations(db, prefix);
      await ctx.progress(`Migrating ${target.display}`, () =>
        sql.migrateSqlStorage(db, { tablePrefix: prefix }),
      );
      after = await appliedMigrations(db, prefix);
    } catch (error) {
      const problem = databaseProblem(error, target);
      if (problem) throw new CliError(`${target.display}: ${problem}`);
      // storage_unavailable: the server did not answer or refused the credentials (the driver's code, such as
      // ECONNREFUSED, is in the message); anything else is the migration's own failure.
      if ((error as { code?: unknown }).code === 'storage_unavailable') {
        const reason = /\(([A-Z0-9_]+)\)/.exec(oneLine(error))?.[1];
        throw new CliError(
          `${target.display} cannot be reached${reason ? ` (${reason})` : ''}: check the URL, that the database runs, and the credentials.`,
        );
      }
      throw new CliError(`The migration of ${target.display} failed: ${oneLine(error)}`);
    } finally {
      await db.destroy().catch(() => {});
    }
    const ran = after.filter((name) => !before.includes(name));
    if (ctx.json) {
      writeJson(ctx.io.stdout, {
        command: 'migrate',
        database: target.display,
        tablePrefix: prefix,
        ran,
        applied: after,
        exitCode: 0,
      });
      return 0;
    }
    const { out } = ctx;
    out.line(
      `${out.p.bold('ssokit migrate')} ${out.p.dim('·')} ${target.display}${given ? '' : out.p.dim(' (from DATABASE_URL)')} ${out.p.dim('·')} tables ${prefix}*`,
    );
    for (const name of ran) out.finding('ok', `ran ${name}`);
    out.line(
      ran.length === 0
        ? `The schema is up to date: ${after.length} migration${after.length === 1 ? '' : 's'} already applied.`
        : `Applied ${ran.length} migration${ran.length === 1 ? '' : 's'}; the schema is up to date (${after.length} in all).`,
    );
    return 0;
  },
};
