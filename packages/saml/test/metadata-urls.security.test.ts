/**
 * Invariant family: every IdP URL is https, or plain http on a loopback host (core's `checkIdpUrl`),
 * the SSO and SLO endpoints too. The browser carries the SAMLRequest and its RelayState (the
 * transaction key) there, and the HTTP-POST page puts the SSO endpoint in a form's action: metadata
 * whose HTTP-Redirect or HTTP-POST SingleSignOnService or SingleLogoutService Location is plain http
 * elsewhere, `javascript:`, `data:` or relative is refused whole (a `ConfigError` naming the element,
 * its binding and the URL), and so is a stored descriptor with such an SSO or SLO URL.
 */
import { allowInsecureRequests, ConfigError, customFetch, type SamlIdpDescriptor } from '@ssokit/core';
import { makeCertificate } from 'ssokit-test-fixtures/keys';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIdpMetadataCache, idpMetadataFromDescriptor, parseIdpMetadata } from '../src/index.ts';

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const SOAP = 'urn:oasis:names:tc:SAML:2.0:bindings:SOAP';

let certificate: string;
beforeAll(async () => {
  certificate = (await makeCertificate('idp.example.com')).certificateBase64;
}, 30_000);

/** IdP metadata with these SingleSignOnService and SingleLogoutService endpoints. */
function metadata(sso: [binding: string, location: string][], slo: [string, string][] = []): string {
  const endpoint =
    (name: string) =>
    ([binding, location]: [string, string]) =>
      `<md:${name} Binding="${binding}" Location="${location.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"/>`;
  return (
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/metadata">' +
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    slo.map(endpoint('SingleLogoutService')).join('') +
    sso.map(endpoint('SingleSignOnService')).join('') +
    '</md:IDPSSODescriptor></md:EntityDescriptor>'
  );
}

/** The ConfigError `run` throws. */
function refusal(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseIdpMetadata refuses SSO and SLO endpoints that are not https', () => {
  const cases: [what: string, binding: string, location: string, problem: RegExp][] = [
    ['plain http off loopback', POST, 'http://idp.example.com/sso', /must use https/],
    ['javascript:', POST, 'javascript:alert(document.domain)//', /is not an http\(s\) URL/],
    ['data:', REDIRECT, 'data:text/html,hi', /is not an http\(s\) URL/],
    ['a relative URL', REDIRECT, '/sso', /is not an absolute URL/],
  ];
  it.each(cases)('a SingleSignOnService Location that is %s', (_what, binding, location, problem) => {
    const error = refusal(() => parseIdpMetadata(metadata([[binding, location]])));
    expect(error.code).toBe('config_invalid');
    expect(error.issues).toHaveLength(1);
    const [issue] = error.issues;
    expect(issue?.path).toBe('saml.idpMetadataXml');
    const name = binding === POST ? 'HTTP-POST' : 'HTTP-Redirect';
    expect(issue?.message).toContain(`the SingleSignOnService (${name}) Location "${location}"`);
    expect(issue?.message).toMatch(problem);
    expect(issue?.message).toContain("The IdP's metadata must use https endpoints.");
  });

  it('a SingleLogoutService Location that is javascript:, though the SSO endpoint is fine', () => {
    const error = refusal(() =>
      parseIdpMetadata(
        metadata([[POST, 'https://idp.example.com/sso']], [[REDIRECT, 'javascript:alert(1)']]),
      ),
    );
    expect(error.issues).toEqual([
      {
        path: 'saml.idpMetadataXml',
        message: expect.stringContaining(
          'the SingleLogoutService (HTTP-Redirect) Location "javascript:alert(1)" is not an http(s) URL.',
        ),
      },
    ]);
  });

  it('a bad endpoint is not half-accepted: a good one of the other binding does not save the document', () => {
    const error = refusal(() =>
      parseIdpMetadata(
        metadata([
          [REDIRECT, 'https://idp.example.com/sso'],
          [POST, 'javascript:alert(1)'],
        ]),
      ),
    );
    expect(error.message).toContain('SingleSignOnService (HTTP-POST)');
  });

  it('names every bad endpoint at once, and a long URL only by its start', () => {
    const long = `data:text/html,${'a'.repeat(5000)}`;
    const error = refusal(() =>
      parseIdpMetadata(metadata([[POST, long]], [[POST, 'http://idp.example.com/slo']])),
    );
    expect(error.issues.map((i) => i.message.split(' Location')[0])).toEqual([
      'the SingleSignOnService (HTTP-POST)',
      'the SingleLogoutService (HTTP-POST)',
    ]);
    expect(error.message.length).toBeLessThan(1000);
  });

  it('accepts https, and plain http on a loopback host (development IdPs)', () => {
    for (const base of ['https://idp.example.com', 'http://localhost:8080', 'http://127.0.0.1:8080']) {
      const idp = parseIdpMetadata(metadata([[REDIRECT, `${base}/sso`]], [[REDIRECT, `${base}/slo`]]));
      expect(idp.sso.redirect).toBe(`${base}/sso`);
      expect(idp.slo.redirect).toBe(`${base}/slo`);
    }
  });

  it('does not judge endpoints of bindings ssokit never uses (SOAP)', () => {
    const idp = parseIdpMetadata(
      metadata([
        [SOAP, 'http://idp.example.com/soap'],
        [POST, 'https://idp.example.com/sso'],
      ]),
    );
    expect(idp.sso).toEqual({ post: 'https://idp.example.com/sso' });
  });

  it('allowInsecureRequests lets plain http through, with a warning, but never javascript:', () => {
    const warnings: string[] = [];
    const onWarning = (code: string) => void warnings.push(code);
    const idp = parseIdpMetadata(metadata([[POST, 'http://idp.internal/sso']]), {
      [allowInsecureRequests]: true,
      onWarning,
    });
    expect(idp.sso.post).toBe('http://idp.internal/sso');
    expect(warnings).toEqual(['insecure-http']);
    refusal(() =>
      parseIdpMetadata(metadata([[POST, 'javascript:alert(1)']]), { [allowInsecureRequests]: true }),
    );
  });

  it('metadata downloaded through the cache is checked the same, with its escape hatch', async () => {
    const xml = metadata([[POST, 'http://idp.internal/sso']]);
    const serve = async () => new Response(xml, { status: 200 });
    await expect(
      createIdpMetadataCache({ [customFetch]: serve }).get('https://idp.example.com/metadata'),
    ).rejects.toThrow(
      /SingleSignOnService \(HTTP-POST\) Location "http:\/\/idp\.internal\/sso" must use https/,
    );
    const insecure = createIdpMetadataCache({ [customFetch]: serve, [allowInsecureRequests]: true });
    expect((await insecure.get('https://idp.example.com/metadata')).sso.post).toBe('http://idp.internal/sso');
  });
});

