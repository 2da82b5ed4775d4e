/**
 * Progress for the steps that wait on the network: an animated spinner on a terminal (on stderr, erased
 * when the step ends), one plain line per step otherwise (a log keeps what ran), nothing with `--json`.
 *
 * @module
 */
import { type OutputStream, type Palette, printable } from './output.ts';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;

/** Shows progress while `work` runs, and returns what it returns. */
export type Progress = <T>(label: string, work: () => Promise<T>) => Promise<T>;

/**
 * A progress reporter on `stream` (stderr). `mode`: `spinner` (a terminal), `lines` (a pipe or a
 * file), `silent` (`--json`).
 *
 * @example
 * ```ts
 * const progress = createProgress(process.stderr, palette(true), 'spinner');
 * const report = await progress('Checking the identity provider', () => sso.testConnection(id));
 * ```
 */
export function createProgress(
  stream: OutputStream,
  p: Palette,
  mode: 'spinner' | 'lines' | 'silent',
): Progress {
  return async (given, work) => {
    if (mode === 'silent') return work();
    // A label may name what the user typed (a database URL): written as it is shown, never acted on.
    const label = printable(given);
    if (mode === 'lines') {
      stream.write(`${p.dim('…')} ${label}\n`);
      return work();
    }
    let frame = 0;
    const draw = () => {
      stream.write(`\r\u001b[2K${p.cyan(FRAMES[frame % FRAMES.length] as string)} ${label}`);
      frame++;
    };
    draw();
    const timer = setInterval(draw, FRAME_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      stream.write('\r\u001b[2K');
    }
  };
}
