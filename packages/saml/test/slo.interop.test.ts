/**
 * Single Logout with samlify in both directions, over the HTTP-Redirect binding.
 */
import { sign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { SsoError } from '@ssokit/core';
import * as samlify from 'samlify';
import { makeCertificate, type TestKeyPair } from 'ssokit-test-fixtures/keys';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildSpMetadata,
  createLogoutRequest,
  createLogoutResponse,
  type LogoutExpectations,
  validateLogoutRequest,
  validateLogoutResponse,
} from '../src/index.ts';
import { idpKeysFor } from './helpers/idp-keys.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

const IDP = 'https://idp.example.com/metadata';
const IDP_SLO = 'https://idp.example.com/slo';
const SP = 'https://app.example.com/sso/saml/metadata/c1';
const SP_SLO = 'https://app.example.com/sso/saml/slo';
let idpKeys: TestKeyPair;
let spKeys: TestKeyPair;
let idp: ReturnType<typeof samlify.IdentityProvider>;
let sp: ReturnType<typeof samlify.ServiceProvider>;

beforeAll(async () => {
  [idpKeys, spKeys] = await Promise.all([
    makeCertificate('idp.example.com'),
    makeCertificate('sp.example.com'),
  ]);
  idp = samlify.IdentityProvider({
    entityID: IDP,
    privateKey: idpKeys.privateKeyPem,
    signingCert: idpKeys.certificatePem,
    wantLogoutRequestSigned: true,
    singleSignOnService: [
      { Binding: samlify.Constants.namespace.binding.redirect, Location: 'https://idp.example.com/sso' },
    ],
    singleLogoutService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: IDP_SLO }],
  } as never);
  sp = samlify.ServiceProvider({
    metadata: buildSpMetadata({
      entityId: SP,
      acsUrl: 'https://app.example.com/sso/saml/acs',
      sloUrl: SP_SLO,
      authnRequestsSigned: true,
      signingCertificate: spKeys.certificatePem,
    }),
    wantLogoutRequestSigned: true,
    wantLogoutResponseSigned: true,
  } as never);
}, 30_000);

const expectations = (overrides: Partial<LogoutExpectations> = {}): LogoutExpectations => ({
  idpEntityId: IDP,
  idpKeys: idpKeysFor(idpKeys.certificateBase64),
  sloUrl: SP_SLO,
  ...overrides,
});
const queryOf = (url: string) => new URL(url).search;

describe('SP-initiated logout', () => {
  it('samlify accepts our signed LogoutRequest, and we accept its signed LogoutResponse', async () => {
    const request = createLogoutRequest({
      sloUrl: IDP_SLO,
      spEntityId: SP,
      nameId: 'ada@example.com',
      sessionIndex: '_s1',
      relayState: 'back-to-/home',
      signing: { privateKeyPem: spKeys.privateKeyPem },
    });
    const parsed = (await idp.parseLogoutRequest(sp, 'redirect', {
      query: Object.fromEntries(request.url.searchParams),
      octetString: request.url.search.slice(1).split('&Signature=')[0],
    } as never)) as unknown as { extract: { nameID: string; request: { id: string } } };
    expect(parsed.extract.nameID).toBe('ada@example.com');
    expect(parsed.extract.request.id).toBe(request.id);
    const answer = idp.createLogoutResponse(sp, parsed as never, 'redirect', 'back-to-/home') as unknown as {
      context: string;
    };
    expect(answer.context).toContain('Signature=');
    expect(validateLogoutResponse(queryOf(answer.context), request.id, expectations())).toEqual({
      relayState: 'back-to-/home',
    });
    expect(() => validateLogoutResponse(queryOf(answer.context), '_another-request', expectations())).toThrow(
      expect.objectContaining({ code: 'saml_invalid' }),
    );
  });
});

