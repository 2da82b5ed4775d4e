/**
 * Reading what the user points at: a file (relative to the working directory), standard input (`-`),
 * or an https URL (http on loopback), each bounded in size, each failure one sentence that names the
 * flag.
 *
 * @module
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from '../errors.ts';

/** The most characters read from a file, stdin or a URL: 5 MiB, far above any token, response or metadata. */
const MAX_INPUT = 5 * 1024 * 1024;

/** The text of a file; `flag` names where the path came from (`--config`). */
export function readTextFile(path: string, flag: string, cwd: string): string {
  const full = resolve(cwd, path);
  let size: number;
  try {
    const stat = statSync(full);
    if (!stat.isFile()) throw new CliError(`${flag}: ${full} is not a file.`);
    size = stat.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${flag}: no file at ${full} (relative paths are read from ${cwd}).`);
  }
  if (size > MAX_INPUT) throw new CliError(`${flag}: ${full} is larger than 5 MiB; is it the right file?`);
  try {
    return readFileSync(full, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    throw new CliError(`${flag}: ${full} cannot be read; check its permissions.`);
  }
}

/** Whether `value` names an existing file (so a value that is itself a token is not taken for a path). */
export function isFile(value: string, cwd: string): boolean {
  if (value.length > 4096 || value.includes('\n')) return false;
  try {
    return statSync(resolve(cwd, value)).isFile();
  } catch {
    return false;
  }
}

/** All of standard input, bounded. */
export async function readStdin(
  stdin: NodeJS.ReadableStream & { isTTY?: boolean },
  flag: string,
): Promise<string> {
  if (stdin.isTTY)
    throw new CliError(`${flag}: "-" reads standard input; pipe the value in (e.g. pbpaste | ssokit …).`);
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (text.length > MAX_INPUT) throw new CliError(`${flag}: standard input is larger than 5 MiB.`);
  }
  return text;
}

/**
 * A value given inline, as `-` (stdin), or as the path of a file holding it: what `--token`,
 * `--saml-response` and `decode`'s argument accept.
 */
export async function readValue(
  value: string,
  flag: string,
  io: { cwd: string; stdin: NodeJS.ReadableStream & { isTTY?: boolean } },
): Promise<string> {
  if (value === '-') return (await readStdin(io.stdin, flag)).trim();
  if (isFile(value, io.cwd)) return readTextFile(value, flag, io.cwd).trim();
  return value.trim();
}

/** Whether `value` looks like a URL rather than a path. */
export const isUrl = (value: string): boolean => /^https?:\/\//i.test(value);

/**
 * The body of an https URL (http only on localhost, 127.0.0.1 and ::1), with a timeout and a size
 * bound; for `--jwks`, `--metadata` and the like given as URLs.
 */
export async function fetchText(url: string, flag: string, timeoutMs = 10_000): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`${flag}: "${url}" is not a URL.`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback))
    throw new CliError(
      `${flag}: ${parsed.origin} must use https (http only on localhost, 127.0.0.1 and ::1).`,
    );
  let response: Response;
  try {
    response = await fetch(parsed, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError' ? 'no answer within 10 s' : 'no answer';
    throw new CliError(
      `${flag}: ${parsed.href} could not be fetched (${reason}); check the URL and the network.`,
    );
  }
  if (!response.ok) throw new CliError(`${flag}: ${parsed.href} answered HTTP ${response.status}.`);
  const text = await response.text();
  if (text.length > MAX_INPUT) throw new CliError(`${flag}: ${parsed.href} answered with more than 5 MiB.`);
  return text;
}

/** A file's text, or a URL's body: for flags that accept either. */
export function readFileOrUrl(value: string, flag: string, cwd: string): Promise<string> {
  return isUrl(value) ? fetchText(value, flag) : Promise.resolve(readTextFile(value, flag, cwd));
}
