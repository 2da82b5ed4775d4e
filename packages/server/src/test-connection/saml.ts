/**
 * Test Provider for SAML connections: metadata, endpoints, certificates and their keys, SP keys and
 * clock; and the preview of a sample SAMLResponse, judged exactly as the ACS would judge it.
 *
 * @module
 */

import { now as nowSymbol, type SamlConnection } from '@ssokit/core';
import {
  checkSpKeyPair,
  type IdpMetadata,
  peekSamlResponse,
  type SamlResponsePeek,
  validateSamlResponse,
} from '@ssokit/saml';
import { certificateValidity } from '../admin-expiry.ts';
import type { SsoContext } from '../context.ts';
import { idpOf, responseExpectations } from '../saml-flow/idp.ts';
import { authnBinding } from '../saml-flow/login.ts';
import { expiryFinding } from './expiry.ts';
import { mappingPreview } from './preview.ts';
import { clockFinding, probeUrl } from './probe.ts';
import { type Add, fixFor, type MappingPreview, messageOf, type TestSample } from './report.ts';

/** Runs the SAML checks; returns the IdP's metadata when it could be read. */
export async function testSaml(
  c: SamlConnection,
  ctx: SsoContext,
  add: Add,
): Promise<IdpMetadata | undefined> {
  const saml = c.saml;
  let idp: IdpMetadata;
  try {
    idp = await idpOf(ctx, c, true);
  } catch (error) {
    add('metadata', 'error', messageOf(error), 'Paste the IdP metadata XML again, or check its URL.');
    return undefined;
  }
  add('metadata', 'ok', `The IdP metadata is valid; its entity id is "${idp.entityId}".`);
  if (idp.expired)
    add(
      'metadata',
      'warning',
      'The IdP metadata is past its validUntil.',
      'Download fresh metadata from the IdP.',
    );
  let endpoint: ReturnType<typeof authnBinding> | undefined;
  try {
    endpoint = authnBinding(c, idp);
  } catch (error) {
    add(
      'endpoint.sso',
      'error',
      messageOf(error),
      'Enable HTTP-Redirect or HTTP-POST for SingleSignOnService at the IdP, or set "authnRequestBinding" to a binding its metadata lists.',
    );
  }
  if (endpoint) {
    const { binding, ssoUrl } = endpoint;
    const via = binding === 'post' ? 'HTTP-POST (a page posts the request)' : 'HTTP-Redirect';
    const probe = await probeUrl(ssoUrl, { method: 'GET' }, ctx);
    if (probe.error)
      add(
        'endpoint.sso',
        'warning',
        `Sign-ins go to ${ssoUrl} over ${via}; it did not answer from this server: ${probe.error}.`,
        'Browsers reach the IdP, not this server, so this may be fine behind a firewall.',
      );
    else
      add('endpoint.sso', 'ok', `Sign-ins go to ${ssoUrl} over ${via}; it answers (HTTP ${probe.status}).`);
    clockFinding(
      probe.date === undefined ? undefined : Math.round((probe.date - ctx.clock()) / 1000),
      120,
      add,
    );
  }
  if (!idp.slo.redirect && !idp.slo.post)
    add('logout', 'ok', 'The IdP offers no Single Logout: logout ends the app session only.');

  const nowMs = ctx.clock();
  for (const cert of idp.signingCertificates) {
    const name = `${cert.subject.replace(/\n/g, ', ')} (SHA-256 ${cert.fingerprint256.slice(0, 23)}…)`;
    expiryFinding(
      add,
      {
        check: 'certificate',
        what: `The signing certificate ${name}`,
        notAfter: cert.notAfter,
        notBefore: cert.notBefore,
        fixExpired: 'Get the current certificate from the IdP metadata.',
        fixSoon: 'Plan the rotation: add the new certificate before this one expires.',
      },
      nowMs,
    );
    if (cert.keyProblem)
      add(
        'certificate',
        'error',
        `The signing key of ${name} is ${cert.keyProblem}.`,
        'Have the IdP sign with an RSA key of 2048 bits or more, or an EC key.',
      );
  }
  if (saml.signRequests && !saml.spPrivateKey)
    add(
      'sp',
      'error',
      'Signed AuthnRequests are on, and the connection has no SP private key.',
      'Generate an SP key pair, or turn off request signing.',
    );
  else if (idp.wantAuthnRequestsSigned && !saml.signRequests)
    add(
      'sp',
      'error',
      'The IdP wants signed AuthnRequests, and request signing is off.',
      'Turn on "signRequests" with an SP key pair.',
    );
  if (saml.spPrivateKey && saml.spCertificate) {
    const pair = checkSpKeyPair(saml.spPrivateKey, saml.spCertificate);
    if (!pair.ok)
      add(
        'sp',
        'error',
        pair.message,
        'Generate a new pair with `ssokit keygen` (or generateSpKeyPair from @ssokit/saml), and give the IdP the new certificate.',
      );
    else add('sp', 'ok', 'The SP private key matches the SP certificate.');
  }
  if (saml.spCertificate) spCertificateExpiry(saml.spCertificate, nowMs, add);
  if (saml.spPrivateKey && !saml.spCertificate)
    add(
      'sp',
      'warning',
      'The SP private key has no certificate: the SP metadata cannot offer it for encryption.',
      'Add the SP certificate.',
    );
  return idp;
}

