/**
 * The one error a user of the command can cause: a wrong flag, a file that cannot be read, input that
 * is not what it should be. `run()` prints its message as one line and exits with 2.
 *
 * @module
 */

/** Exit codes: everything fine, warnings only, or an error (including every usage error). */
export const EXIT = { ok: 0, warnings: 1, errors: 2 } as const;

/** What the user got wrong, and how to fix it, in one line. Never carries a secret. */
export class CliError extends Error {
  override readonly name = 'CliError';
  /** The exit code; always 2 today (usage and input errors). */
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.errors) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A one-line description of any failure, for the cases that are not a {@link CliError}. */
export function oneLine(error: unknown): string {
  const text =
    error instanceof Error
      ? error.message
      : typeof error === 'string'
        ? error
        : 'an unexpected failure (not an Error)';
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
