/**
 * What every SAML message from an IdP is checked against, derived from a connection once: used by the
 * ACS, Single Logout and Test Provider, so a sample is judged exactly as a login would be.
 *
 * @module
 */
import { createPrivateKey } from 'node:crypto';
import type { SamlConnection } from '@ssokit/core';
import { type IdpMetadata, keysFromCertificates, type SamlResponseExpectations } from '@ssokit/saml';

/** The IdP's signing keys, from its metadata (never from a message). */
export function idpKeysOf(idp: IdpMetadata) {
  return keysFromCertificates(idp.signingCertificates.map((cert) => cert.base64));
}

/**
 * The connection's part of `validateSamlResponse`'s expectations: issuer, keys, audience, ACS,
 * signing requirements, IdP-initiated policy and the decryption key. Callers add `requestId`,
 * `replay` and the clock.
 */
export function responseExpectations(
  c: SamlConnection,
  idp: IdpMetadata,
  acsUrl: string,
): Omit<SamlResponseExpectations, 'requestId' | 'replay'> {
  return {
    idpEntityId: idp.entityId,
    idpKeys: idpKeysOf(idp),
    spEntityId: c.saml.spEntityId,
    acsUrl,
    allowIdpInitiated: c.saml.allowIdpInitiated === true,
    wantAssertionsSigned: c.saml.wantAssertionsSigned !== false,
    wantResponseSigned: c.saml.wantResponseSigned === true,
    ...(c.saml.spPrivateKey ? { decryptionKey: createPrivateKey(c.saml.spPrivateKey) } : {}),
  };
}
