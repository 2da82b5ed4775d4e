/**
 * Invariant family: IdP-initiated SAML logins (a user clicks the app's tile in the IdP's portal) are
 * accepted only for a connection that allows them, only as unsolicited responses (no InResponseTo),
 * only once (the assertion id goes to the replay cache), and land only on a path of this site. A
 * response that answers a request still needs the browser's transaction. Refusals write nothing.
 */
import { memorySnapshot } from '@ssokit/storage/testkit';
import { samlConnection } from 'ssokit-test-fixtures/connections';
import { setCookiePairs, setsSession } from 'ssokit-test-fixtures/http';
import { redirectBindingIdp, unsolicitedResponse } from 'ssokit-test-fixtures/saml-idp';
import { beforeAll, describe, expect, it } from 'vitest';
import { acsPost, testSso } from './helpers.ts';

const BASE = 'https://app.example.com';
const SP = `${BASE}/sso/saml/metadata/portal`;
let idp: Awaited<ReturnType<typeof redirectBindingIdp>>;
beforeAll(async () => {
  idp = await redirectBindingIdp();
});

/** A signed response as a portal sends it: no AuthnRequest, so no InResponseTo anywhere. */
const unsolicited = (options: { inResponseTo?: string } = {}) =>
  unsolicitedResponse(idp, { spEntityId: SP, acsUrl: `${BASE}/sso/saml/acs`, ...options });

async function setup(allowIdpInitiated: boolean) {
  const warnings: string[] = [];
  const { sso, storage } = testSso(BASE, { onWarning: (code) => void warnings.push(code) });
  await storage.connections.create(
    samlConnection(idp.getMetadata(), SP, { name: 'Portal' }, { allowIdpInitiated }),
  );
  const post = (samlResponse: string, relayState?: string, cookie = '') =>
    sso.handle(
      acsPost(
        BASE,
        new URLSearchParams({
          SAMLResponse: samlResponse,
          ...(relayState !== undefined ? { RelayState: relayState } : {}),
        }),
        { accept: 'application/json', cookie },
      ),
    );
  return { sso, storage, post, warnings };
}

describe('IdP-initiated SAML logins', () => {
  it('are accepted for a connection that allows them, land on RelayState, and warn once', async () => {
    const { post, sso, warnings, storage } = await setup(true);
    const response = await post(await unsolicited(), '/models/7');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/models/7');
    expect(setsSession(response)).toBe(true);
    const cookie = setCookiePairs(response).join('; ');
    const session = await sso.getSession(new Request(BASE, { headers: { cookie } }));
    expect(session?.connectionId).toBe((await storage.connections.list())[0]?.id);
    const identity = { issuer: 'https://idp.example.com/metadata', subject: 'ada@example.com' };
    expect((await storage.login.findUserByIdentity(identity))?.id).toBe(session?.user.id);
    await post(await unsolicited(), '/');
    expect(warnings).toEqual(['idp-initiated-login']);
  });

  it('cannot be replayed', async () => {
    const { post, storage } = await setup(true);
    const response = await unsolicited();
    expect((await post(response)).status).toBe(303);
    const before = memorySnapshot(storage);
    const again = await post(response);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: 'saml_replay' });
    expect(setsSession(again)).toBe(false);
    expect(memorySnapshot(storage)).toBe(before);
  });

  it('land only on a path of this site', async () => {
    const { post } = await setup(true);
    for (const relay of ['https://evil.example/', '//evil.example', '/\t/evil.example']) {
      const response = await post(await unsolicited(), relay);
      expect(response.headers.get('location')).toBe('/');
    }
  });

  it('are refused, writing nothing, when the connection does not allow them', async () => {
    const { post, storage } = await setup(false);
    const before = memorySnapshot(storage);
    const response = await post(await unsolicited(), '/');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_state' });
    expect(setsSession(response)).toBe(false);
    expect(memorySnapshot(storage)).toBe(before);
  });

  it('never turn a response to a request into one: without the browser transaction it is refused', async () => {
    const { post, storage } = await setup(true);
    const before = memorySnapshot(storage);
    const response = await post(await unsolicited({ inResponseTo: '_some-request' }), 'key');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_state' });
    expect(memorySnapshot(storage)).toBe(before);
  });

  it('need a valid signature like any other response', async () => {
    const { post, storage } = await setup(true);
    const before = memorySnapshot(storage);
    const xml = Buffer.from(await unsolicited(), 'base64')
      .toString()
      .replace('ada@example.com</saml:NameID>', 'mallory@example.com</saml:NameID>');
    const response = await post(Buffer.from(xml).toString('base64'));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'saml_signature_invalid' });
    expect(memorySnapshot(storage)).toBe(before);
  });

  it('Test Provider judges an unsolicited sample as the ACS would', async () => {
    for (const allowed of [false, true]) {
      const { sso, storage } = await setup(allowed);
      const id = (await storage.connections.list())[0]?.id as string;
      const report = await sso.testConnection(id, { samlResponse: await unsolicited() });
      expect(report.findings.find((f) => f.check === 'sample')?.status, `allowed: ${allowed}`).toBe(
        allowed ? 'ok' : 'error',
      );
    }
  });
});