/** The SP certificate's validity: the IdP verifies signed requests and encrypts assertions with it. */
function spCertificateExpiry(text: string, nowMs: number, add: Add): void {
  const validity = certificateValidity(text);
  if (!validity) return; // an unreadable certificate is reported with the key pair
  expiryFinding(
    add,
    {
      check: 'sp',
      what: 'The SP certificate',
      notAfter: validity.notAfter,
      notBefore: validity.notBefore,
      fixExpired:
        'Generate a new SP key pair (generateSpKeyPair), save it, and give the IdP the new certificate (the SP metadata has it).',
      fixSoon:
        'Generate a new SP key pair (generateSpKeyPair) before then, and give the IdP the new certificate (the SP metadata has it) when you switch.',
    },
    nowMs,
  );
}

export async function samlPreview(
  c: SamlConnection,
  sample: TestSample,
  idp: IdpMetadata,
  ctx: SsoContext,
  add: Add,
): Promise<MappingPreview | undefined> {
  if (sample.samlResponse !== undefined) {
    let peek: SamlResponsePeek | undefined;
    try {
      peek = peekSamlResponse(String(sample.samlResponse));
    } catch {
      // reported below
    }
    const at = peek?.issueInstant?.getTime();
    if (peek === undefined || at === undefined) {
      add(
        'sample',
        'error',
        'The sample is not a base64 SAML Response with an IssueInstant.',
        'Paste the SAMLResponse field as the browser posted it.',
      );
      return undefined;
    }
    try {
      // Checked as the ACS would check it (responseExpectations, the IdP-initiated policy included), as
      // of the sample's own issue time, answering the request the sample names, if any (not a login).
      const assertion = await validateSamlResponse(String(sample.samlResponse), {
        ...responseExpectations(c, idp, ctx.url('/saml/acs')),
        requestId: peek.inResponseTo ?? null,
        replay: { firstSeen: async () => true } as never,
        [nowSymbol]: () => at + 1000,
      });
      add(
        'sample',
        'ok',
        `The sample response validates (as of its issue time, ${new Date(at).toISOString()}): signature, issuer, audience and recipient match.`,
      );
      return mappingPreview(c, assertion.identity, assertion.claims, ctx, add);
    } catch (error) {
      add('sample', 'error', `The sample response would be refused: ${messageOf(error)}`, fixFor(error));
      return undefined;
    }
  }
  if (!sample.claims) return undefined;
  const subject = sample.subject ?? (typeof sample.claims.nameId === 'string' ? sample.claims.nameId : '');
  return mappingPreview(c, { issuer: idp.entityId, subject }, sample.claims, ctx, add);
}
