/**
 * "Failed logins, explained" and "roles and groups at a glance" (issue 15): logins through sso.handle()
 * against a real OP (oidc-provider) and a samlify IdP, refused at the callback (the IdP's error
 * answer), by the policy (email not verified), at the ACS (a broken signature), and one that succeeds
 * with a group that matched nothing; then `GET /admin/connections/:id/activity` explains each. And
 * recording never breaks or stalls a login: a store that throws or hangs is reported once.
 */
import { isSsoError } from '@ssokit/core';
import type { LoginActivityStore } from '@ssokit/storage';
import * as samlify from 'samlify';
import { oidcConnection, samlConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf } from 'ssokit-test-fixtures/http';
import { startProvider, type TestOp } from 'ssokit-test-fixtures/oidc-provider';
import { answerAuthnRequest, redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_WAIT_MS } from '../src/activity.ts';
import type { Sso } from '../src/index.ts';
import { acsPost, oidcLogin, testSso } from './helpers.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

const BASE = 'http://127.0.0.1:3000';
const CALLBACK = `${BASE}/sso/oidc/callback`;
let op: TestOp;
let idp: ReturnType<typeof samlify.IdentityProvider>;
beforeAll(async () => {
  op = await startProvider({ redirectUris: [CALLBACK] });
  idp = await redirectBindingIdp();
}, 30_000);
afterAll(() => op.close());

/**
 * An app whose one role is `admins` (granted by `local-op`) and whose one app group is `admins`: Ada's
 * IdP groups are admins and ml-engineers, so ml-engineers matches nothing.
 */
async function setup(extra: Record<string, unknown> = {}, options: Parameters<typeof testSso>[1] = {}) {
  const { sso, storage } = testSso(BASE, {
    authorizeAdmin: () => true,
    roles: { roleDefinitions: [{ name: 'admins', grantedBy: ['local-op'] }] },
    ...options,
  });
  await storage.groups.create({ id: 'g-admins', name: 'admins' });
  const connection = await storage.connections.create(
    oidcConnection(op.issuer, {
      id: 'local-op',
      groupSync: { enabled: true, removeRevoked: true },
      ...extra,
    }),
  );
  return { sso, storage, connection };
}

/** The admin API's view of a connection's activity. */
async function activityOf(sso: Sso, id: string, query = '') {
  const response = await sso.handle(new Request(`${BASE}/sso/admin/connections/${id}/activity${query}`));
  return { status: response.status, text: await response.clone().text(), body: await response.json() };
}

/** A login started at `id`, answered by the IdP with `error=` (as when the user is not assigned). */
async function refusedByIdp(sso: Sso, id: string, description: string) {
  const start = await sso.handle(new Request(`${BASE}/sso/login/${id}`));
  const state = new URL(start.headers.get('location') as string).searchParams.get('state') as string;
  const params = new URLSearchParams({ error: 'access_denied', error_description: description, state });
  return sso.handle(
    new Request(`${CALLBACK}?${params}`, {
      headers: { cookie: cookiesOf(start).join('; '), accept: 'application/json' },
    }),
  );
}

