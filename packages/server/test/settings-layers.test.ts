/**
 * `createSso({ settings })`: W&B's "environment variables take precedence over UI" inside ssokit. The
 * environment (and a configuration file) win field by field over what the admin stored, W&B's
 * defaults lie beneath it, a connection defined by the environment alone logs in, and the admin API
 * shows each field's source and refuses to change what the environment or a file fixes.
 */
import { readFileSync } from 'node:fs';
import { fileSettings, loadArthurConfig, loadWandbEnv, wandbSettings } from '@ssokit/config';
import { ConfigError, isSsoError } from '@ssokit/core';
import { oidcConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, sessionCookiesOf } from 'ssokit-test-fixtures/http';
import { browserLogin, startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSso } from '../src/index.ts';
import { SECRET, testSso } from './helpers.ts';

const BASE = 'http://127.0.0.1:3000';
const WANDB_CALLBACK = `${BASE}/oidc/callback`;
let op: TestOp;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [WANDB_CALLBACK] });
});
afterAll(() => op.close());

/** A W&B deployment: its variables, its callback path, an admin API for everyone. */
function wandb(
  env: Record<string, string>,
  stored?: (s: ReturnType<typeof testSso>['storage']) => Promise<unknown>,
) {
  const settings = wandbSettings(loadWandbEnv(env));
  const app = testSso(BASE, {
    settings,
    routes: { oidcCallback: '/oidc/callback', logout: '/logout' },
    authorizeAdmin: () => 'alice',
  });
  return { ...app, ready: stored ? stored(app.storage) : Promise.resolve() };
}

