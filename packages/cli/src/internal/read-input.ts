/**
 * Reading what the user points at: a file (relative to the working directory), standard input (`-`),
 * or an https URL (http on loopback), each bounded in size, each failure one sentence that names the
 * flag.
 *
 * @module
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkIdpUrl, isSsoError, readBodyWithLimit } from '@ssokit/core';
import { CliError } from '../errors.ts';
import { printable } from '../output.ts';

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

/** How many redirects a URL given to a flag may take. */
const MAX_REDIRECTS = 5;

/**
 * The body of an https URL (http only on a loopback host: localhost, 127.0.0.0/8, ::1), for
 * `--metadata` and the like given as URLs. Each redirect is followed by hand and must obey the same
 * rule (at most 5); the body is read as a stream and refused past 5 MiB (at once when Content-Length
 * says so); no answer, or no whole body, within `timeoutMs` (default 10000, 10 s) is one clear error.
 */
export async function fetchText(url: string, flag: string, timeoutMs = 10_000): Promise<string> {
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  const signal = AbortSignal.timeout(timeoutMs);
  let target = allowedUrl(url, flag);
  let response: Response | undefined;
  for (let hop = 0; ; hop++) {
    try {
      response = await fetch(target, { signal, redirect: 'manual' });
    } catch {
      throw new CliError(
        `${flag}: ${shown(target)} could not be fetched (${signal.aborted ? `no answer within ${seconds}` : 'no answer'}); check the URL and the network.`,
      );
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) break;
    await response.body?.cancel().catch(() => undefined);
    if (hop === MAX_REDIRECTS)
      throw new CliError(`${flag}: ${shown(target)} redirected more than ${MAX_REDIRECTS} times.`);
    let next: URL;
    try {
      next = new URL(location, target);
    } catch {
      throw new CliError(`${flag}: ${shown(target)} redirected to something that is not a URL.`);
    }
    target = allowedUrl(next.href, flag, ` (${shown(target)} redirected there)`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new CliError(`${flag}: ${shown(target)} answered HTTP ${response.status}.`);
  }
  try {
    const bytes = await readBodyWithLimit(
      response.body,
      MAX_INPUT,
      'The answer',
      response.headers.get('content-length'),
    );
    return new TextDecoder().decode(bytes);
  } catch (error) {
    if (isSsoError(error) && error.code === 'payload_too_large')
      throw new CliError(`${flag}: ${shown(target)} answered with more than 5 MiB; is it the right URL?`);
    throw new CliError(
      `${flag}: ${shown(target)} ${signal.aborted ? `did not send its whole answer within ${seconds}` : 'broke off its answer'}; check the URL and the network.`,
    );
  }
}

/** `value` parsed, when it is a URL the rule above allows; `via` says how it was reached. */
function allowedUrl(value: string, flag: string, via = ''): URL {
  const check = checkIdpUrl(value);
  if (!check.ok)
    throw new CliError(
      `${flag}: ${check.url ? shown(check.url) : `"${printable(value)}"`}${via} ${check.problem === 'insecure_http' ? 'must use https (plain http only on localhost, 127.0.0.1 and ::1).' : 'is not an http(s) URL.'}`,
    );
  return check.url;
}

/** A URL as a message shows it: without its query (which may carry a token) and escaped. */
const shown = (url: URL) => printable(`${url.origin}${url.pathname}`);

/** A file's text, or a URL's body: for flags that accept either. */
export function readFileOrUrl(value: string, flag: string, cwd: string): Promise<string> {
  return isUrl(value) ? fetchText(value, flag) : Promise.resolve(readTextFile(value, flag, cwd));
}
