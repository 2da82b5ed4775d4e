/**
 * doctor's sign-in probe stays on the identity provider. Three real HTTP servers on 127.0.0.1 play the
 * IdP (its issuer's origin and its authorization endpoint's, on two ports) and a site elsewhere: a
 * redirect to the other site is reported, not followed; what one origin sets as a cookie is never sent
 * to another; an IdP error page's text is shown escaped; and without private networks allowed the
 * probe sends nothing to a host on one, checked on the address literal and on what a name resolves to.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeAuthorization } from '../src/internal/authorize-probe.ts';
import { PrivateAddressError, probeGet, publicLookup } from '../src/internal/probe-fetch.ts';
import { APP, controlCharacters, jsonOf, ssokit } from './support.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
interface Site {
  origin: string;
  /** Every request: its path and Cookie header. */
  seen: { path: string; cookie: string }[];
  server: Server;
}

async function site(handler: Handler): Promise<Site> {
  const seen: Site['seen'] = [];
  const server = createServer((request, response) => {
    seen.push({ path: request.url ?? '', cookie: request.headers.cookie ?? '' });
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let idp: Site; // the issuer's origin
let authz: Site; // the authorization endpoint's origin, another port
let elsewhere: Site; // a site that is not the IdP
let dir: string;

/** The discovery document of the issuer `${idp.origin}/<name>`, whose authorization endpoint is `authorize`. */
const discovery = (name: string, authorize: string) => ({
  issuer: `${idp.origin}/${name}`,
  authorization_endpoint: authorize,
  token_endpoint: `${idp.origin}/${name}/token`,
  jwks_uri: `${idp.origin}/${name}/jwks`,
  response_types_supported: ['code'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
  code_challenge_methods_supported: ['S256'],
});

beforeAll(async () => {
  elsewhere = await site((_request, response) => {
    response.setHeader('set-cookie', 'ELSEWHERE=1; Path=/');
    response.end('<html>internal admin page</html>');
  });
  authz = await site((request, response) => {
    // The IdP's sign-in, on the authorization endpoint's origin: a session cookie, then its login page.
    response.writeHead(302, {
      location: `${idp.origin}/split/login`,
      'set-cookie': 'AUTHZ_SESSION=secret-of-the-authz-origin; Path=/',
    });
    response.end();
    void request;
  });
  idp = await site((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const [, name, rest] = /^\/([^/]+)\/?(.*)$/.exec(path) ?? [];
    if (rest === '.well-known/openid-configuration') {
      const authorize = name === 'split' ? `${authz.origin}/auth` : `${idp.origin}/${name}/auth`;
      response.setHeader('content-type', 'application/json');
      return response.end(JSON.stringify(discovery(name as string, authorize)));
    }
    if (rest === 'jwks') {
      response.setHeader('content-type', 'application/json');
      return response.end('{"keys":[]}');
    }
    if (name === 'away' && rest === 'auth') {
      response.writeHead(302, {
        location: `${elsewhere.origin}/internal-admin?x=1`,
        'set-cookie': 'IDP_SESSION=secret-idp-cookie; Path=/',
      });
      return response.end();
    }
    if (name === 'ansi' && rest === 'auth') {
      response.writeHead(400, { 'content-type': 'text/html' });
      return response.end(
        '<html><body>Invalid parameter: redirect_uri \u001b[2J\u001b[31m\u009b1m\u202eevil\r</body></html>',
      );
    }
    if (name === 'split' && rest === 'login') {
      response.setHeader('content-type', 'text/html');
      return response.end(
        '<html><form method="post"><input name="username"><input name="password"></form></html>',
      );
    }
    response.writeHead(404);
    response.end();
  });
  dir = mkdtempSync(join(tmpdir(), 'ssokit-cli-probe-'));
});
afterAll(async () => {
  for (const s of [idp, authz, elsewhere]) {
    s?.server.closeAllConnections();
    await new Promise((resolve) => s?.server.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

interface Finding {
  check: string;
  status: string;
  message: string;
  fix?: string;
}
const connection = (name: string) => {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      id: name,
      name,
      protocol: 'oidc',
      provider: 'keycloak',
      oidc: { issuer: `${idp.origin}/${name}`, clientId: 'app', scopes: ['openid'] },
    }),
  );
  return path;
};
const authorizeFinding = async (name: string) => {
  const run = await ssokit(['doctor', '--connection', connection(name), '--base-url', APP, '--json']);
  return jsonOf<{ findings: Finding[] }>(run).findings.find((f) => f.check === 'authorize');
};

describe.concurrent('the sign-in probe', { timeout: 60_000 }, () => {
  it('a redirect to another site is reported, not followed, and nothing is sent there', async () => {
    const probe = await authorizeFinding('away');
    expect(probe?.status).toBe('warning');
    expect(probe?.message).toContain(
      `The IdP sent the sign-in request on to ${elsewhere.origin}, another site`,
    );
    expect(elsewhere.seen).toEqual([]);
  });

  it("the IdP's own origins are followed, each origin's cookies sent back to it alone", async () => {
    const probe = await authorizeFinding('split');
    expect(probe?.status, probe?.message).toBe('ok');
    expect(probe?.message).toContain(`it answered with its sign-in page at ${idp.origin}`);
    expect(authz.seen.some((r) => r.path.startsWith('/auth?'))).toBe(true);
    const login = idp.seen.filter((r) => r.path === '/split/login');
    expect(login).toHaveLength(1);
    expect(login[0]?.cookie).not.toContain('AUTHZ_SESSION');
  });

  it("an IdP's error page: its words in the finding, escaped on the terminal", async () => {
    const run = await ssokit(['doctor', '--connection', connection('ansi'), '--base-url', APP]);
    expect(run.code).toBe(2);
    expect(controlCharacters(run.stdout)).toEqual([]);
    expect(run.stdout).toContain('✖ The IdP refused the redirect URI');
    expect(run.stdout).toContain('\\u{1b}[2J\\u{1b}[31m\\u{9b}1m\\u{202e}evil');
  });

  it('without private networks allowed, a private address is not called: by its literal, and by what a name resolves to', async () => {
    const sso = createSso({
      baseUrl: APP,
      storage: memoryStorage(),
      secret: randomBytes(32).toString('base64url'),
      allowPrivateNetworks: true,
    });
    await sso.connections.create({
      id: 'plain',
      name: 'plain',
      protocol: 'oidc',
      provider: 'keycloak',
      oidc: { issuer: `${idp.origin}/plain`, clientId: 'app', scopes: ['openid'] },
    } as never);
    const before = idp.seen.length;
    const probe = await probeAuthorization(sso, 'plain', `${APP}/sso/oidc/callback`, {
      allowPrivateNetworks: false,
    });
    expect(probe).toMatchObject({
      status: 'warning',
      fix: expect.stringContaining('--allow-private-networks'),
    });
    expect(probe.message).toContain(`${idp.origin}, which is on this machine or a private network`);
    expect(idp.seen.slice(before).some((r) => r.path.startsWith('/plain/auth'))).toBe(false);

    const signal = AbortSignal.timeout(10_000);
    await expect(
      probeGet(new URL(`${elsewhere.origin}/x`), { allowPrivateNetworks: false, signal, maxBody: 1024 }),
    ).rejects.toBeInstanceOf(PrivateAddressError);
    expect(elsewhere.seen).toEqual([]);
    // A name (not a literal) that resolves to loopback: refused by the lookup itself.
    const resolved = await new Promise<Error | null>((resolve) =>
      publicLookup('localhost', {}, (error) => resolve(error)),
    );
    expect(resolved).toBeInstanceOf(PrivateAddressError);
  });
});