const admin = (sso: ReturnType<typeof createSso>, method: string, path: string, body?: unknown) =>
  sso.handle(
    new Request(`${BASE}/sso/admin${path}`, {
      method,
      headers: { origin: BASE, 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

describe('settings layers: the environment wins, inside createSso', () => {
  it('a connection defined by the W&B variables alone is listed and logs in, and nothing is stored', async () => {
    const { sso, storage } = wandb({
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: 'public-pkce',
      OIDC_AUTH_METHOD: 'pkce',
    });
    const providers = await (await sso.handle(new Request(`${BASE}/sso/providers`))).json();
    expect(providers).toEqual([{ id: 'wandb', name: 'SSO', protocol: 'oidc', provider: 'custom' }]);
    const start = await sso.handle(new Request(`${BASE}/sso/login/wandb`));
    const authorize = new URL(start.headers.get('location') as string);
    // W&B's scopes, from the defaults layer; the code flow with S256, from OIDC_AUTH_METHOD.
    expect(authorize.searchParams.get('scope')).toBe('openid profile email');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const callback = await browserLogin(authorize, new Map(), WANDB_CALLBACK);
    const done = await sso.handle(
      new Request(`${WANDB_CALLBACK}?${callback.params}`, {
        headers: { cookie: cookiesOf(start).join('; ') },
      }),
    );
    expect(done.status).toBe(303);
    expect(sessionCookiesOf(done)).not.toHaveLength(0);
    expect(await storage.connections.list()).toEqual([]);
  });

  it("without OIDC_AUTH_METHOD W&B's default applies (implicit, form_post), and a stored flow beats it", async () => {
    const { sso, storage } = wandb({ OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: 'public-pkce' });
    const implicit = new URL(
      (await sso.handle(new Request(`${BASE}/sso/login/wandb`))).headers.get('location') as string,
    );
    expect(implicit.searchParams.get('response_type')).toBe('id_token');
    expect(implicit.searchParams.get('response_mode')).toBe('form_post');
    // The admin saves the code flow (W&B's settings page): stored beats the default.
    const patched = await admin(sso, 'PATCH', '/connections/wandb', {
      oidc: { issuer: op.issuer, clientId: 'public-pkce', flow: 'code', pkce: 'S256' },
    });
    expect(patched.status).toBe(200);
    expect(await storage.connections.get('wandb')).not.toBeNull();
    const code = new URL(
      (await sso.handle(new Request(`${BASE}/sso/login/wandb`))).headers.get('location') as string,
    );
    expect(code.searchParams.get('response_type')).toBe('code');
  });

  it('over a stored connection the environment wins field by field; an edit of a fixed field is refused, naming the variable', async () => {
    const { sso, storage } = wandb({
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: 'public-pkce',
      OIDC_AUTH_METHOD: 'pkce',
    });
    await storage.connections.create(
      oidcConnection(
        'https://old-idp.example.com',
        { id: 'wandb', name: 'Okta' },
        { clientId: 'old-client' },
      ),
    );
    const effective = await sso.connections.get('wandb');
    expect(effective).toMatchObject({ name: 'Okta', oidc: { issuer: op.issuer, clientId: 'public-pkce' } });
    const refused = await admin(sso, 'PATCH', '/connections/wandb', {
      oidc: { issuer: 'https://elsewhere.example.com', clientId: 'public-pkce' },
    });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: string; issues: { path: string; message: string }[] };
    expect(body.error).toBe('config_invalid');
    expect(body.issues).toEqual([
      {
        path: 'oidc.issuer',
        message:
          'is fixed by the environment (OIDC_ISSUER), which wins over what is saved here: change it there, or leave this field out.',
      },
    ]);
    // The form sends every field back: the environment's own values are no change, and pass.
    const same = await admin(sso, 'PATCH', '/connections/wandb', {
      name: 'Okta SSO',
      oidc: { issuer: op.issuer, clientId: 'public-pkce' },
    });
    expect(same.status).toBe(200);
    // sso.connections refuses the same way.
    await expect(
      sso.connections.update(
        'wandb',
        { oidc: { issuer: op.issuer, clientId: 'mine' } as never },
        { expectedUpdatedAt: new Date(0) },
      ),
    ).rejects.toSatisfy((e) => e instanceof ConfigError && e.issues[0]?.path === 'oidc.clientId');
  });

  it('the admin API and Test Provider show each effective field with its source, and what fixes it', async () => {
    const { sso } = wandb({ OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: 'public-pkce', OIDC_SECRET: 'shh' });
    const got = (await (await admin(sso, 'GET', '/connections/wandb')).json()) as Record<string, unknown>;
    expect(got.sources).toMatchObject({
      name: { source: 'default' },
      'oidc.issuer': { source: 'environment', origin: 'OIDC_ISSUER' },
      'oidc.clientId': { source: 'environment', origin: 'OIDC_CLIENT_ID' },
      'oidc.clientSecret': { source: 'environment', origin: 'OIDC_SECRET' },
      'oidc.flow': { source: 'default' },
      'oidc.scopes': { source: 'default' },
    });
    // The secret is write-only here too: its source is shown, its value never.
    expect(JSON.stringify(got)).not.toContain('shh');
    expect(got.secretsSet).toEqual(['oidc.clientSecret']);
    const report = await sso.testConnection('wandb');
    expect(report.sources['oidc.issuer']).toEqual({ source: 'environment', origin: 'OIDC_ISSUER' });
    expect(report.register.redirectUri).toBe(WANDB_CALLBACK);
  });

  it('a connection the environment defines cannot be deleted through the admin API: the message says where it comes from', async () => {
    const { sso } = wandb({ OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: 'public-pkce' });
    const refused = await admin(sso, 'DELETE', '/connections/wandb');
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('defined by the environment (OIDC_ISSUER)');
  });

  it("Arthur's YAML as a file layer: what the file sets is fixed by the file", async () => {
    const yaml = readFileSync(
      new URL('../../config/test/fixtures/arthur-full.yaml', import.meta.url),
      'utf8',
    );
    const { connection } = loadArthurConfig(yaml);
    const { sso } = testSso(BASE, {
      settings: [fileSettings(connection, 'arthur.yaml')],
      authorizeAdmin: () => true,
    });
    const id = connection.id as string;
    expect(await sso.connections.get(id)).toMatchObject({ oidc: { clientId: connection.oidc.clientId } });
    const refused = await admin(sso, 'PATCH', `/connections/${encodeURIComponent(id)}`, {
      oidc: { ...connection.oidc, clientId: 'another-client' },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('fixed by the file (arthur.yaml)');
  });

  it('layers are checked at start-up, each problem named', () => {
    let caught: unknown;
    try {
      createSso({
        baseUrl: BASE,
        storage: testSso(BASE).storage,
        secret: SECRET,
        settings: [{ source: 'env', connectionId: '', fields: { issuer: 'x' } } as never],
      });
    } catch (error) {
      caught = error;
    }
    expect(isSsoError(caught) && (caught as ConfigError).issues.map((i) => i.path)).toEqual([
      'settings[0].source',
      'settings[0].connectionId',
      'settings[0].fields.issuer',
    ]);
  });

  it('what the environment fixes is never written to the store: its client secret stays out of the database', async () => {
    const { sso, storage } = wandb({
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: 'public-pkce',
      OIDC_SECRET: 'ENV-SECRET-xyz',
    });
    expect((await admin(sso, 'PATCH', '/connections/wandb', { name: 'Renamed' })).status).toBe(200);
    const effective = await sso.connections.get('wandb');
    expect(effective).toMatchObject({
      name: 'Renamed',
      oidc: { issuer: op.issuer, clientSecret: 'ENV-SECRET-xyz' },
    });
    // The admin API's PATCH sends whole sections back (the secret kept, write-only): none of it is stored.
    const patched = await admin(sso, 'PATCH', '/connections/wandb', {
      oidc: { issuer: op.issuer, clientId: 'public-pkce', scopes: ['openid', 'email'] },
    });
    expect(patched.status).toBe(200);
    const raw = JSON.stringify(await storage.connections.get('wandb'));
    expect(raw).not.toContain('ENV-SECRET-xyz');
    expect(raw).not.toContain('"issuer"');
    expect(raw).not.toContain('"clientId"');
    expect(raw).toContain('"scopes":["openid","email"]');
    expect(await sso.connections.get('wandb')).toMatchObject({
      oidc: { scopes: ['openid', 'email'], clientSecret: 'ENV-SECRET-xyz' },
    });
  });

  it('an issuer the environment fixes pins its endpoints, tenants, algorithms and audiences too', async () => {
    const { sso, storage } = wandb({
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: 'public-pkce',
      OIDC_AUTH_METHOD: 'pkce',
    });
    const evil = 'https://attacker.example.net';
    const refused = await admin(sso, 'PATCH', '/connections/wandb', {
      oidc: {
        issuer: op.issuer,
        clientId: 'public-pkce',
        endpoints: { authorization: `${evil}/auth`, token: `${evil}/token`, jwks: `${evil}/jwks` },
      },
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()) as object).toMatchObject({
      issues: [
        {
          path: 'oidc.endpoints',
          message:
            'names the identity provider with oidc.issuer, which the environment (OIDC_ISSUER) fixes: set it there too, or leave this field out.',
        },
      ],
    });
    // Endpoints stored before the variable was set are not used with the pinned issuer.
    await storage.connections.create(
      oidcConnection(
        'https://old.example.com',
        { id: 'wandb' },
        { endpoints: { jwks: `${evil}/jwks` }, tenants: ['t'] },
      ),
    );
    const effective = (await sso.connections.get('wandb')) as unknown as { oidc: Record<string, unknown> };
    expect(effective.oidc.issuer).toBe(op.issuer);
    expect(effective.oidc).not.toHaveProperty('endpoints');
    expect(effective.oidc).not.toHaveProperty('tenants');
  });

  it('a connection the layers shape is checked as a saved one is, at its first use', async () => {
    const { sso } = testSso(BASE, {
      authorizeAdmin: () => true,
      settings: [
        fileSettings(
          {
            id: 'legacy',
            name: 'Legacy',
            protocol: 'oidc',
            oidc: { issuer: op.issuer, clientId: 'c', verifySignature: false },
          },
          'legacy.json',
        ),
      ],
    });
    const login = await sso.handle(
      new Request(`${BASE}/sso/login/legacy`, { headers: { accept: 'application/json' } }),
    );
    expect(login.status).toBeGreaterThanOrEqual(400);
    expect(await login.json()).toMatchObject({ error: 'config_invalid' });
    const detail = await admin(sso, 'GET', '/connections/legacy');
    expect(JSON.stringify(await detail.json())).toContain('verifySignature');
  });

  it('a name the environment connection has cannot be taken by a stored one', async () => {
    const { sso } = wandb({ OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: 'public-pkce' });
    const clash = await admin(sso, 'POST', '/connections', oidcConnection(op.issuer, { name: 'sso' }));
    expect(clash.status).toBe(409);
    expect(await clash.json()).toMatchObject({ error: 'connection_name_taken' });
  });

  it('with OIDC_SECRET set too, a new issuer is refused for the variable that fixes it, not for the secret', async () => {
    const { sso } = wandb({ OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: 'public-pkce', OIDC_SECRET: 'shh' });
    const refused = await admin(sso, 'PATCH', '/connections/wandb', {
      oidc: { issuer: 'https://acme.okta.com', clientId: 'public-pkce' },
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      issues: [
        { path: 'oidc.issuer', message: expect.stringContaining('fixed by the environment (OIDC_ISSUER)') },
      ],
    });
  });
});
