import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { memoryStorage } from '@ssokit/storage';
import * as client from 'openid-client';
import { BASE, benchSso, type LoginSteps, login, SSO_CALLBACK, ssoSteps } from '../oidc-login.ts';
import { defineSuite, type SampledTask } from '../suite.ts';

// A whole OIDC login (start → OP → callback → session), as the app server's CPU per login: the sum of
// process.cpuUsage() (user + system) around the app's two server-side steps, the login route and the
// callback. The OP (oidc-provider, the harness of the tests) runs in a child process, so its work,
// including answering the token request the callback makes, is not counted; the browser's hops to the
// OP happen between the two measured steps and are not counted either. What is counted for the
// callback includes the client side of the token request (fetch, TLS-free loopback HTTP), as it is
// the server's work. Same OP, same public client (code + PKCE S256, state, nonce), same user ("ada",
// 2 groups), same Request → Response shape for both:
// - ssokit: createSso with server-side sessions on memoryStorage(), group sync and roles on.
// - openid-client 6: the least a correct relying party does, written here: an authorization URL with
//   PKCE + state + nonce kept in a Map under a random cookie, the callback with authorizationCodeGrant
//   (state, nonce and PKCE checked, the ID token validated, its signature too via
//   enableNonRepudiationChecks since ssokit always verifies it), and a session in a Map under a
//   random cookie. Discovery and the JWKS are fetched once, before measuring, as ssokit caches them.
// Target: ssokit ≤ 1.25× the openid-client minimum.
const RP_CALLBACK = `${BASE}/rp/callback`;

/** The minimal relying party on openid-client 6, as Request → Response handlers. */
function minimalRp(config: client.Configuration): LoginSteps {
  const transactions = new Map<string, { verifier: string; state: string; nonce: string }>();
  const sessions = new Map<string, { sub: string; claims: Record<string, unknown> }>();
  const cookie = (request: Request, name: string) =>
    (request.headers.get('cookie') ?? '')
      .split(/;\s*/)
      .find((c) => c.startsWith(`${name}=`))
      ?.slice(name.length + 1);
  return {
    async start() {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: RP_CALLBACK,
        scope: 'openid profile email groups',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const tx = randomBytes(32).toString('base64url');
      transactions.set(tx, { verifier, state, nonce });
      return new Response(null, {
        status: 302,
        headers: {
          location: url.href,
          'set-cookie': `rp_tx=${tx}; Path=/; HttpOnly; SameSite=Lax; Max-Age=600`,
        },
      });
    },
    async callback(request) {
      const tx = cookie(request, 'rp_tx');
      const pending = tx ? transactions.get(tx) : undefined;
      if (!tx || !pending) return new Response('no login in progress', { status: 400 });
      transactions.delete(tx);
      const tokens = await client.authorizationCodeGrant(config, new URL(request.url), {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) return new Response('no ID token', { status: 400 });
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, { sub: claims.sub, claims });
      const headers = new Headers({ location: '/projects', 'cache-control': 'no-store' });
      headers.append('set-cookie', `rp_session=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=28800`);
      headers.append('set-cookie', 'rp_tx=; Path=/; Max-Age=0');
      return new Response(null, { status: 303, headers });
    },
  };
}

/** CPU (user + system) in ms of the server-side steps of one login. */
async function cpuPerLogin(steps: LoginSteps, callbackUri: string, sessionCookie: string): Promise<number> {
  let micros = 0;
  await login(
    steps,
    callbackUri,
    async (step) => {
      const before = process.cpuUsage();
      const result = await step();
      const used = process.cpuUsage(before);
      micros += used.user + used.system;
      return result;
    },
    sessionCookie,
  );
  return micros / 1000;
}

const ctx = {} as { ssokit: LoginSteps; rp: LoginSteps; op: ChildProcess };

const tasks: SampledTask[] = [
  {
    name: 'ssokit (createSso, server sessions, group sync)',
    role: 'subject',
    sample: () => cpuPerLogin(ctx.ssokit, SSO_CALLBACK, 'sso_session'),
  },
  {
    name: 'openid-client 6 minimal RP',
    role: 'peer',
    sample: () => cpuPerLogin(ctx.rp, RP_CALLBACK, 'rp_session'),
  },
];

async function startOp(): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=dev-source',
      join(import.meta.dirname, '..', 'oidc-op-child.ts'),
      SSO_CALLBACK,
      RP_CALLBACK,
    ],
    { stdio: ['pipe', 'pipe', 'ignore'] },
  );
  ctx.op = child;
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`The OP process ended (${code}) before listening.`)));
  });
  lines.close();
  // The runner has no teardown: the child must not keep this process alive, and ends with its stdin.
  child.unref();
  for (const stream of [child.stdin, child.stdout] as unknown as { unref?: () => void }[]) stream.unref?.();
  process.once('beforeExit', () => child.stdin?.end());
  return (JSON.parse(first) as { issuer: string }).issuer;
}

export default defineSuite({
  name: 'whole login, server CPU',
  description:
    'A whole OIDC login (start → oidc-provider in a child process → callback → session), CPU (user + system) of the app server per login: ssokit vs a minimal openid-client 6 relying party.',
  samplesPerRound: 5,
  async setup() {
    const issuer = await startOp();
    const { sso, connectionId } = await benchSso(memoryStorage(), issuer);
    ctx.ssokit = ssoSteps(sso, connectionId);
    const config = await client.discovery(new URL(issuer), 'public-pkce', undefined, client.None(), {
      execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
    });
    ctx.rp = minimalRp(config);
    // Warm both: discovery, JWKS and the code paths, before the first measured login.
    for (let i = 0; i < 5; i++) {
      await cpuPerLogin(ctx.ssokit, SSO_CALLBACK, 'sso_session');
      await cpuPerLogin(ctx.rp, RP_CALLBACK, 'rp_session');
    }
  },
  tasks,
  targets: [
    {
      task: 'ssokit (createSso, server sessions, group sync)',
      timesAtMost: 1.25,
      versus: 'openid-client 6 minimal RP',
    },
  ],
});