describe('login activity through sso.handle', () => {
  it('explains refusals at the callback and by the policy, and lists a group that matched nothing', async () => {
    const { sso, connection } = await setup();
    const idpRefused = await refusedByIdp(sso, connection.id, 'The user is not assigned to this application');
    expect(idpRefused.status).toBe(403);
    expect((await oidcLogin(sso, BASE, connection.id)).response.status).toBe(303);

    const strict = await setup({
      id: 'strict-op',
      name: 'Strict OP',
      provisioning: { requireVerifiedEmail: true },
      claimMapping: { emailVerified: 'email_checked_by_hr' },
    });
    expect((await oidcLogin(strict.sso, BASE, 'strict-op')).response.status).toBe(403);

    const { status, body } = await activityOf(sso, connection.id);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      connectionId: 'local-op',
      recording: true,
      retention: { maxEntries: 100, maxAgeMs: 30 * 24 * 60 * 60 * 1000 },
      failures: [
        {
          at: expect.any(String),
          step: 'response',
          code: 'idp_error',
          // The IdP's words came through the browser: anyone can send them, so they are not kept.
          message: expect.stringContaining('Its text is not kept'),
          fix: expect.stringContaining('Run a test login'),
        },
      ],
      unmatchedGroups: [{ group: 'ml-engineers', count: 1, lastSeen: expect.any(String) }],
    });
    const policy = (await activityOf(strict.sso, 'strict-op')).body;
    expect(policy.failures).toEqual([
      expect.objectContaining({
        step: 'mapping',
        code: 'email_not_verified',
        fix: expect.stringContaining('Have the IdP send email_verified'),
      }),
    ]);
    // Ada's groups: admins matched a role and an app group; only ml-engineers is listed, per login.
    expect((await oidcLogin(strict.sso, BASE, 'strict-op')).response.status).toBe(403);
    expect((await oidcLogin(sso, BASE, connection.id)).response.status).toBe(303);
    expect((await activityOf(sso, connection.id)).body.unmatchedGroups).toEqual([
      { group: 'ml-engineers', count: 2, lastSeen: expect.any(String) },
    ]);
    expect((await activityOf(strict.sso, 'strict-op', '?limit=1')).body.failures).toHaveLength(1);
  });

  it('explains a SAML response whose signature does not verify, at the response step', async () => {
    const { sso, storage } = testSso(BASE, { authorizeAdmin: () => true });
    const connection = await storage.connections.create(
      samlConnection(idp.getMetadata(), `${BASE}/sso/saml/metadata/duo`, { name: 'Duo', provider: 'duo' }),
    );
    const metadata = await (
      await sso.handle(new Request(`${BASE}/sso/saml/metadata/${connection.id}`))
    ).text();
    const sp = samlify.ServiceProvider({ metadata });
    const login = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
    const form = await answerAuthnRequest(idp, sp, new URL(login.headers.get('location') as string), {
      email: 'grace@example.com',
    });
    const xml = Buffer.from(form.get('SAMLResponse') as string, 'base64')
      .toString()
      .replace('grace@example.com</saml:NameID>', 'mallory@evil.example.com</saml:NameID>');
    form.set('SAMLResponse', Buffer.from(xml).toString('base64'));
    const acs = await sso.handle(acsPost(BASE, form, { cookie: cookiesOf(login).join('; ') }));
    expect(acs.status).toBe(401);
    const { body, text } = await activityOf(sso, connection.id);
    expect(body.failures).toEqual([
      expect.objectContaining({
        step: 'response',
        code: 'saml_signature_invalid',
        fix: "Check that the IdP's signing certificate in the metadata is current.",
      }),
    ]);
    // Nothing of the response itself: not its base64, not its XML, not the person.
    const secrets = [
      (form.get('SAMLResponse') as string).slice(0, 40),
      '<saml:',
      'SignatureValue',
      'mallory',
      'grace',
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('answers for a connection only, GET only, and says when the storage records nothing', async () => {
    const { sso, connection, storage } = await setup();
    expect((await activityOf(sso, 'no-such-connection')).status).toBe(404);
    expect((await activityOf(sso, connection.id, '?limit=0')).body).toMatchObject({
      error: 'invalid_request',
    });
    expect((await activityOf(sso, connection.id, '?limit=abc')).status).toBe(400);
    const post = await sso.handle(
      new Request(`${BASE}/sso/admin/connections/${connection.id}/activity`, { method: 'POST' }),
    );
    expect(post.status).toBe(405);
    const refusing = testSso(BASE, { authorizeAdmin: () => false }).sso;
    expect((await activityOf(refusing, connection.id)).status).toBe(403);
    storage.loginActivity = undefined;
    expect((await activityOf(sso, connection.id)).body).toEqual({
      connectionId: 'local-op',
      recording: false,
      retention: null,
      failures: [],
      unmatchedGroups: [],
    });
    expect((await oidcLogin(sso, BASE, connection.id)).response.status).toBe(303);
  });
});

describe('recording never breaks or stalls a login', () => {
  const failingStore = (record: LoginActivityStore['record']): LoginActivityStore => ({
    record,
    list: async () => [],
  });

  it('a store that throws: logins succeed and are refused as before, and onError hears of it once', async () => {
    const errors: unknown[] = [];
    const { sso, storage, connection } = await setup({}, { onError: (error) => void errors.push(error) });
    storage.loginActivity = failingStore(async () => {
      throw new Error('activity store down');
    });
    expect((await oidcLogin(sso, BASE, connection.id)).response.status).toBe(303);
    expect((await refusedByIdp(sso, connection.id, 'no')).status).toBe(403);
    expect((await oidcLogin(sso, BASE, connection.id)).response.status).toBe(303);
    const reported = errors.filter((e) => isSsoError(e) && e.details?.reason === 'login_activity');
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ code: 'storage_failure' });
  });

  it(`a store that never answers holds a login up for at most ${RECORD_WAIT_MS} ms`, async () => {
    const errors: unknown[] = [];
    const { sso, storage, connection } = await setup({}, { onError: (error) => void errors.push(error) });
    storage.loginActivity = failingStore(() => new Promise(() => {}));
    const started = Date.now();
    const refused = await refusedByIdp(sso, connection.id, 'no');
    expect(refused.status).toBe(403);
    expect(Date.now() - started).toBeLessThan(RECORD_WAIT_MS + 1000);
    expect((await oidcLogin(sso, BASE, connection.id)).response.status).toBe(303);
    expect(errors.filter((e) => isSsoError(e, 'storage_unavailable'))).toHaveLength(1);
  });
});
