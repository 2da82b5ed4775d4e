import type { KeyObject } from 'node:crypto';
import { idpMetadataFromDescriptor, idpSigningKeys } from '../../src/index.ts';

/** The IdP keys of metadata that lists these certificates (base64 DER or PEM), through the public steps. */
export function idpKeysFor(...certificates: string[]): KeyObject[] {
  return idpSigningKeys(
    idpMetadataFromDescriptor({
      entityId: 'https://idp.example.com/test',
      ssoUrl: 'https://idp.example.com/sso',
      certificates,
    }),
  );
}
