/**
 * `run(argv)`: finds the command (did-you-mean on a typo), parses its flags, sets up colour and
 * progress for the streams at hand, runs it, and turns every failure into one line on stderr and exit
 * code 2: never a stack trace (set `SSOKIT_DEBUG=1` to see one for an unexpected failure).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { didYouMean } from '@ssokit/core';
import { parseFlags } from './args.ts';
import type { Command, CommandContext } from './command.ts';
import { decode } from './commands/decode.ts';
import { doctor } from './commands/doctor.ts';
import { keygen } from './commands/keygen.ts';
import { migrate } from './commands/migrate.ts';
import { secret } from './commands/secret.ts';
import { spMetadata } from './commands/sp-metadata.ts';
import { test } from './commands/test.ts';
import { CliError, EXIT, oneLine } from './errors.ts';
import { commandHelp, overview } from './help.ts';
import { type CliIo, colourWanted, palette, printable, printer } from './output.ts';
import { createProgress } from './spinner.ts';

/** Every command, in the order the overview lists them. */
export const commands: readonly Command[] = [doctor, test, keygen, spMetadata, decode, migrate, secret];

/** Options of {@link run}: other streams, environment or directory than the process's. */
export type RunOptions = Partial<CliIo>;

/** The version of this package, from its package.json. */
export function version(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Runs the `ssokit` command with `argv` (the words after `ssokit`) and resolves to its exit code: 0
 * ok, 1 warnings only, 2 errors (every usage error too). It never throws and never calls
 * `process.exit`: the caller decides. Output goes to `options.stdout` and `options.stderr`
 * (default: the process's).
 *
 * @example
 * ```ts
 * import { run } from '@ssokit/cli';
 *
 * const code = await run(['doctor', '--config', 'arthur.yaml', '--base-url', 'https://app.example.com', '--json']);
 * ```
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const io: CliIo = {
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    stdin: options.stdin ?? process.stdin,
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
  };
  const noColor = argv.includes('--no-color');
  const errPrinter = printer(io.stderr, palette(colourWanted(io.stderr, io.env, noColor)));
  // A message may quote what it refused (a token's alg, a file's content): each line shown, never acted on.
  const fail = (message: string) => {
    for (const line of message.split('\n'))
      errPrinter.line(`${errPrinter.p.red('ssokit:')} ${printable(line)}`);
    return EXIT.errors;
  };
  const [name, ...rest] = argv;
  const outPalette = palette(colourWanted(io.stdout, io.env, noColor));
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(overview(commands, version(), outPalette));
    return name === undefined ? EXIT.errors : EXIT.ok;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const wanted = name === 'help' ? (rest[0] as string) : name;
  const command = commands.find((c) => c.name === wanted);
  if (!command) {
    const guess = didYouMean(wanted.replace(/^-+/, ''), [...commands.map((c) => c.name), 'help']);
    return fail(
      wanted.startsWith('-')
        ? `${wanted} goes after a command: ssokit <command> ${wanted} (commands: ${commands.map((c) => c.name).join(', ')}).`
        : `unknown command "${wanted}"${guess ? `; did you mean "${guess}"?` : ''} (commands: ${commands.map((c) => c.name).join(', ')}; see ssokit --help).`,
    );
  }
  if (name === 'help' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command, outPalette, io.stdout.columns ?? 100));
    return EXIT.ok;
  }
  try {
    const args = parseFlags(command.name, rest, command.flags, command.positionals ?? 0);
    const json = args.flags.json === true;
    const out = printer(io.stdout, json ? palette(false) : outPalette);
    const ctx: CommandContext = {
      io,
      out,
      err: errPrinter,
      json,
      progress: createProgress(
        io.stderr,
        errPrinter.p,
        json ? 'silent' : io.stderr.isTTY === true && io.env.TERM !== 'dumb' ? 'spinner' : 'lines',
      ),
    };
    return await command.run(args, ctx);
  } catch (error) {
    if (error instanceof CliError) return fail(error.message);
    if (io.env.SSOKIT_DEBUG)
      errPrinter.line(
        printable(error instanceof Error ? (error.stack ?? error.message) : String(error), {
          multiline: true,
        }),
      );
    return fail(
      `${command.name} failed unexpectedly: ${oneLine(error)}${io.env.SSOKIT_DEBUG ? '' : ' (SSOKIT_DEBUG=1 shows where)'}`,
    );
  }
}
