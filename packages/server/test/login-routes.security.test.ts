/**
 * Invariant family: every refusal on the login routes, through the HTTP surface (sso.handle), ends
 * with the status of its code, the JSON `{ error, message }` (or the HTML page for browsers), no session
 * cookie, and a store whose durable records are exactly as before. The IdP is the real oidc-provider;
 * each refusal comes from a connection setting, a stored user, or a callback an attacker controls.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryStorage, type SsoStorage } from '@ssokit/storage';
import { memorySnapshot } from '@ssokit/storage/testkit';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, setsSession } from 'ssokit-test-fixtures/http';
import { browserLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSso } from '../src/index.ts';
import { SECRET, testSso } from './helpers.ts';

const BASE = 'https://app.example.com';
const CALLBACK = `${BASE}/sso/oidc/callback`;
let op: TestOp;
let otherJwks: Server;
let otherJwksUri = '';

beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK] });
  // A JWKS with an unrelated key: tokens from the OP cannot verify against it.
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...publicKey.export({ format: 'jwk' }),
    kid: 'k1',
    alg: 'RS256',
    use: 'sig',
  };
  otherJwks = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => otherJwks.listen(0, '127.0.0.1', resolve));
  otherJwksUri = `http://127.0.0.1:${(otherJwks.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  otherJwks.close();
  await op.close();
});

async function setup(connection: Record<string, unknown> = {}, oidc: Record<string, unknown> = {}) {
  const { sso, storage } = testSso(BASE);
  const c = await storage.connections.create(
    oidcConnection(op.issuer, connection, { additionalScopes: undefined, ...oidc }),
  );
  return { sso, storage, connection: c };
}

/** Starts a login, lets the OP answer, and returns the callback as the browser would send it. */
async function callbackFor(sso: ReturnType<typeof createSso>, id: string, accept = 'application/json') {
  const login = await sso.handle(new Request(`${BASE}/sso/login/${id}`));
  const callback = await browserLogin(new URL(login.headers.get('location') as string), new Map(), CALLBACK);
  return {
    params: callback.params,
    cookie: cookiesOf(login).join('; '),
    send: (params = callback.params, cookie = cookiesOf(login).join('; ')) =>
      sso.handle(new Request(`${CALLBACK}?${params}`, { headers: { cookie, accept } })),
  };
}

async function expectRefused(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(await response.json()).toMatchObject({ error: code, message: expect.any(String) });
  expect(setsSession(response)).toBe(false);
}

async function refusedLogin(
  storage: SsoStorage,
  send: () => Promise<Response>,
  status: number,
  code: string,
) {
  const before = memorySnapshot(storage);
  await expectRefused(await send(), status, code);
  expect(memorySnapshot(storage)).toBe(before);
}

