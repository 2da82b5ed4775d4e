/**
 * Flags and positionals of one command, read with `node:util`'s `parseArgs` and checked here: an
 * unknown flag gets a did-you-mean, a flag missing its value says which value, and every mistake is a
 * {@link CliError} (exit 2).
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { didYouMean } from '@ssokit/core';
import { CliError } from './errors.ts';

/** One flag of a command. */
export interface FlagSpec {
  /** The long name, without dashes: `config` for `--config`. */
  name: string;
  type: 'string' | 'boolean';
  /** A one-letter alias. */
  short?: string;
  /** The value's placeholder in help: `<file>`, `<url>`. */
  value?: string;
  /** What it does, its default and unit. */
  description: string;
}

/** The flags every command takes. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', description: 'Show this help.' },
  {
    name: 'no-color',
    type: 'boolean',
    description:
      'No colours (also NO_COLOR=1; FORCE_COLOR=1 forces them). Default: colours on a terminal only.',
  },
];

/** The flags and positionals `parseArgs` found. */
export interface ParsedArgs {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` (the words after the command's name) against `flags`. At most `maxPositionals` words
 * that are not flags are accepted; `--` ends the flags.
 */
export function parseFlags(
  command: string,
  argv: readonly string[],
  flags: readonly FlagSpec[],
  maxPositionals = 0,
): ParsedArgs {
  const all = [...flags, ...GLOBAL_FLAGS];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const flag of all)
    options[flag.name] = { type: flag.type, ...(flag.short ? { short: flag.short } : {}) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options,
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    throw new CliError(`${command}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const names = all.map((f) => f.name);
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    const spec = all.find((f) => f.name === token.name);
    const written = token.rawName;
    if (!spec) {
      const guess = didYouMean(token.name, names);
      throw new CliError(
        `${command}: unknown flag ${written}${guess ? `; did you mean --${guess}?` : ''} (see ssokit ${command} --help).`,
      );
    }
    if (
      spec.type === 'string' &&
      (token.value === undefined || (!token.inlineValue && token.value.startsWith('--')))
    )
      throw new CliError(
        `${command}: --${spec.name} needs a value: --${spec.name} ${spec.value ?? '<value>'}.`,
      );
    if (spec.type === 'boolean' && token.value !== undefined)
      throw new CliError(`${command}: --${spec.name} takes no value (write --${spec.name} alone).`);
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals] as string;
    const guess = extra.startsWith('-') ? undefined : didYouMean(extra, names);
    throw new CliError(
      maxPositionals === 0
        ? `${command}: unexpected argument "${extra}"${guess ? `; did you mean --${guess}?` : ''} (see ssokit ${command} --help).`
        : `${command}: too many arguments ("${extra}"); see ssokit ${command} --help.`,
    );
  }
  return { flags: parsed.values as ParsedArgs['flags'], positionals: parsed.positionals };
}

/** A string flag's value, or `undefined`. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** A positive whole number flag, or `fallback`; `what` names the unit for the error. */
export function integerFlag(
  args: ParsedArgs,
  name: string,
  fallback: number,
  bounds: { min: number; max: number; what: string },
): number {
  const raw = stringFlag(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < bounds.min || value > bounds.max)
    throw new CliError(
      `--${name} must be a whole number of ${bounds.what} from ${bounds.min} to ${bounds.max}, not "${raw}".`,
    );
  return value;
}

/** A flag whose value must be one of `choices`; did-you-mean on a typo. */
export function choiceFlag<T extends string>(
  args: ParsedArgs,
  name: string,
  choices: readonly T[],
): T | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  const guess = didYouMean(raw, choices);
  throw new CliError(
    `--${name} must be one of ${choices.join(', ')}, not "${raw}"${guess ? `; did you mean ${guess}?` : '.'}`,
  );
}
