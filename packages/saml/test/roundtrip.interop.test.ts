/**
 * A whole SAML login between ssokit and samlify: our AuthnRequest (from our SP metadata) parsed by
 * samlify's IdentityProvider, its signed response validated by us against our request ID.
 */
import { inflateRawSync } from 'node:zlib';
import { memoryStorage } from '@ssokit/storage';
import * as samlify from 'samlify';
import { makeCertificate, type TestKeyPair } from 'ssokit-test-fixtures/keys';
import { ACS_URL, SP_ENTITY_ID } from 'ssokit-test-fixtures/saml-idp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildSpMetadata,
  createAuthnRequest,
  idpSigningKeys,
  parseIdpMetadata,
  validateSamlResponse,
} from '../src/index.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

let idpKeys: TestKeyPair;
let spKeys: TestKeyPair;
beforeAll(async () => {
  [idpKeys, spKeys] = await Promise.all([
    makeCertificate('idp.example.com'),
    makeCertificate('sp.example.com'),
  ]);
}, 30_000);

function makeIdp(wantAuthnRequestsSigned: boolean) {
  return samlify.IdentityProvider({
    entityID: 'https://idp.example.com/metadata',
    privateKey: idpKeys.privateKeyPem,
    signingCert: idpKeys.certificatePem,
    wantAuthnRequestsSigned,
    singleSignOnService: [
      {
        Binding: samlify.Constants.namespace.binding.redirect,
        Location: 'https://idp.example.com/sso/redirect',
      },
      { Binding: samlify.Constants.namespace.binding.post, Location: 'https://idp.example.com/sso/post' },
    ],
  });
}

async function login(binding: 'redirect' | 'post', signed: boolean) {
  const idp = makeIdp(signed);
  // The IdP's own metadata, as an admin would paste it, parsed by ssokit.
  const idpMeta = parseIdpMetadata(idp.getMetadata());
  const spMetadata = buildSpMetadata({
    entityId: SP_ENTITY_ID,
    acsUrl: ACS_URL,
    authnRequestsSigned: signed,
    ...(signed ? { signingCertificate: spKeys.certificatePem } : {}),
  });
  const sp = samlify.ServiceProvider({ metadata: spMetadata });
  const request = createAuthnRequest({
    ssoUrl: (binding === 'redirect' ? idpMeta.sso.redirect : idpMeta.sso.post) as string,
    binding,
    spEntityId: SP_ENTITY_ID,
    acsUrl: ACS_URL,
    relayState: 'tx-123',
    ...(signed
      ? { signing: { privateKeyPem: spKeys.privateKeyPem, certificatePem: spKeys.certificatePem } }
      : {}),
  });
  let parsed: { extract: { request: { id: string } } };
  if (request.binding === 'redirect') {
    const query = Object.fromEntries(request.url.searchParams);
    const octetString = request.url.search.slice(1).split('&Signature=')[0];
    parsed = (await idp.parseLoginRequest(sp, 'redirect', { query, octetString } as never)) as never;
  } else {
    parsed = (await idp.parseLoginRequest(sp, 'post', { body: request.fields } as never)) as never;
  }
  expect(parsed.extract.request.id).toBe(request.id);
  const response = (await idp.createLoginResponse(sp, parsed as never, 'post', {
    email: 'grace@example.com',
  } as never)) as { context: string };
  return validateSamlResponse(response.context, {
    idpEntityId: idpMeta.entityId,
    idpKeys: idpSigningKeys(idpMeta),
    spEntityId: SP_ENTITY_ID,
    acsUrl: ACS_URL,
    requestId: request.id,
    replay: memoryStorage().replay,
  });
}

describe('a whole login with samlify as the IdP', () => {
  it('HTTP-Redirect, unsigned request', async () => {
    await expect(login('redirect', false)).resolves.toMatchObject({ nameId: 'grace@example.com' });
  });

  it('HTTP-Redirect, signed request (SigAlg + Signature), checked by samlify', async () => {
    await expect(login('redirect', true)).resolves.toMatchObject({ nameId: 'grace@example.com' });
  });

  it('HTTP-POST, signed request (enveloped signature), checked by samlify', async () => {
    await expect(login('post', true)).resolves.toMatchObject({ nameId: 'grace@example.com' });
  });

  it('samlify refuses our signed redirect request once tampered', async () => {
    const idp = makeIdp(true);
    const sp = samlify.ServiceProvider({
      metadata: buildSpMetadata({
        entityId: SP_ENTITY_ID,
        acsUrl: ACS_URL,
        authnRequestsSigned: true,
        signingCertificate: spKeys.certificatePem,
      }),
    });
    const request = createAuthnRequest({
      ssoUrl: 'https://idp.example.com/sso/redirect',
      spEntityId: SP_ENTITY_ID,
      acsUrl: ACS_URL,
      relayState: 'a',
      signing: { privateKeyPem: spKeys.privateKeyPem },
    });
    if (request.binding !== 'redirect') throw new Error('redirect expected');
    const query = Object.fromEntries(request.url.searchParams);
    const octetString = request.url.search
      .slice(1)
      .split('&Signature=')[0]
      ?.replace('RelayState=a', 'RelayState=b');
    await expect(
      idp.parseLoginRequest(sp, 'redirect', { query: { ...query, RelayState: 'b' }, octetString } as never),
    ).rejects.toBeTruthy();
  });

  it('builds a request a reader can inflate, with the fields the SP set', () => {
    const request = createAuthnRequest({
      ssoUrl: 'https://idp.example.com/sso?tenant=x',
      spEntityId: 'urn:sp&"x',
      acsUrl: ACS_URL,
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      forceAuthn: true,
    });
    if (request.binding !== 'redirect') throw new Error('redirect expected');
    expect(request.url.searchParams.get('tenant')).toBe('x');
    const xml = inflateRawSync(
      Buffer.from(request.url.searchParams.get('SAMLRequest') as string, 'base64'),
    ).toString();
    expect(xml).toContain(`ID="${request.id}"`);
    expect(xml).toContain('ForceAuthn="true"');
    expect(xml).toContain('<saml:Issuer>urn:sp&amp;&quot;x</saml:Issuer>');
    expect(xml).toContain('Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"');
    expect(request.id).toMatch(/^_[0-9a-f]{40}$/);
  });

  it('renders an auto-posting form with escaped values', () => {
    const request = createAuthnRequest({
      ssoUrl: 'https://idp.example.com/sso',
      binding: 'post',
      spEntityId: SP_ENTITY_ID,
      acsUrl: ACS_URL,
      relayState: '"><script>x</script>',
    });
    if (request.binding !== 'post') throw new Error('post expected');
    expect(request.html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(request.html).not.toContain('"><script>x');
  });
});
