/**
 * Where the command writes, and how: ANSI colours only when the output is a terminal (`NO_COLOR` turns
 * them off, `FORCE_COLOR` on, as https://no-color.org and Node itself read them), the ✔ / ⚠ / ✖
 * marks, and aligned label/value lines.
 *
 * @module
 */

/** A stream the command writes to (`process.stdout`, or a test's collector). */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What `run()` reads and writes: the process's own streams and environment unless a caller gives others. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** The status of a finding: the three of Test Provider, and `skipped` for a check that was not run. */
export type Status = 'ok' | 'warning' | 'error' | 'skipped';

type Style = (text: string) => string;

/** The styles the command uses; identity functions when colour is off. */
export interface Palette {
  enabled: boolean;
  bold: Style;
  dim: Style;
  red: Style;
  green: Style;
  yellow: Style;
  cyan: Style;
}

const ansi =
  (open: number, close: number): Style =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Style = (text) => text;

/**
 * Whether to colour `stream`: `--no-color` or `NO_COLOR` (any non-empty value) turn it off;
 * `FORCE_COLOR` (anything but `0` and `false`) turns it on, even into a pipe; otherwise only a
 * terminal other than `TERM=dumb` gets colour.
 */
export function colourWanted(
  stream: OutputStream,
  env: Readonly<Record<string, string | undefined>>,
  noColorFlag = false,
): boolean {
  if (noColorFlag) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force.toLowerCase() !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (force !== undefined) return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The palette for a stream. */
export function palette(enabled: boolean): Palette {
  return enabled
    ? {
        enabled,
        bold: ansi(1, 22),
        dim: ansi(2, 22),
        red: ansi(31, 39),
        green: ansi(32, 39),
        yellow: ansi(33, 39),
        cyan: ansi(36, 39),
      }
    : { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
}

/** The mark of a status: ✔ ok, ⚠ warning, ✖ error, · skipped. */
export function mark(status: Status, p: Palette): string {
  switch (status) {
    case 'ok':
      return p.green('✔');
    case 'warning':
      return p.yellow('⚠');
    case 'error':
      return p.red('✖');
    default:
      return p.dim('·');
  }
}

/** Writes lines to one stream with one palette. */
export interface Printer {
  readonly p: Palette;
  line(text?: string): void;
  /** A section title. */
  heading(text: string): void;
  /** `label` padded to `width`, then the value; continuation lines of a multi-line value are indented. */
  field(label: string, value: string, width?: number): void;
  /** A finding: its mark and message, then its fix on the next line. */
  finding(status: Status, message: string, fix?: string): void;
}

/** A printer on `stream`. */
export function printer(stream: OutputStream, p: Palette): Printer {
  const line = (text = '') => void stream.write(`${text}\n`);
  return {
    p,
    line,
    heading: (text) => line(`\n${p.bold(text)}`),
    field(label, value, width = 14) {
      const [first = '', ...rest] = value.split('\n');
      line(`  ${p.dim(label.padEnd(width))} ${first}`);
      for (const more of rest) line(`  ${' '.repeat(width)} ${more}`);
    },
    finding(status, message, fix) {
      line(`${mark(status, p)} ${message}`);
      if (fix && status !== 'ok') line(`  ${p.dim('fix:')} ${fix}`);
    },
  };
}

/** Writes `value` as indented JSON and a newline. */
export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