describe('idpMetadataFromDescriptor refuses SSO and SLO URLs that are not https', () => {
  const descriptor = (urls: Partial<SamlIdpDescriptor>): SamlIdpDescriptor => ({
    entityId: 'https://idp.example.com/metadata',
    ssoUrl: 'https://idp.example.com/sso',
    certificates: [certificate],
    ...urls,
  });

  it.each([
    ['ssoUrl', 'javascript:alert(document.domain)//'],
    ['ssoUrl', 'http://idp.example.com/sso'],
    ['ssoUrl', 'data:text/html,hi'],
    ['ssoUrl', 'sso'],
    ['sloUrl', 'javascript:alert(1)'],
    ['sloUrl', 'http://idp.example.com/slo'],
  ])('%s %s', (field, url) => {
    const error = refusal(() => idpMetadataFromDescriptor(descriptor({ [field]: url })));
    expect(error.issues).toEqual([
      {
        path: `saml.idp.${field}`,
        message: expect.stringContaining(`the ${field === 'ssoUrl' ? 'SSO' : 'SLO'} URL "${url}"`),
      },
    ]);
    expect(error.message).toContain("The IdP's SSO and SLO URLs must use https.");
  });

  it('accepts https and plain http on loopback; allowInsecureRequests lets http through', () => {
    expect(
      idpMetadataFromDescriptor(
        descriptor({ ssoUrl: 'http://localhost:8080/sso', sloUrl: 'http://[::1]:8080/slo' }),
      ),
    ).toMatchObject({
      sso: { redirect: 'http://localhost:8080/sso' },
      slo: { redirect: 'http://[::1]:8080/slo' },
    });
    expect(
      idpMetadataFromDescriptor(descriptor({ ssoUrl: 'http://idp.internal/sso' }), {
        [allowInsecureRequests]: true,
      }).sso.redirect,
    ).toBe('http://idp.internal/sso');
  });
});
