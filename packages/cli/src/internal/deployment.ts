/**
 * What breaks a deployment though every IdP check passes: a store each instance keeps for itself
 * behind several instances, and a session cookie that outgrows the 8 KB many proxies allow for a
 * request header (nginx's default `large_client_header_buffers`, several load balancers and CDNs).
 *
 * @module
 */
import type { Status } from '../output.ts';
import { type CookieEstimate, type CookieInput, estimateSessionCookie } from './cookie-size.ts';

/** The limit of one request header at many proxies, in bytes. */
export const HEADER_LIMIT = 8192;
/** Above this the app's own cookies have less than 2 KB left: a warning. */
export const HEADER_WARN = 6144;

/** How the app is deployed, as the flags describe it. */
export interface Deployment {
  instances: number;
  /** `undefined`: not described (the storage check is skipped). */
  storage?: 'memory' | 'sql' | 'sqlite' | 'redis';
  sessionMode: 'server' | 'cookie';
}

/** A deployment finding. */
export interface DeploymentFinding {
  check: string;
  status: Status;
  message: string;
  fix?: string;
}

const SHARED =
  'Use a store every instance shares: @ssokit/storage-sql (PostgreSQL, MySQL/MariaDB) or @ssokit/storage-redis.';

/** The storage finding for a deployment. */
export function storageFinding(d: Deployment): DeploymentFinding {
  const n = d.instances;
  const instances = `${n} instance${n === 1 ? '' : 's'}`;
  if (d.storage === undefined)
    return {
      check: 'storage',
      status: 'skipped',
      message:
        'The store was not described: pass --storage memory|sql|sqlite|redis and --instances <n> to check it.',
    };
  if (d.storage === 'memory' && n > 1)
    return {
      check: 'storage',
      status: 'error',
      message: `memoryStorage() behind ${instances}: each keeps its own logins, so a sign-in that starts on one instance and comes back to another fails (invalid_state), and a logout or revocation on one leaves the session alive on the others.`,
      fix: `${SHARED} Sticky sessions only hide it until an instance restarts.`,
    };
  if (d.storage === 'memory')
    return {
      check: 'storage',
      status: 'warning',
      message:
        'memoryStorage() keeps everything in this one process: a restart signs everyone out and forgets users, groups and connections made in the console.',
      fix: `Fine for a demo or a single disposable instance; otherwise use @ssokit/storage-sql or @ssokit/storage-redis.`,
    };
  if (d.storage === 'sqlite' && n > 1)
    return {
      check: 'storage',
      status: 'warning',
      message: `A SQLite file behind ${instances}: they must all run on the host that holds the file, and writes wait on one another.`,
      fix: 'Use PostgreSQL, MySQL/MariaDB or Redis when the instances run on several hosts.',
    };
  return {
    check: 'storage',
    status: 'ok',
    message: `A shared ${d.storage === 'redis' ? 'Redis' : d.storage === 'sqlite' ? 'SQLite' : 'SQL'} store behind ${instances}: every instance sees the logins in progress, the replay cache and the sessions.`,
  };
}

/** The session cookie's size, against the 8 KB header limit. */
export function cookieFinding(
  d: Deployment,
  input: Omit<CookieInput, 'mode'>,
): DeploymentFinding & { estimate: CookieEstimate } {
  const estimate = estimateSessionCookie({ ...input, mode: d.sessionMode });
  const size = `${estimate.headerBytes} bytes`;
  if (estimate.mode === 'server')
    return {
      check: 'session-cookie',
      status: 'ok',
      estimate,
      message: `Server-side sessions: the session cookie holds a random token (${size} of the Cookie header), however many groups the IdP sends.`,
    };
  const what = estimate.worstCase
    ? 'the largest group list a cookie session keeps (2048 characters of names)'
    : `this sample's ${estimate.groupsGiven} group${estimate.groupsGiven === 1 ? '' : 's'} as app groups of the same names${estimate.groupsKept < estimate.groupsGiven ? ` (${estimate.groupsKept} kept, the rest left out)` : ''}`;
  const base = `Cookie sessions: with ${what}, the session takes about ${size} of the Cookie header in ${estimate.cookies} cookie${estimate.cookies === 1 ? '' : 's'}`;
  const fix =
    'Use server-side sessions (the default with any ssokit store: sessionMode "server"), or give fewer roles to this connection.';
  if (estimate.headerBytes > HEADER_LIMIT)
    return {
      check: 'session-cookie',
      status: 'error',
      estimate,
      message: `${base}, over the ${HEADER_LIMIT} bytes many proxies allow for one header: those requests fail with 400 or 431.`,
      fix,
    };
  if (estimate.headerBytes > HEADER_WARN)
    return {
      check: 'session-cookie',
      status: 'warning',
      estimate,
      message: `${base}: less than 2 KB of the ${HEADER_LIMIT} bytes many proxies allow is left for the app's own cookies.`,
      fix,
    };
  return {
    check: 'session-cookie',
    status: 'ok',
    estimate,
    message: `${base}, within the ${HEADER_LIMIT} bytes many proxies allow. A cookie session cannot be revoked; every instance needs the same secret.`,
  };
}
