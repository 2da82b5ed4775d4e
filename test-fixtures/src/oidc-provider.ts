/**
 * Shared by the oidc, server and adapter tests: the OP configured directly in code (fine-grained
 * clients and users for protocol cases); @ssokit/dev-idp covers the Keycloak-shaped logins.
 *
 * A certified OpenID Provider (panva's oidc-provider) in this process on 127.0.0.1, with the logins
 * and consents answered programmatically, and a tiny cookie-carrying "browser" that follows its
 * redirects to the relying party's callback.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';
import { jarFetch } from './http.ts';

// oidc-provider 8 dropped the PKCE "plain" method; 7.14.3, the last 7.x release, still implements it
// (pkce.methods). Its API for what this harness uses is the same, and it ships no types of its own.
const ProviderV7 = createRequire(import.meta.url)('oidc-provider-v7') as typeof Provider;

export const REDIRECT_URI = 'http://127.0.0.1:9/cb';
export const POST_LOGOUT_URI = 'http://127.0.0.1:9/bye';

export interface TestUser {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
  given_name: string;
  family_name: string;
  preferred_username: string;
  groups: string[];
}

export const users: Record<string, TestUser> = {
  ada: {
    sub: 'ada-uuid',
    email: 'ada@example.com',
    email_verified: true,
    name: 'Ada Lovelace',
    given_name: 'Ada',
    family_name: 'Lovelace',
    preferred_username: 'ada',
    groups: ['admins', 'ml-engineers'],
  },
  grace: {
    sub: 'grace-uuid',
    email: 'grace@example.com',
    email_verified: true,
    name: 'Grace Hopper',
    given_name: 'Grace',
    family_name: 'Hopper',
    preferred_username: 'grace',
    groups: ['viewers'],
  },
  /** In 400 groups (`team-000-machine-learning-platform` ...): the large-session case. */
  lin: {
    sub: 'lin-uuid',
    email: 'lin@example.com',
    email_verified: true,
    name: 'Lin Many-Groups',
    given_name: 'Lin',
    family_name: 'Many-Groups',
    preferred_username: 'lin',
    groups: Array.from(
      { length: 400 },
      (_, i) => `team-${String(i).padStart(3, '0')}-machine-learning-platform`,
    ),
  },
  /** In 200 groups sent as Entra sends them: object ids (GUIDs), not names. */
  oid: {
    sub: 'oid-uuid',
    email: 'oid@example.com',
    email_verified: true,
    name: 'Olu Object-Ids',
    given_name: 'Olu',
    family_name: 'Object-Ids',
    preferred_username: 'oid',
    groups: Array.from({ length: 200 }, (_, i) => entraGroupId(i)),
  },
};

/** The object id of the `i`th group of the `oid` user: a GUID, as Entra names groups in tokens. */
export function entraGroupId(i: number): string {
  return `${String(i).padStart(8, '0')}-7c1e-4b0a-9f3d-5a2e8c6b1d40`;
}

export function rsaJwk(kid: string) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>),
    kid,
    alg: 'RS256',
    use: 'sig',
  };
}

export interface TestOp {
  issuer: string;
  port: number;
  /** Who logs in at the next interaction. */
  nextUser: keyof typeof users;
  close(): Promise<void>;
}

