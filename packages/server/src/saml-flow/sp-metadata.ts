/**
 * `GET /saml/metadata/:id`: the SP metadata of a SAML connection, for the IdP administrator to import.
 *
 * @module
 */
import { SsoError } from '@ssokit/core';
import { buildSpMetadata } from '@ssokit/saml';
import type { SsoContext } from '../context.ts';

/** The SP metadata document of connection `id` (entity id, ACS, SLO, certificates). */
export async function spMetadata(ctx: SsoContext, id: string): Promise<Response> {
  const found = await ctx.storage.connections.get(id);
  if (found?.protocol !== 'saml')
    throw new SsoError('connection_not_found', 'No SAML connection has this id.');
  const xml = buildSpMetadata({
    entityId: found.saml.spEntityId,
    acsUrl: ctx.url('/saml/acs'),
    sloUrl: ctx.url(`/saml/slo/${encodeURIComponent(found.id)}`),
    authnRequestsSigned: found.saml.signRequests === true,
    wantAssertionsSigned: found.saml.wantAssertionsSigned !== false,
    ...(found.saml.spCertificate
      ? { signingCertificate: found.saml.spCertificate, encryptionCertificate: found.saml.spCertificate }
      : {}),
  });
  return new Response(xml, { headers: { 'content-type': 'application/samlmetadata+xml; charset=utf-8' } });
}
