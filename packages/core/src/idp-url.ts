/**
 * The one rule for identity-provider URLs (a DESIGN security invariant): https, except plain http on a
 * loopback host (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`) for development and tests, or
 * anywhere when the host sets `allowInsecureRequests`. Config, oidc, saml and the server all ask this
 * function; none of them writes the rule again. Pure: no I/O, no name resolution.
 *
 * @module
 */
import { isPrivateHost } from './private-address.ts';
import type { WarningHook } from './warnings.ts';

/** How {@link checkIdpUrl} reads a URL. */
export interface IdpUrlPolicy {
  /**
   * Accept plain `http:` on any host (the `allowInsecureRequests` escape hatch). Default: false.
   */
  allowInsecure?: boolean;
  /**
   * Accept hosts on this machine or a private network (`localhost`, private, loopback and link-local
   * address literals: core's `isPrivateHost`). With `false`, such a URL is `private_address`, and plain
   * http is refused everywhere. The server passes `false` in production (its `allowPrivateNetworks`
   * option); a check of the URL's form alone (configuration files) leaves it on. Default: true.
   */
  allowPrivateNetworks?: boolean;
  /**
   * Hears `insecure-http` when a URL is accepted only because of `allowInsecure` (plain http off
   * loopback), once per hook and origin. Default: none.
   */
  onWarning?: WarningHook;
}

/** The origins each hook has been warned about (bounded: a warning repeats rather than memory grows). */
const warnedOrigins = new WeakMap<WarningHook, Set<string>>();

/** Why a URL is not an acceptable IdP URL. */
export type IdpUrlProblem = 'not_absolute' | 'not_http' | 'insecure_http' | 'private_address';

/** The outcome of {@link checkIdpUrl}: the parsed URL, or the problem and a sentence to show. */
export type IdpUrlCheck =
  | { ok: true; url: URL }
  | {
      ok: false;
      problem: IdpUrlProblem;
      /** Completes a sentence whose subject is the URL: `${subject} ${message}`. */
      message: string;
      /** Present when the value parsed. */
      url?: URL;
    };

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Whether a URL's `hostname` is a loopback host, where plain http is allowed for development.
 *
 * @example
 * ```ts
 * import { isLoopbackHost } from '@ssokit/core';
 *
 * isLoopbackHost(new URL('http://127.0.0.1:8080').hostname); // true
 * isLoopbackHost('idp.example.com'); // false
 * ```
 */
export function isLoopbackHost(hostname: string): boolean {
  return (
    LOOPBACK_NAMES.has(hostname) ||
    /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(hostname) ||
    hostname.endsWith('.localhost')
  );
}

/**
 * Checks an identity-provider URL (issuer, discovery, JWKS, token, userinfo, metadata, SSO and SLO
 * endpoints) against the rule above, and parses it.
 *
 * @example
 * ```ts
 * import { checkIdpUrl } from '@ssokit/core';
 *
 * const check = checkIdpUrl('http://idp.example.com/realms/acme');
 * if (!check.ok) throw new Error(`The issuer ${check.message}`);
 * // "The issuer must use https (plain http is allowed only on localhost, 127.0.0.1 and ::1)."
 * ```
 */
export function checkIdpUrl(value: string | URL, policy: IdpUrlPolicy = {}): IdpUrlCheck {
  let url: URL;
  try {
    url = typeof value === 'string' ? new URL(value) : value;
  } catch {
    return {
      ok: false,
      problem: 'not_absolute',
      message: 'is not an absolute URL; write it in full, starting with https://.',
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, problem: 'not_http', message: 'is not an http(s) URL.', url };
  if (policy.allowPrivateNetworks === false && isPrivateHost(url.hostname))
    return {
      ok: false,
      problem: 'private_address',
      message:
        'is on this machine or a private network, which this server does not call unless createSso({ allowPrivateNetworks: true }) allows it.',
      url,
    };
  if (url.protocol === 'https:') return { ok: true, url };
  if (isLoopbackHost(url.hostname)) return { ok: true, url };
  if (policy.allowInsecure === true) {
    if (policy.onWarning) warnInsecure(policy.onWarning, url);
    return { ok: true, url };
  }
  return {
    ok: false,
    problem: 'insecure_http',
    message: 'must use https (plain http is allowed only on localhost, 127.0.0.1 and ::1).',
    url,
  };
}

function warnInsecure(hook: WarningHook, url: URL): void {
  const seen = warnedOrigins.get(hook) ?? new Set<string>();
  warnedOrigins.set(hook, seen);
  if (seen.has(url.origin)) return;
  if (seen.size >= 1000) seen.clear();
  seen.add(url.origin);
  try {
    hook(
      'insecure-http',
      `${url.origin} is called over plain http (allowInsecureRequests): anyone on the network can read and forge its answers, keys and tokens included. Use https.`,
      {
        origin: url.origin,
      },
    );
  } catch {
    // A hook's failure is ignored, as everywhere warnings are given.
  }
}
