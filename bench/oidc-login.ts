/**
 * Real OIDC logins for the bench suites: an `Sso` over a given store with an OIDC connection to the
 * oidc-provider harness (public client, code + PKCE S256, groups scope, group sync on), and one whole
 * login through `sso.handle` with the browser hops in between.
 */
import { createSso, type Sso } from '@ssokit/server';
import type { SsoStorage } from '@ssokit/storage';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf } from 'ssokit-test-fixtures/http';
import { browserLogin } from 'ssokit-test-fixtures/oidc-provider';

export const BASE = 'http://127.0.0.1:3000';
export const SSO_CALLBACK = `${BASE}/sso/oidc/callback`;
export const SECRET = 'bench-secret-with-at-least-32-characters!';

/** `createSso` over `storage`, with the groups of the harness's users and a connection to `issuer`. */
export async function benchSso(
  storage: SsoStorage,
  issuer: string,
): Promise<{ sso: Sso; connectionId: string }> {
  await storage.groups.create({ id: 'g-admins', name: 'admins' });
  await storage.groups.create({ id: 'g-ml', name: 'ml-engineers' });
  await storage.groups.create({ id: 'g-viewers', name: 'viewers' });
  const connection = await storage.connections.create(
    oidcConnection(issuer, {
      id: 'local-op',
      provider: 'custom',
      groupSync: { enabled: true, removeRevoked: true },
    }),
  );
  const sso = createSso({
    baseUrl: BASE,
    storage,
    secret: SECRET,
    allowPrivateNetworks: true,
    sessionMode: 'server',
    roles: {
      roleDefinitions: [
        { name: 'admins', grantedBy: ['local-op'] },
        { name: 'viewers', grantedBy: ['local-op'] },
      ],
      defaultRole: 'viewers',
    },
  });
  return { sso, connectionId: connection.id };
}

/** The two server-side steps of a login and the browser hops between them, each replaceable. */
export interface LoginSteps {
  /** The app's login route: a redirect to the OP and the transaction cookie. */
  start(): Promise<Response>;
  /** The app's callback, with the OP's answer and the browser's cookies: the session cookie and a 303. */
  callback(request: Request): Promise<Response>;
}

/** The ssokit login of `sso` at `connectionId`, as {@link LoginSteps}. */
export function ssoSteps(sso: Sso, connectionId: string): LoginSteps {
  return {
    start: () => sso.handle(new Request(`${BASE}/sso/login/${connectionId}?returnTo=%2Fprojects`)),
    callback: (request) => sso.handle(request),
  };
}

/**
 * One whole login: `steps.start`, the browser at the OP until it is sent to `callbackUri`, then
 * `steps.callback`. `measure` wraps each server-side step (e.g. to take its CPU time). Returns the
 * session cookies the app set (those named `sessionCookie...`).
 */
export async function login(
  steps: LoginSteps,
  callbackUri: string,
  measure: <T>(step: () => Promise<T>) => Promise<T> = (step) => step(),
  sessionCookie = 'sso_session',
): Promise<string[]> {
  const started = await measure(steps.start);
  const location = started.headers.get('location');
  if (started.status !== 302 || !location) throw new Error(`The login did not start (${started.status}).`);
  const cookie = cookiesOf(started).join('; ');
  const answer = await browserLogin(new URL(location), new Map(), callbackUri);
  const request = new Request(`${callbackUri}?${answer.params}`, { headers: { cookie } });
  const done = await measure(() => steps.callback(request));
  if (done.status !== 303) throw new Error(`The callback answered ${done.status}: ${await done.text()}`);
  const session = cookiesOf(done, sessionCookie);
  if (session.length === 0) throw new Error('The callback set no session cookie.');
  return session;
}
