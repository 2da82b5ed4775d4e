/**
 * A whole SAML login through sso.handle(): our AuthnRequest (HTTP-Redirect) to samlify's IdP, which
 * reads our SP metadata from the /saml/metadata route, and its signed response posted to the ACS.
 */
import { memoryRawReader } from '@ssokit/storage/testkit';
import * as samlify from 'samlify';
import { samlConnection } from 'ssokit-test-fixtures/connections';
import { cookiesOf, sessionCookiesOf } from 'ssokit-test-fixtures/http';
import { makeCertificate } from 'ssokit-test-fixtures/keys';
import { answerAuthnRequest, redirectBindingIdp } from 'ssokit-test-fixtures/saml-idp';
import { beforeAll, describe, expect, it } from 'vitest';
import { acsPost, testSso } from './helpers.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

const BASE = 'http://127.0.0.1:3000';
let idp: ReturnType<typeof samlify.IdentityProvider>;
beforeAll(async () => {
  idp = await redirectBindingIdp();
}, 30_000);

async function setup() {
  const { sso, storage } = testSso(BASE);
  const connection = await storage.connections.create(
    samlConnection(idp.getMetadata(), `${BASE}/sso/saml/metadata/duo`, { name: 'Duo', provider: 'duo' }),
  );
  // The IdP admin imports our SP metadata from the route.
  const metadata = await (await sso.handle(new Request(`${BASE}/sso/saml/metadata/${connection.id}`))).text();
  const sp = samlify.ServiceProvider({ metadata });
  return { storage, sso, connection, sp, raw: memoryRawReader(storage) };
}

/** The IdP's answer for Grace to the AuthnRequest at `location`: the form her browser posts to the ACS. */
const idpAnswers = (sp: ReturnType<typeof samlify.ServiceProvider>, location: string) =>
  answerAuthnRequest(idp, sp, new URL(location), { email: 'grace@example.com' });

describe('a SAML login through sso.handle', () => {
  it('logs in through the ACS, with the NameID as identity', async () => {
    const { sso, connection, sp, raw } = await setup();
    const login = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}?returnTo=/models`));
    expect(login.status).toBe(302);
    const form = await idpAnswers(sp, login.headers.get('location') as string);
    const acs = await sso.handle(acsPost(BASE, form, { cookie: cookiesOf(login).join('; ') }));
    expect(acs.status).toBe(303);
    expect(acs.headers.get('location')).toBe('/models');
    const session = await sso.getSession(
      new Request(BASE, { headers: { cookie: sessionCookiesOf(acs).join('; ') } }),
    );
    expect(session?.connectionId).toBe(connection.id);
    expect(await raw.userCount()).toBe(1);
  });

  it('decrypts an encrypted assertion with the SP key, and signs the AuthnRequest when asked', async () => {
    const spKeys = await makeCertificate('app.example.com');
    const idpKeys = await makeCertificate('idp.example.com');
    const encryptingIdp = samlify.IdentityProvider({
      entityID: 'https://idp.example.com/metadata',
      privateKey: idpKeys.privateKeyPem,
      signingCert: idpKeys.certificatePem,
      isAssertionEncrypted: true,
      dataEncryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
      keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
      singleSignOnService: [
        { Binding: samlify.Constants.namespace.binding.redirect, Location: 'https://idp.example.com/sso' },
      ],
    } as never);
    const { sso, storage } = testSso(BASE);
    const connection = await storage.connections.create(
      samlConnection(
        encryptingIdp.getMetadata(),
        `${BASE}/sso/saml/metadata/enc`,
        { name: 'Encrypted' },
        { signRequests: true, spPrivateKey: spKeys.privateKeyPem, spCertificate: spKeys.certificatePem },
      ),
    );
    const metadata = await (
      await sso.handle(new Request(`${BASE}/sso/saml/metadata/${connection.id}`))
    ).text();
    expect(metadata).toContain('use="encryption"');
    const sp = samlify.ServiceProvider({ metadata });
    const login = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
    const location = new URL(login.headers.get('location') as string);
    expect(location.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(location.searchParams.get('Signature')).toBeTruthy();
    const form = await answerAuthnRequest(
      encryptingIdp,
      sp,
      location,
      { email: 'grace@example.com' },
      { encryptThenSign: true },
    );
    expect(Buffer.from(form.get('SAMLResponse') as string, 'base64').toString()).toContain(
      'EncryptedAssertion',
    );
    const acs = await sso.handle(acsPost(BASE, form, { cookie: cookiesOf(login).join('; ') }));
    expect(acs.status).toBe(303);
    expect(await memoryRawReader(storage).userCount()).toBe(1);
    expect(
      await storage.login.findUserByIdentity({
        issuer: 'https://idp.example.com/metadata',
        subject: 'grace@example.com',
      }),
    ).toMatchObject({ status: 'active' });
  });

  it('refuses a replayed response and a response from another login, writing nothing more', async () => {
    const { sso, connection, sp, raw } = await setup();
    const login = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
    const form = await idpAnswers(sp, login.headers.get('location') as string);
    const post = (body: URLSearchParams, cookie: string) =>
      sso.handle(acsPost(BASE, body, { accept: 'application/json', cookie }));
    const other = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
    const crossed = await post(form, cookiesOf(other).join('; '));
    expect(crossed.status).toBe(400);
    expect(await crossed.json()).toMatchObject({ error: 'invalid_state' });
    expect((await post(form, cookiesOf(login).join('; '))).status).toBe(303);
    const replay = await post(form, cookiesOf(login).join('; '));
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'transaction_expired' });
    expect(await raw.userCount()).toBe(1);
  });

  it('refuses a tampered response with saml_signature_invalid and no user', async () => {
    const { sso, connection, sp, raw } = await setup();
    const login = await sso.handle(new Request(`${BASE}/sso/login/${connection.id}`));
    const form = await idpAnswers(sp, login.headers.get('location') as string);
    const xml = Buffer.from(form.get('SAMLResponse') as string, 'base64')
      .toString()
      .replace('grace@example.com</saml:NameID>', 'mallory@evil.example.com</saml:NameID>');
    form.set('SAMLResponse', Buffer.from(xml).toString('base64'));
    const response = await sso.handle(
      acsPost(BASE, form, { accept: 'application/json', cookie: cookiesOf(login).join('; ') }),
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'saml_signature_invalid' });
    expect(await raw.userCount()).toBe(0);
  });
});