export async function startProvider(
  options: {
    port?: number;
    keys?: Record<string, unknown>[];
    conformIdTokenClaims?: boolean;
    redirectUris?: string[];
    /**
     * Makes `public-pkce` a native client registered with `http://127.0.0.1/sso/oidc/callback` (and
     * W&B's `http://127.0.0.1/oidc/callback`), which the OP then accepts on any port (RFC 8252 §7.3):
     * one OP for many apps on ephemeral ports.
     */
    loopbackRedirects?: boolean;
    /** More post-logout redirect URIs, registered for the `confidential` and `public-pkce` clients. */
    postLogoutRedirectUris?: string[];
    /**
     * 7 runs oidc-provider 7.14.3 with PKCE `plain` enabled besides `S256`, for the code + plain flow
     * (ClearML's code-challenge method) that 8.x and later no longer offer. Default: 9.
     */
    release?: 7 | 9;
    /**
     * Registers `public-pkce` for OpenID Connect Back-Channel Logout at this URI (with `sid` in its ID
     * tokens): the OP then posts a logout token there when the user's session at the OP ends.
     * oidc-provider 9 dropped the feature, so this runs release 7.
     */
    backchannelLogoutUri?: string;
  } = {},
): Promise<TestOp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const state = { nextUser: 'ada' as keyof typeof users };
  const configuration: Configuration = {
    clients: [
      {
        client_id: 'confidential',
        client_secret: 'confidential-secret-with-enough-entropy-0123456789',
        redirect_uris: [REDIRECT_URI, ...(options.redirectUris ?? [])],
        post_logout_redirect_uris: [POST_LOGOUT_URI, ...(options.postLogoutRedirectUris ?? [])],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'confidential-post',
        client_secret: 'confidential-post-secret-with-entropy-0123456789',
        redirect_uris: [REDIRECT_URI, ...(options.redirectUris ?? [])],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: 'public-pkce',
        ...(options.loopbackRedirects ? { application_type: 'native' as const } : {}),
        redirect_uris: [
          REDIRECT_URI,
          ...(options.redirectUris ?? []),
          ...(options.loopbackRedirects
            ? ['http://127.0.0.1/sso/oidc/callback', 'http://127.0.0.1/oidc/callback']
            : []),
        ],
        post_logout_redirect_uris: [POST_LOGOUT_URI, ...(options.postLogoutRedirectUris ?? [])],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'none',
        ...(options.backchannelLogoutUri
          ? {
              backchannel_logout_uri: options.backchannelLogoutUri,
              backchannel_logout_session_required: true,
            }
          : {}),
      },
      {
        client_id: 'implicit',
        // Web clients using the implicit grant need https redirect URIs; a native client may use loopback.
        application_type: 'native',
        redirect_uris: [REDIRECT_URI, ...(options.redirectUris ?? [])],
        response_types: ['id_token'],
        grant_types: ['implicit'],
        token_endpoint_auth_method: 'none',
      },
    ],
    jwks: { keys: (options.keys ?? [rsaJwk('k1')]) as never },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: options.conformIdTokenClaims ?? false,
    responseTypes: ['code', 'id_token'],
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      ...(options.backchannelLogoutUri ? { backchannelLogout: { enabled: true } } : {}),
    },
    pkce: {
      required: (_ctx, client) => client.clientId === 'public-pkce',
      ...(options.release === 7 ? { methods: ['S256', 'plain'] } : {}),
    },
    findAccount: async (_ctx, id) => {
      const user = Object.values(users).find((u) => u.sub === id);
      if (!user) return undefined;
      return { accountId: id, claims: async () => ({ ...user }) };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };
  if (options.backchannelLogoutUri && options.release !== 7)
    throw new Error('Back-channel logout needs oidc-provider 7 (release: 7); 9 no longer implements it.');
  const provider = new (options.release === 7 ? ProviderV7 : Provider)(issuer, configuration);
  const providerCallback = provider.callback();
  server.on('request', async (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
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
        await provider.interactionFinished(
          req,
          res,
          { consent: { grantId: await grant.save() } },
          { mergeWithLastSubmission: true },
        );
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
      return;
    }
    providerCallback(req, res);
  });
  return {
    issuer,
    port,
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

/**
 * Follows redirects from `start` like a browser (keeping cookies per host) until the OP sends the
 * browser to the redirect URI. Returns the callback parameters: the query of a redirect, or the fields
 * of a form_post page.
 */
export async function browserLogin(
  start: URL,
  jar = new Map<string, string>(),
  redirectUri = REDIRECT_URI,
): Promise<{ method: 'GET' | 'POST'; params: URLSearchParams }> {
  let url = start;
  for (let hop = 0; hop < 20; hop++) {
    if (url.href.startsWith(redirectUri)) return { method: 'GET', params: url.searchParams };
    const response = await jarFetch(jar, url);
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/i.exec(html)?.[1];
    if (response.status === 200 && action?.startsWith(redirectUri)) {
      const params = new URLSearchParams();
      for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi))
        params.set(m[1] as string, decodeHtml(m[2] as string));
      return { method: 'POST', params };
    }
    const detail = /<pre>([\s\S]*?)<\/pre>|<p>([\s\S]*?)<\/p>/.exec(html);
    throw new Error(
      `The OP answered ${response.status} at ${url.pathname}: ${(detail?.[1] ?? detail?.[2] ?? html).slice(0, 400)}`,
    );
  }
  throw new Error('Too many redirects.');
}

function decodeHtml(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/**
 * RP-initiated logout like a browser: opens the end-session URL with the OP's cookies from the login
 * (`jar` of {@link browserLogin}), confirms the logout on the OP's page, and follows the redirects to
 * `postLogoutUri`. Returns the URL the browser lands on; throws when the OP refuses the request.
 */
export async function browserLogout(
  endSession: URL,
  jar: Map<string, string>,
  postLogoutUri: string,
): Promise<URL> {
  const page = await fetch(endSession, {
    redirect: 'manual',
    headers: { cookie: jar.get(endSession.host) ?? '' },
  });
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/i.exec(html)?.[1];
  if (page.status !== 200 || !action)
    throw new Error(`The OP refused the logout (${page.status}): ${html.slice(0, 300)}`);
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi))
    fields.set(m[1] as string, decodeHtml(m[2] as string));
  fields.set('logout', 'yes');
  let url = new URL(decodeHtml(action), endSession);
  let response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    body: fields,
    headers: { cookie: jar.get(url.host) ?? '', 'content-type': 'application/x-www-form-urlencoded' },
  });
  for (let hop = 0; hop < 10; hop++) {
    const location = response.headers.get('location');
    if (!location) throw new Error(`The OP answered ${response.status} during logout.`);
    url = new URL(location, url);
    if (url.href.startsWith(postLogoutUri)) return url;
    response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.get(url.host) ?? '' } });
  }
  throw new Error('Too many redirects.');
}

/**
 * A whole OIDC login against an app that mounts ssokit at `/sso`, over real HTTP: the app's login
 * route, the OP (answered like a browser), and the app's callback (at `callbackPath`, unless the app
 * moved it). Returns the app's final answer; the jar then holds the app's session cookies.
 */
export async function httpOidcLogin(
  appBase: string,
  connectionId: string,
  jar = new Map<string, string>(),
  returnTo = '/me',
  callbackPath = '/sso/oidc/callback',
): Promise<{ jar: Map<string, string>; response: Response }> {
  const start = new URL(
    `${appBase}/sso/login/${encodeURIComponent(connectionId)}?returnTo=${encodeURIComponent(returnTo)}`,
  );
  const login = await jarFetch(jar, start);
  const location = login.headers.get('location');
  if (login.status !== 302 || !location)
    throw new Error(`The app did not start the login (${login.status}).`);
  const callbackUri = `${appBase}${callbackPath}`;
  const callback = await browserLogin(new URL(location), jar, callbackUri);
  const target = new URL(callbackUri);
  const response =
    callback.method === 'GET'
      ? await jarFetch(jar, new URL(`${callbackUri}?${callback.params}`))
      : await jarFetch(jar, target, {
          method: 'POST',
          body: callback.params,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
  return { jar, response };
}