describe('IdP-initiated logout', () => {
  async function incoming() {
    const request = idp.createLogoutRequest(sp, 'redirect', {
      logoutNameID: 'ada@example.com',
      sessionIndex: '_s1',
    } as never) as unknown as { context: string };
    return queryOf(request.context);
  }

  it("validates samlify's signed LogoutRequest and answers with a LogoutResponse samlify accepts", async () => {
    const query = await incoming();
    const request = validateLogoutRequest(query, expectations());
    expect(request.nameId).toBe('ada@example.com');
    const answer = createLogoutResponse({
      sloUrl: IDP_SLO,
      spEntityId: SP,
      inResponseTo: request.id,
      signing: { privateKeyPem: spKeys.privateKeyPem },
    });
    const parsed = (await idp.parseLogoutResponse(sp, 'redirect', {
      query: Object.fromEntries(answer.searchParams),
      octetString: answer.search.slice(1).split('&Signature=')[0],
    } as never)) as unknown as { extract: { response: { inResponseTo: string } } };
    expect(parsed.extract.response.inResponseTo).toBe(request.id);
  });

  it('refuses it unsigned, tampered, from another IdP, or signed with another key', async () => {
    const query = await incoming();
    const unsigned = query.replace(/&SigAlg=[^&]*&Signature=[^&]*/, '');
    expect(() => validateLogoutRequest(unsigned, expectations())).toThrow(
      expect.objectContaining({ code: 'saml_signature_invalid', details: { reason: 'unsigned' } }),
    );
    const other = await makeCertificate('other.example.com');
    expect(() =>
      validateLogoutRequest(query, expectations({ idpKeys: idpKeysFor(other.certificateBase64) })),
    ).toThrow(expect.objectContaining({ code: 'saml_signature_invalid', details: { reason: 'signature' } }));
    expect(() =>
      validateLogoutRequest(query, expectations({ idpEntityId: 'https://other-idp.example.com' })),
    ).toThrow(expect.objectContaining({ code: 'saml_invalid', details: { reason: 'issuer' } }));
    const forged = `?SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from('<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>')).toString('base64'))}${query.slice(query.indexOf('&SigAlg'))}`;
    expect(() => validateLogoutRequest(forged, expectations())).toThrow(
      expect.objectContaining({ code: 'saml_signature_invalid' }),
    );
  });

  it('refuses a deflate bomb and a non-logout message', () => {
    const bomb = deflateRawSync(Buffer.alloc(10 * 1024 * 1024, 0x20)).toString('base64');
    expect(() =>
      validateLogoutRequest(
        `?SAMLRequest=${encodeURIComponent(bomb)}`,
        expectations({ requireSignature: false }),
      ),
    ).toThrow(expect.objectContaining({ code: 'saml_invalid', details: { reason: 'inflate' } }));
    const notLogout = deflateRawSync(
      Buffer.from('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'),
    ).toString('base64');
    const error = (() => {
      try {
        validateLogoutRequest(
          `?SAMLRequest=${encodeURIComponent(notLogout)}`,
          expectations({ requireSignature: false }),
        );
      } catch (e) {
        return e as SsoError;
      }
    })();
    expect(error?.details?.reason).toBe('not_logout_request');
  });
});

