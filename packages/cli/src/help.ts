/**
 * `--help`: the overview of `ssokit` and the page of each command (usage, what it does, flags with
 * their defaults, examples, exit codes), wrapped to the terminal.
 *
 * @module
 */
import { GLOBAL_FLAGS } from './args.ts';
import type { Command } from './command.ts';
import type { Palette } from './output.ts';

/** Wraps `text` at `width` columns, each line after the first indented by `indent`. */
export function wrap(text: string, width: number, indent = 0): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    // `width` is the text's width on every line: continuation lines start after `indent` spaces.
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `${' '.repeat(indent)}${l}`)).join('\n');
}

/** The help page of one command. */
export function commandHelp(command: Command, p: Palette, columns: number): string {
  const width = Math.max(60, Math.min(columns, 110)) - 2;
  const out: string[] = [];
  out.push(`${p.bold(`ssokit ${command.name}`)}: ${command.summary}`, '', p.bold('Usage'));
  for (const usage of command.usage) out.push(`  ssokit ${usage}`);
  for (const paragraph of command.description) out.push('', `  ${wrap(paragraph, width - 2, 2)}`);
  out.push('', p.bold('Flags'));
  const flags = [...command.flags, ...GLOBAL_FLAGS];
  const names = flags.map(
    (f) => `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.value ? ` ${f.value}` : ''}`,
  );
  const column = Math.min(30, Math.max(...names.map((n) => n.length)) + 2);
  flags.forEach((flag, i) => {
    const name = names[i] as string;
    const text = wrap(flag.description, width - column - 2, column + 2);
    out.push(
      name.length + 2 > column
        ? `  ${name}\n${' '.repeat(column + 2)}${text}`
        : `  ${name.padEnd(column)}${text}`,
    );
  });
  out.push('', p.bold('Examples'));
  for (const example of command.examples) out.push(`  ${p.dim('$')} ${example}`);
  out.push('', p.bold('Exit codes'));
  for (const line of command.exitCodes ?? ['0  done', '2  an error, or a usage error']) out.push(`  ${line}`);
  return `${out.join('\n')}\n`;
}

/** The overview: every command and the conventions. */
export function overview(commands: readonly Command[], version: string, p: Palette): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 3;
  return [
    `${p.bold('ssokit')}: enterprise SSO (OIDC, SAML) from a terminal ${p.dim(`(@ssokit/cli ${version})`)}`,
    '',
    p.bold('Usage'),
    '  ssokit <command> [flags]',
    '',
    p.bold('Commands'),
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${'help'.padEnd(width)}The help of a command: ssokit help <command> (or ssokit <command> --help).`,
    '',
    p.bold('Examples'),
    `  ${p.dim('$')} ssokit doctor --config arthur.yaml --base-url https://app.example.com`,
    `  ${p.dim('$')} ssokit test --connection okta.json --token eyJhbGciOi...`,
    `  ${p.dim('$')} ssokit keygen --out ./secrets && ssokit sp-metadata --connection saml.json --base-url https://app.example.com`,
    '',
    p.bold('Conventions'),
    '  Exit codes: 0 ok, 1 warnings only, 2 errors (every usage error too).',
    '  --json writes one JSON document to stdout; progress and notes go to stderr.',
    '  Colour on a terminal only: NO_COLOR=1 or --no-color turns it off, FORCE_COLOR=1 on.',
    '  --version prints the version.',
    '',
  ].join('\n');
}
