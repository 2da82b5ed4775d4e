/**
 * Where the command writes, and how: ANSI colours only when the output is a terminal (`NO_COLOR` turns
 * them off, `FORCE_COLOR` on, as https://no-color.org and Node itself read them), the ✔ / ⚠ / ✖
 * marks, and aligned label/value lines. Text from outside (a token's header, a SAML attribute, an
 * IdP's page, a library message quoting either) goes through {@link printable} before it is coloured,
 * so it can neither drive the terminal nor draw a line of its own; the printer escapes what still
 * slips through, and `--json` escapes what `JSON.stringify` leaves raw.
 *
 * @module
 */

/** A stream the command writes to (`process.stdout`, or a test's collector). */
export interface OutputStream {
  /** Writes a piece of text as it is (lines end with `\n`). */
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

/**
 * Characters a terminal acts on or that change how a line reads: C0 controls (ESC starts escape
 * sequences, CR returns to the start of the line), DEL, C1 controls (U+009B is a one-byte CSI), the
 * bidirectional controls (U+061C, U+200E/F, U+202A–E, U+2066–9) that reorder what is shown, and the
 * Unicode line and paragraph separators. `\n` is the one exception, and only in a multi-line block.
 */
const UNSAFE =
  '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029';
const UNSAFE_IN_LINE = new RegExp(`[${UNSAFE}]`, 'gu');
const UNSAFE_IN_BLOCK = new RegExp(`(?!\\n)[${UNSAFE}]`, 'gu');
/** One of the palette's own styles below (the only escape sequences the command writes itself). */
const OWN_STYLE_OR_UNSAFE = new RegExp(`\\u001b\\[(?:1|2|22|31|32|33|36|39)m|(?!\\n)[${UNSAFE}]`, 'gu');

const escaped = (char: string) => `\\u{${(char.codePointAt(0) as number).toString(16)}}`;

/**
 * `text` from outside made safe to show on a terminal: every character of the list above is written
 * as `\u{…}` (ESC as `\u{1b}`, CR as `\u{d}`), so the value shows what it holds and the terminal acts
 * on none of it. With `multiline`, `\n` stays a line break (a document shown as a block); `\r` is
 * escaped always. Unlike `printable` of `@ssokit/core`, which keeps log messages to printable ASCII
 * and bounded, this keeps every other character (names in any script), at any length.
 *
 * @example
 * ```ts
 * printable('ada\r\u001b[32m✔ valid'); // 'ada\\u{d}\\u{1b}[32m✔ valid'
 * ```
 */
export function printable(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? UNSAFE_IN_BLOCK : UNSAFE_IN_LINE, escaped);
}

/**
 * What the printer writes: `text` with the palette's own styles kept (when colour is on) and any
 * other control character escaped, a net under {@link printable} for a value a caller did not pass
 * through it.
 */
function guarded(text: string, keepStyles: boolean): string {
  return text.replace(OWN_STYLE_OR_UNSAFE, (match) =>
    match.length === 1 ? escaped(match) : keepStyles ? match : `${escaped('\u001b')}${match.slice(1)}`,
  );
}

/**
 * `value` as JSON, indented: `JSON.stringify` escapes C0 controls; this escapes DEL, C1, the
 * bidirectional controls and U+2028/9 as well (as `\uXXXX`, so the document parses to the same value).
 */
export function jsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
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
  const line = (text = '') => void stream.write(`${guarded(text, p.enabled)}\n`);
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

/** Writes `value` as indented JSON ({@link jsonText}) and a newline. */
export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(`${jsonText(value)}\n`);
}