describe('strict protocol reading: Version="2.0" (saml-core §3.2.1, §3.2.2)', () => {
  const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
  /** `xml` over the HTTP-Redirect binding, signed with the IdP's key: the raw query the SP receives. */
  const signedQuery = (param: 'SAMLRequest' | 'SAMLResponse', xml: string) => {
    const octets = `${param}=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
    const signature = sign('sha256', Buffer.from(octets), idpKeys.privateKeyPem).toString('base64');
    return `?${octets}&Signature=${encodeURIComponent(signature)}`;
  };
  const NS =
    'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"';
  const logoutRequest = (version: string) =>
    `<samlp:LogoutRequest ${NS} ID="_lr-1"${version} IssueInstant="${new Date().toISOString()}" Destination="${SP_SLO}"><saml:Issuer>${IDP}</saml:Issuer><saml:NameID>ada@example.com</saml:NameID></samlp:LogoutRequest>`;
  const logoutResponse = (version: string) =>
    `<samlp:LogoutResponse ${NS} ID="_lo-1"${version} IssueInstant="${new Date().toISOString()}" Destination="${SP_SLO}" InResponseTo="_req-1"><saml:Issuer>${IDP}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>`;
  const refusedWith = (reason: string) =>
    expect.objectContaining({ code: 'saml_invalid', details: { reason } }) as unknown as Error;

  it('refuses a signed LogoutRequest without Version="2.0"', () => {
    expect(
      validateLogoutRequest(signedQuery('SAMLRequest', logoutRequest(' Version="2.0"')), expectations()).id,
    ).toBe('_lr-1');
    for (const version of ['', ' Version="1.1"', ' Version="2"']) {
      expect(() =>
        validateLogoutRequest(signedQuery('SAMLRequest', logoutRequest(version)), expectations()),
      ).toThrow(refusedWith('version'));
    }
  });

  it('refuses a signed LogoutResponse without Version="2.0"', () => {
    expect(
      validateLogoutResponse(
        signedQuery('SAMLResponse', logoutResponse(' Version="2.0"')),
        '_req-1',
        expectations(),
      ),
    ).toEqual({});
    for (const version of ['', ' Version="3.0"']) {
      expect(() =>
        validateLogoutResponse(
          signedQuery('SAMLResponse', logoutResponse(version)),
          '_req-1',
          expectations(),
        ),
      ).toThrow(refusedWith('version'));
    }
  });
});

describe('an IdP-initiated LogoutRequest must be fresh and addressed here (replayed logout URLs)', () => {
  const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
  const signedQuery = (xml: string) => {
    const octets = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
    const signature = sign('sha256', Buffer.from(octets), idpKeys.privateKeyPem).toString('base64');
    return `?${octets}&Signature=${encodeURIComponent(signature)}`;
  };
  const request = (attributes: string) =>
    `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_lr-2" Version="2.0"${attributes}><saml:Issuer>${IDP}</saml:Issuer><saml:NameID>ada@example.com</saml:NameID></samlp:LogoutRequest>`;
  const at = (offsetSec: number) => new Date(Date.now() + offsetSec * 1000).toISOString();
  const reason = (query: string, overrides: Partial<LogoutExpectations> = {}) => {
    try {
      validateLogoutRequest(query, expectations(overrides));
      return 'accepted';
    } catch (error) {
      return (error as SsoError).details?.reason;
    }
  };

  it('accepts one issued now, addressed to this SLO URL', () => {
    expect(reason(signedQuery(request(` IssueInstant="${at(0)}" Destination="${SP_SLO}"`)))).toBe('accepted');
  });

  it('refuses one without Destination, or addressed elsewhere', () => {
    expect(reason(signedQuery(request(` IssueInstant="${at(0)}"`)))).toBe('destination');
    expect(
      reason(signedQuery(request(` IssueInstant="${at(0)}" Destination="https://other.example/slo"`))),
    ).toBe('destination');
  });

  it('refuses one without a valid IssueInstant, from the future, or older than maxLogoutRequestAgeSec', () => {
    expect(reason(signedQuery(request(` Destination="${SP_SLO}"`)))).toBe('issue_instant');
    expect(reason(signedQuery(request(` IssueInstant="yesterday" Destination="${SP_SLO}"`)))).toBe(
      'issue_instant',
    );
    expect(reason(signedQuery(request(` IssueInstant="${at(600)}" Destination="${SP_SLO}"`)))).toBe(
      'issue_instant',
    );
    const old = signedQuery(request(` IssueInstant="${at(-600)}" Destination="${SP_SLO}"`));
    expect(reason(old)).toBe('expired');
    expect(reason(old, { maxLogoutRequestAgeSec: 900 })).toBe('accepted');
  });
});
