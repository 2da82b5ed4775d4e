/**
 * Shared by the saml and server tests (until the local IdP, @ssokit/dev-idp, takes over).
 *
 * An independent SAML IdP for interop tests: samlify's IdentityProvider, signing with its own code
 * (samlify uses xml-crypto's SignedXml to sign; ssokit only borrows xml-crypto's canonicaliser to verify).
 */
import * as samlify from 'samlify';
import { makeCertificate, type TestKeyPair } from './keys.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

export const SP_ENTITY_ID = 'https://app.example.com/sso/saml/metadata/c1';
export const ACS_URL = 'https://app.example.com/sso/saml/acs';
export const IDP_ENTITY_ID = 'https://idp.example.com/realms/demo';

export interface SamlifyIdp {
  keys: TestKeyPair;
  /** A base64 SAMLResponse for `user`, answering `requestId`. */
  respond(options: {
    requestId: string;
    user?: { email: string; groups?: string[]; firstName?: string };
    signAssertion?: boolean;
    signResponse?: boolean;
    acsUrl?: string;
    spEntityId?: string;
  }): Promise<string>;
}

export async function startSamlifyIdp(keys?: TestKeyPair): Promise<SamlifyIdp> {
  const idpKeys = keys ?? (await makeCertificate('idp.example.com'));
  const idp = samlify.IdentityProvider({
    entityID: IDP_ENTITY_ID,
    privateKey: idpKeys.privateKeyPem,
    signingCert: idpKeys.certificatePem,
    singleSignOnService: [
      { Binding: samlify.Constants.namespace.binding.post, Location: 'https://idp.example.com/sso' },
    ],
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
    loginResponseTemplate: {
      context: samlify.SamlLib.defaultLoginResponseTemplate.context,
      attributes: [
        {
          name: 'email',
          valueTag: 'email',
          nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
          valueXsiType: 'xs:string',
        },
        {
          name: 'firstName',
          valueTag: 'firstName',
          nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
          valueXsiType: 'xs:string',
        },
      ],
    },
  });
  return {
    keys: idpKeys,
    async respond(options) {
      const sp = samlify.ServiceProvider({
        entityID: options.spEntityId ?? SP_ENTITY_ID,
        assertionConsumerService: [
          { Binding: samlify.Constants.namespace.binding.post, Location: options.acsUrl ?? ACS_URL },
        ],
        wantAssertionsSigned: options.signAssertion !== false,
        wantMessageSigned: options.signResponse === true,
      });
      const user = options.user ?? { email: 'ada@example.com', firstName: 'Ada' };
      const result = (await idp.createLoginResponse(
        sp,
        { extract: { request: { id: options.requestId } } } as never,
        'post',
        user as never,
      )) as {
        context: string;
      };
      return result.context;
    },
  };
}
