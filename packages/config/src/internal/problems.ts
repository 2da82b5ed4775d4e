/**
 * Turning schema problems and URL checks into ConfigIssues with a fix, shared by every loader.
 */
import type { ConfigIssue, IdpUrlProblem } from '@ssokit/core';
import { checkIdpUrl, didYouMean } from '@ssokit/core';
import type { SchemaProblem } from './schema.ts';
import type { Path } from './yaml.ts';

export type Report = (path: Path, message: string, options?: { key?: boolean }) => void;

export function describeProblem(
  problem: SchemaProblem,
  value: unknown,
  report: (path: Path, message: string, options?: { key?: boolean }) => void,
): void {
  const { path, keyword, params } = problem;
  const name = path.length > 0 ? String(path[path.length - 1]) : 'the document';
  switch (keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((problem.parentSchema?.properties as Record<string, unknown>) ?? {});
      const guess = didYouMean(key, allowed);
      report(
        [...path, key],
        `unknown key "${key}"${guess ? `; did you mean "${guess}"?` : '.'} Allowed here: ${allowed.join(', ')}.`,
        { key: true },
      );
      return;
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const hint =
        missing === 'roles'
          ? ' Name the claim that holds the user\'s groups, e.g. "roles: Groups"; roles are matched to role names.'
          : missing === 'audience'
            ? ' List the audiences your IdP puts in access tokens, e.g. "audience: [api://default]".'
            : '';
      report(path, `"${missing}" is required in ${path.length > 0 ? `"${name}"` : 'the document'}.${hint}`, {
        key: true,
      });
      return;
    }
    case 'type': {
      const actual = Array.isArray(getIn(value, path)) ? 'a list' : typeof getIn(value, path);
      if (name === 'audience' && actual === 'string') {
        report(
          path,
          `"audience" must be a list, not a single string: write "audience: [${String(getIn(value, path))}]" or put it on its own "- " line.`,
        );
      } else {
        report(
          path,
          `"${name}" must be ${params.type === 'array' ? 'a list' : params.type === 'object' ? 'a section of keys' : `a ${String(params.type)}`}, not ${actual}.`,
        );
      }
      return;
    }
    case 'const':
      report(path, `"${name}" must be "${String(params.allowedValue)}".`);
      return;
    default:
      report(path, `"${name}" ${problem.message}.`);
  }
}

/** Config's phrasing of each way a URL breaks core's IdP-URL rule (https, or http on loopback). */
const URL_MESSAGES: Record<IdpUrlProblem, (url: string) => string> = {
  not_absolute: (url) => `"${url}" is not a valid URL; write it in full, starting with https://.`,
  not_http: (url) => `"${url}" is not an http(s) URL.`,
  insecure_http: (url) =>
    `"${url}" uses http; identity providers must be reached over https (http is allowed only for localhost, 127.0.0.1 and ::1).`,
  // Never produced here (configuration files are checked for the URL's form only; the server decides
  // about private networks), but named so that every problem has its words.
  private_address: (url) => `"${url}" is on this machine or a private network.`,
};

export function checkUrl(url: string, path: Path, report: (path: Path, message: string) => void): void {
  const check = checkIdpUrl(url);
  if (!check.ok) report(path, URL_MESSAGES[check.problem](url));
}

export function getIn(value: unknown, path: Path): unknown {
  let node = value;
  for (const part of path)
    node =
      isObject(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[part] : undefined;
  return node;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function dotted(path: Path): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
