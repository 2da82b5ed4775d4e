/**
 * The shape of a command: its help (usage, flags, examples, exit codes) and its `run`. A command file
 * imports only what its help needs; the libraries a command uses are imported when it runs, so
 * `ssokit --help` and `ssokit keygen` do not load the SAML and OIDC stacks they do not use.
 *
 * @module
 */
import type { FlagSpec, ParsedArgs } from './args.ts';
import type { CliIo, Printer } from './output.ts';
import type { Progress } from './spinner.ts';

/** What a command's `run` gets besides its arguments. */
export interface CommandContext {
  io: CliIo;
  /** Human output (stdout). */
  out: Printer;
  /** Messages that are not the result: notes, warnings (stderr). */
  err: Printer;
  /** `--json` was given: write one JSON document to stdout and nothing else there. */
  json: boolean;
  /** Wraps a network step in a spinner (terminal), a plain line (pipe) or nothing (`--json`). */
  progress: Progress;
}

/** One `ssokit` command. */
export interface Command {
  name: string;
  /** One line for `ssokit --help`. */
  summary: string;
  /** Usage lines, without the leading `ssokit `. */
  usage: string[];
  /** Paragraphs after the usage. */
  description: string[];
  flags: FlagSpec[];
  /** How many positional arguments it takes. Default: 0. */
  positionals?: number;
  examples: string[];
  /** What its exit codes mean, when more than "0 ok, 2 error". */
  exitCodes?: string[];
  /** Runs it; resolves to the exit code. Throws `CliError` for what the user can fix. */
  run(args: ParsedArgs, ctx: CommandContext): Promise<number>;
}

/** The `--json` flag, which several commands share. */
export const JSON_FLAG: FlagSpec = {
  name: 'json',
  type: 'boolean',
  description: 'Write one JSON document to stdout (no colours, no spinner).',
};