describe('refusals through the HTTP surface write nothing', () => {
  it('claim_missing: the user id claim is not sent', async () => {
    const { sso, storage, connection } = await setup({ claimMapping: { userId: 'employee_id' } });
    const { send } = await callbackFor(sso, connection.id);
    await refusedLogin(storage, send, 401, 'claim_missing');
  });

  it('email_not_verified: the connection requires a verified email the IdP does not vouch for', async () => {
    const { sso, storage, connection } = await setup({
      provisioning: { requireVerifiedEmail: true },
      claimMapping: { emailVerified: 'email_checked_by_hr' },
    });
    const { send } = await callbackFor(sso, connection.id);
    await refusedLogin(storage, send, 403, 'email_not_verified');
  });

  it('user_not_provisioned: invitation-only and nobody invited', async () => {
    const { sso, storage, connection } = await setup({ provisioning: { createUsers: false } });
    const { send } = await callbackFor(sso, connection.id);
    await refusedLogin(storage, send, 403, 'user_not_provisioned');
  });

  it('identity_conflict: an unlinked account already has the email', async () => {
    const { sso, storage, connection } = await setup();
    await storage.users.create({ email: 'ada@example.com', status: 'active' } as never);
    const { send } = await callbackFor(sso, connection.id);
    await refusedLogin(storage, send, 403, 'identity_conflict');
  });

  it('user_disabled: the linked account was disabled since the last login', async () => {
    const { sso, storage, connection } = await setup();
    const first = await callbackFor(sso, connection.id);
    expect((await first.send()).status).toBe(303);
    const user = await storage.users.findByEmail('ada@example.com');
    await storage.users.update(user?.id as string, { status: 'disabled' });
    const { send } = await callbackFor(sso, connection.id);
    await refusedLogin(storage, send, 403, 'user_disabled');
  });

  it('id_token_invalid: the ID token does not verify with the configured keys', async () => {
    const { sso, storage, connection } = await setup({}, { endpoints: { jwks: otherJwksUri } });
    const { send } = await callbackFor(sso, connection.id);
    await refusedLogin(storage, send, 401, 'id_token_invalid');
  });

  it('connection_inactive: disabled while the login was at the IdP', async () => {
    const { sso, storage, connection } = await setup();
    const { send } = await callbackFor(sso, connection.id);
    await storage.connections.update(
      connection.id,
      { active: false },
      { expectedUpdatedAt: connection.updatedAt },
    );
    await refusedLogin(storage, send, 403, 'connection_inactive');
  });

  it('idp_error: the IdP answers with an error; its description is passed on, the transaction is used up', async () => {
    const { sso, storage, connection } = await setup();
    const { params, send } = await callbackFor(sso, connection.id);
    const error = new URLSearchParams({
      error: 'access_denied',
      error_description: 'The user is not assigned to this application',
      state: params.get('state') as string,
      iss: params.get('iss') as string,
    });
    const before = memorySnapshot(storage);
    const response = await send(error);
    expect(response.status).toBe(403);
    const body = await response.json();
    expect(body).toMatchObject({ error: 'idp_error' });
    expect(body.message).toContain('not assigned');
    expect(memorySnapshot(storage)).toBe(before);
    await expectRefused(await send(), 400, 'transaction_expired');
  });

  it('invalid_state: a callback without the browser cookie, with another login cookie, or a forged state', async () => {
    const { sso, storage, connection } = await setup();
    const a = await callbackFor(sso, connection.id);
    const b = await callbackFor(sso, connection.id);
    await refusedLogin(storage, () => a.send(a.params, ''), 400, 'invalid_state');
    await refusedLogin(storage, () => a.send(a.params, b.cookie), 400, 'invalid_state');
    const forged = new URLSearchParams(a.params);
    forged.set('state', 'forged-state');
    await refusedLogin(storage, () => a.send(forged, 'sso_tx=forged-state'), 400, 'transaction_expired');
    // The genuine pairs still work, once.
    expect((await a.send()).status).toBe(303);
    await expectRefused(await a.send(), 400, 'transaction_expired');
  });

  it('browsers get the HTML page with the code, and no session', async () => {
    const { sso, connection } = await setup({ provisioning: { createUsers: false } });
    const { send } = await callbackFor(sso, connection.id, 'text/html');
    const response = await send();
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<code>user_not_provisioned</code>');
    expect(html).not.toMatch(/at \w+ \(|node:internal/); // no stack trace
  });
});

describe('malformed requests are 400s, never crashes', () => {
  it('a bad percent-escape in a route segment', async () => {
    const { sso, storage } = await setup();
    await refusedLogin(
      storage,
      () =>
        sso.handle(new Request(`${BASE}/sso/login/%E0%A4%A`, { headers: { accept: 'application/json' } })),
      400,
      'invalid_request',
    );
  });

  it('a storage without groups or memberships is refused at construction, not after a login', () => {
    const storage = memoryStorage();
    const partial = { ...storage, groups: undefined, memberships: undefined } as never;
    expect(() => createSso({ baseUrl: BASE, storage: partial, secret: SECRET })).toThrow(
      /storage\.groups[\s\S]*storage\.memberships/,
    );
  });
});

describe('returnTo: same-origin paths only', () => {
  const cases = [
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    '\\\\evil.example',
    '/\t/evil.example/',
    '/\n/evil.example',
    'javascript:alert(1)',
    '',
    'projects',
    '/プロジェクト', // must arrive percent-encoded: a Location header cannot carry it
    // Paths that become //evil.example once a browser resolves them or a host decodes them (review 1).
    '/.//evil.example',
    '/a/..//evil.example',
    '/%2e//evil.example',
    '/%2F%2Fevil.example',
    '/%5c%5cevil.example',
    '/projects/..',
    `/${'a'.repeat(2048)}`, // stored with the transaction: no more than 2048 characters
  ];
  for (const returnTo of cases) {
    it(`refuses ${JSON.stringify(returnTo).slice(0, 40)} before anything is stored`, async () => {
      const { sso, storage, connection } = await setup();
      const before = memorySnapshot(storage);
      const response = await sso.handle(
        new Request(`${BASE}/sso/login/${connection.id}?returnTo=${encodeURIComponent(returnTo)}`, {
          headers: { accept: 'application/json' },
        }),
      );
      await expectRefused(response, 400, 'invalid_return_to');
      expect(response.headers.get('location')).toBeNull();
      expect(memorySnapshot(storage)).toBe(before);
    });
  }

  it('keeps paths that are what they say: dots inside names, encoded slashes in the query', async () => {
    const { sso, connection } = await setup();
    for (const returnTo of ['/v1.2/models', '/files/.env-notes', '/search?q=a%2Fb&next=/x/../y', '/...']) {
      const login = await sso.handle(
        new Request(`${BASE}/sso/login/${connection.id}?returnTo=${encodeURIComponent(returnTo)}`),
      );
      expect(login.status, returnTo).toBe(302);
    }
  });

  it('keeps a path with query and fragment-free characters, and lands on it', async () => {
    const { sso, connection } = await setup();
    const login = await sso.handle(
      new Request(
        `${BASE}/sso/login/${connection.id}?returnTo=${encodeURIComponent('/projects/7?tab=runs')}`,
      ),
    );
    const callback = await browserLogin(
      new URL(login.headers.get('location') as string),
      new Map(),
      CALLBACK,
    );
    const done = await sso.handle(
      new Request(`${CALLBACK}?${callback.params}`, { headers: { cookie: cookiesOf(login).join('; ') } }),
    );
    expect(done.headers.get('location')).toBe('/projects/7?tab=runs');
  });
});
