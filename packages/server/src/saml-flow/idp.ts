/**
 * What to expect of a SAML connection's IdP: its metadata (inline XML, a URL read through a cache, or
 * the parsed descriptor) and the expectations every SAML message from it is checked against. Used by
 * the ACS, Single Logout and Test Provider, so a sample is judged exactly as a login would be.
 *
 * @module
 */
import { createPrivateKey } from 'node:crypto';
import { ConfigError, now as nowSymbol, type SamlConnection } from '@ssokit/core';
import {
  createIdpMetadataCache,
  type IdpMetadata,
  type IdpMetadataCache,
  idpMetadataFromDescriptor,
  idpSigningKeys,
  parseIdpMetadata,
  type SamlResponseExpectations,
} from '@ssokit/saml';
import type { SsoContext } from '../context.ts';

const caches = new WeakMap<SsoContext, IdpMetadataCache>();

/**
 * The IdP metadata of a connection. Metadata URLs are read through the instance's cache; `fresh`
 * bypasses it (Test Provider reads what the IdP serves now, and fills no cache).
 */
export async function idpOf(ctx: SsoContext, c: SamlConnection, fresh = false): Promise<IdpMetadata> {
  const idp = await readIdp(ctx, c, fresh);
  // Test Provider (fresh) reports these as findings; logins say them through onWarning.
  if (!fresh) warnAboutIdp(ctx, c, idp);
  return idp;
}

/** The days before a signing certificate's expiry from which logins warn (`idp-certificate-expiring`). */
const CERTIFICATE_WARNING_DAYS = 30;

/**
 * Warnings a login gives about its IdP, once per instance each: metadata past its `validUntil`
 * (`idp-metadata-expired`), a signing certificate that expires within 30 days or has expired
 * (`idp-certificate-expiring`). An admin acts on them before logins fail.
 */
function warnAboutIdp(ctx: SsoContext, c: SamlConnection, idp: IdpMetadata): void {
  if (idp.expired) {
    ctx.warn(
      'idp-metadata-expired',
      `The IdP metadata of the connection "${c.id}" is past its validUntil (${idp.validUntil?.toISOString()}); download fresh metadata from the IdP.`,
      { connectionId: c.id, validUntil: idp.validUntil?.toISOString() },
      `${c.id}\u0000${idp.validUntil?.toISOString()}`,
    );
  }
  const now = ctx.clock();
  for (const cert of idp.signingCertificates) {
    const days = Math.floor((cert.notAfter.getTime() - now) / 86_400_000);
    if (days >= CERTIFICATE_WARNING_DAYS) continue;
    ctx.warn(
      'idp-certificate-expiring',
      days < 0
        ? `The IdP signing certificate ${cert.fingerprint256} of the connection "${c.id}" expired on ${cert.notAfter.toISOString().slice(0, 10)}; add the IdP's new certificate (refresh its metadata).`
        : `The IdP signing certificate ${cert.fingerprint256} of the connection "${c.id}" expires in ${days} day(s), on ${cert.notAfter.toISOString().slice(0, 10)}; add the IdP's new certificate before then.`,
      { connectionId: c.id, fingerprint256: cert.fingerprint256, notAfter: cert.notAfter.toISOString() },
      `${c.id}\u0000${cert.fingerprint256}`,
    );
  }
}

/** The IdP metadata of a connection, from wherever the connection keeps it. */
async function readIdp(ctx: SsoContext, c: SamlConnection, fresh: boolean): Promise<IdpMetadata> {
  const wanted = c.saml.idpEntityId ? { entityId: c.saml.idpEntityId } : {};
  if (c.saml.idpMetadataXml)
    return parseIdpMetadata(c.saml.idpMetadataXml, { ...wanted, [nowSymbol]: ctx.clock });
  if (c.saml.idpMetadataUrl) {
    if (fresh) return createIdpMetadataCache(ctx.http).get(c.saml.idpMetadataUrl, wanted);
    let cache = caches.get(ctx);
    if (!cache) {
      cache = createIdpMetadataCache(ctx.http);
      caches.set(ctx, cache);
    }
    return cache.get(c.saml.idpMetadataUrl, wanted);
  }
  if (c.saml.idp) return idpMetadataFromDescriptor(c.saml.idp);
  throw new ConfigError([{ path: 'saml', message: 'the connection has no IdP metadata.' }]);
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
    idpKeys: idpSigningKeys(idp),
    spEntityId: c.saml.spEntityId,
    acsUrl,
    allowIdpInitiated: c.saml.allowIdpInitiated === true,
    wantAssertionsSigned: c.saml.wantAssertionsSigned !== false,
    wantResponseSigned: c.saml.wantResponseSigned === true,
    allowUnsignedCbcEncryption: c.saml.allowUnsignedCbcEncryption === true,
    ...(c.saml.spPrivateKey ? { decryptionKey: createPrivateKey(c.saml.spPrivateKey) } : {}),
  };
}

/**
 * Everything the ACS expects of a response for connection `c`: the connection's expectations, the
 * request it must answer (`null` for an unsolicited one), the replay cache, warnings to `onWarning`
 * and the server's clock.
 */
export async function acsExpectations(
  ctx: SsoContext,
  c: SamlConnection,
  requestId: string | null,
): Promise<SamlResponseExpectations> {
  return {
    ...responseExpectations(c, await idpOf(ctx, c), ctx.url('/saml/acs')),
    requestId,
    replay: ctx.storage.replay,
    onWarning: (code, message, details) => ctx.warn(code, message, { ...details }),
    [nowSymbol]: ctx.clock,
  };
}

/**
 * What is wrong with a connection's inline IdP metadata or stored IdP descriptor (`saml.idp`), for the
 * admin API to refuse at save what a login would refuse later: unreadable metadata, an SSO or SLO
 * endpoint that is not https (or http on loopback), or an aggregate of several IdPs with no (or an
 * unknown) `idpEntityId`, the message listing the entityIDs to choose from; a descriptor without an
 * entityID, an https SSO URL or a certificate that decodes.
 */
export function inlineMetadataIssues(c: Pick<SamlConnection, 'saml'>): { path: string; message: string }[] {
  const descriptorIssues: { path: string; message: string }[] = [];
  if (c.saml.idp) {
    try {
      idpMetadataFromDescriptor(c.saml.idp);
    } catch (error) {
      descriptorIssues.push(
        ...(error instanceof ConfigError
          ? error.issues.map(({ path, message }) => ({ path, message }))
          : [{ path: 'saml.idp', message: String(error) }]),
      );
    }
  }
  const xml = c.saml.idpMetadataXml;
  if (!xml) return descriptorIssues;
  try {
    parseIdpMetadata(xml, c.saml.idpEntityId ? { entityId: c.saml.idpEntityId } : {});
    return descriptorIssues;
  } catch (error) {
    const message =
      error instanceof ConfigError ? error.issues.map((i) => i.message).join(' ') : String(error);
    const aggregate = /identity providers \(|no identity provider with entityID/.test(message);
    return [
      ...descriptorIssues,
      {
        path: aggregate ? 'saml.idpEntityId' : 'saml.idpMetadataXml',
        message: aggregate ? `${message} Set "idpEntityId" to one of them.` : message,
      },
    ];
  }
}
