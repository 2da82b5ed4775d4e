/**
 * Shared by the saml, server and adapter tests (@ssokit/dev-idp covers the Keycloak-shaped logins).
 *
 * An independent SAML IdP for interop tests: samlify's IdentityProvider, signing with its own code
 * (samlify uses xml-crypto's SignedXml to sign; ssokit only borrows xml-crypto's canonicaliser to verify).
 */
import { randomBytes } from 'node:crypto';
import * as samlify from 'samlify';
import { jarFetch } from './http.ts';
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

/**
 * A whole SAML login against an app that mounts ssokit at `/sso`, over real HTTP: the app's login
 * route (HTTP-Redirect AuthnRequest), `idp` answering it as the SP metadata from the app says, and the
 * POST to the app's ACS. Returns the ACS answer; the jar then holds the app's session cookies.
 */
export async function httpSamlLogin(
  appBase: string,
  connectionId: string,
  idp: ReturnType<typeof samlify.IdentityProvider>,
  user: Record<string, string>,
  jar = new Map<string, string>(),
): Promise<{ jar: Map<string, string>; response: Response }> {
  const metadata = await (
    await fetch(`${appBase}/sso/saml/metadata/${encodeURIComponent(connectionId)}`)
  ).text();
  const sp = samlify.ServiceProvider({ metadata });
  const login = await jarFetch(jar, new URL(`${appBase}/sso/login/${encodeURIComponent(connectionId)}`));
  const location = new URL(login.headers.get('location') ?? 'about:blank');
  // The IdP posts to the ACS the SP metadata names, as a real IdP does.
  const acs = /<(?:\w+:)?AssertionConsumerService\b[^>]*\bLocation="([^"]+)"/.exec(metadata)?.[1];
  if (!acs) throw new Error('The SP metadata names no AssertionConsumerService.');
  const response = await jarFetch(jar, new URL(acs), {
    method: 'POST',
    body: await answerAuthnRequest(idp, sp, location, user),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { jar, response };
}

/**
 * `idp`'s answer to the AuthnRequest the app sent the browser to (`location`, HTTP-Redirect binding):
 * the form the browser then posts to the app's ACS, `SAMLResponse` for `user` and the `RelayState`.
 * `options` go to samlify's `createLoginResponse` (e.g. `{ encryptThenSign: true }`).
 */
export async function answerAuthnRequest(
  idp: ReturnType<typeof samlify.IdentityProvider>,
  sp: ReturnType<typeof samlify.ServiceProvider>,
  location: URL,
  user: Record<string, string>,
  options?: Record<string, unknown>,
): Promise<URLSearchParams> {
  const parsed = await idp.parseLoginRequest(sp, 'redirect', {
    query: Object.fromEntries(location.searchParams),
    octetString: location.search.slice(1),
  } as never);
  const answer = (await idp.createLoginResponse(
    sp,
    parsed as never,
    'post',
    user as never,
    options as never,
  )) as unknown as { context: string };
  return new URLSearchParams({
    SAMLResponse: answer.context,
    RelayState: location.searchParams.get('RelayState') ?? '',
  });
}

/**
 * A samlify IdP with an HTTP-Redirect SSO endpoint (what ssokit's login route sends AuthnRequests to),
 * for whole logins with {@link httpSamlLogin}.
 */
export async function redirectBindingIdp(
  options: {
    entityId?: string;
    keys?: TestKeyPair;
    /** Default: `https://idp.example.com/sso` (nothing listens there: the test plays the browser). */
    ssoUrl?: string;
    sloUrl?: string;
    /** The NameID formats its metadata offers; samlify's default when not given. */
    nameIdFormats?: string[];
  } = {},
): Promise<ReturnType<typeof samlify.IdentityProvider>> {
  const keys = options.keys ?? (await makeCertificate('idp.example.com'));
  return samlify.IdentityProvider({
    entityID: options.entityId ?? 'https://idp.example.com/metadata',
    privateKey: keys.privateKeyPem,
    signingCert: keys.certificatePem,
    singleSignOnService: [
      {
        Binding: samlify.Constants.namespace.binding.redirect,
        Location: options.ssoUrl ?? 'https://idp.example.com/sso',
      },
    ],
    ...(options.nameIdFormats ? { nameIDFormat: options.nameIdFormats } : {}),
    ...(options.sloUrl
      ? {
          singleLogoutService: [
            { Binding: samlify.Constants.namespace.binding.redirect, Location: options.sloUrl },
          ],
        }
      : {}),
  });
}

/**
 * A signed response as an IdP portal sends it (IdP-initiated): no AuthnRequest, so no InResponseTo
 * anywhere unless `inResponseTo` is given. For `spEntityId` at `acsUrl`, as `idp` (made by
 * {@link redirectBindingIdp}) with the NameID `email`, issued now and valid five minutes.
 */
export async function unsolicitedResponse(
  idp: ReturnType<typeof samlify.IdentityProvider>,
  options: { spEntityId: string; acsUrl: string; email?: string; inResponseTo?: string; issuer?: string },
): Promise<string> {
  const email = options.email ?? 'ada@example.com';
  const sp = samlify.ServiceProvider({
    entityID: options.spEntityId,
    assertionConsumerService: [
      { Binding: samlify.Constants.namespace.binding.post, Location: options.acsUrl },
    ],
    wantAssertionsSigned: true,
  });
  const now = new Date();
  const later = new Date(now.getTime() + 5 * 60_000).toISOString();
  const randomId = () => `_${randomBytes(16).toString('hex')}`;
  const result = (await idp.createLoginResponse(
    sp,
    {} as never,
    'post',
    { email } as never,
    {
      customTagReplacement: (template: string) => {
        const id = randomId();
        const base =
          options.inResponseTo === undefined
            ? template.replaceAll(' InResponseTo="{InResponseTo}"', '')
            : template;
        const context = samlify.SamlLib.replaceTagsByValue(base, {
          ID: id,
          AssertionID: randomId(),
          Destination: options.acsUrl,
          Audience: options.spEntityId,
          SubjectRecipient: options.acsUrl,
          Issuer: options.issuer ?? 'https://idp.example.com/metadata',
          IssueInstant: now.toISOString(),
          StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
          ConditionsNotBefore: now.toISOString(),
          ConditionsNotOnOrAfter: later,
          SubjectConfirmationDataNotOnOrAfter: later,
          NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
          NameID: email,
          InResponseTo: options.inResponseTo ?? '',
          AuthnStatement: '',
          AttributeStatement: '',
        });
        return { id, context };
      },
    } as never,
  )) as { context: string };
  return result.context;
}
