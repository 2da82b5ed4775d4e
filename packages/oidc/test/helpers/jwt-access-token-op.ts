/**
 * A certified OpenID Provider (panva's oidc-provider) set up as Arthur's seed sets up Okta: access
 * tokens are JWTs for an API audience (`api://default`, by RFC 8707 resource indicators, the default
 * resource when the client names none), and the user's groups are a `Groups` claim of the access token
 * only. The ID token and userinfo carry no groups at all (there is no groups scope).
 *
 * The harness of `ssokit-test-fixtures/oidc-provider` issues opaque access tokens only; this one lives
 * here until that harness offers JWT access tokens (its tests may not import another package's files).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';
import { REDIRECT_URI, rsaJwk, type TestUser, users } from 'ssokit-test-fixtures/oidc-provider';

/** The audience of the OP's access tokens when the client names no resource (Okta's default server). */
export const API_AUDIENCE = 'api://default';

export interface JwtAccessTokenOp {
  issuer: string;
  /** Who logs in at the next interaction. */
  nextUser: keyof typeof users;
  close(): Promise<void>;
}

export async function startJwtAccessTokenOp(
  options: {
    /** More redirect URIs of the `public-pkce` client (an app's callback). */
    redirectUris?: string[];
    /** Access tokens opaque instead of JWTs (Okta's org authorization server, say). Default: false. */
    opaqueAccessTokens?: boolean;
  } = {},
): Promise<JwtAccessTokenOp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const state = { nextUser: 'ada' as keyof typeof users };
  const userOf = (sub: unknown) => Object.values(users).find((u) => u.sub === sub);
  const configuration: Configuration = {
    clients: [
      {
        client_id: 'public-pkce',
        redirect_uris: [REDIRECT_URI, ...(options.redirectUris ?? [])],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'none',
      },
    ],
    jwks: { keys: [rsaJwk('k1')] as never },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    scopes: ['openid', 'email', 'profile'],
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // Like Okta's default authorization server: a token for the API audience without asking.
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? API_AUDIENCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => ({
          scope: 'openid',
          audience: resource,
          accessTokenTTL: 3600,
          accessTokenFormat: options.opaqueAccessTokens ? 'opaque' : 'jwt',
          ...(options.opaqueAccessTokens ? {} : { jwt: { sign: { alg: 'RS256' } } }),
        }),
      },
    },
    // Okta's "Groups" claim with "Include in token type: Access Token": in the access token only.
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind !== 'AccessToken') return undefined;
      const user = userOf((token as { accountId?: string }).accountId);
      return user ? { Groups: user.groups } : undefined;
    },
    pkce: { required: () => true },
    findAccount: async (_ctx, id) => {
      const user = userOf(id);
      if (!user) return undefined;
      const { groups: _groups, ...claims } = user;
      return { accountId: id, claims: async () => claims };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };
  const provider = new Provider(issuer, configuration);
  const providerCallback = provider.callback();
  server.on('request', async (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return providerCallback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: (users[state.nextUser] as TestUser).sub } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const grant = new provider.Grant({
        accountId: details.session?.accountId as string,
        clientId: details.params.client_id as string,
      });
      grant.addOIDCScope(String(details.params.scope));
      const missing = (details.prompt.details.missingResourceScopes ?? {}) as Record<string, string[]>;
      for (const [resource, scopes] of Object.entries(missing))
        grant.addResourceScope(resource, scopes.join(' '));
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId: await grant.save() } },
        { mergeWithLastSubmission: true },
      );
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  return {
    issuer,
    get nextUser() {
      return state.nextUser;
    },
    set nextUser(user) {
      state.nextUser = user;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
