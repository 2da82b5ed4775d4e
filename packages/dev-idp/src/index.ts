/**
 * `@ssokit/dev-idp`: a local identity provider for demos and tests, shaped like Keycloak and seeded
 * from a Keycloak realm export. One process on 127.0.0.1 serves a real OpenID Provider (panva's
 * oidc-provider) at `/realms/<realm>` with Keycloak's paths and claims, and a SAML IdP (samlify, which
 * signs with its own code) at `/realms/<realm>/protocol/saml`. It imports no ssokit package, so a test
 * that logs in through it checks ssokit against code that is not ssokit's.
 *
 * @packageDocumentation
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import Provider, { type Configuration } from 'oidc-provider';
import * as samlify from 'samlify';
import { generate } from 'selfsigned';
import { escapeHtml, loginPage, postForm } from './pages.ts';
import { groupClaim, parseRealm, type Realm, type RealmClient, type RealmUser, rolesOf } from './realm.ts';
import { samlResponseXml } from './saml-response.ts';

export type { Realm, RealmClient, RealmUser } from './realm.ts';
export { parseRealm, RealmError } from './realm.ts';

samlify.setSchemaValidator({ validate: async () => 'skipped' });

/** Options of {@link startDevIdp}. */
export interface DevIdpOptions {
  /** The realm export: its JSON text, or a path with `realmFile`. */
  realm?: string;
  /** A path to the realm export (Keycloak's `<realm>-realm.json`). */
  realmFile?: string;
  /** Default: 0 (a free port). Keycloak's is 8080. */
  port?: number;
  /** Default: `'127.0.0.1'`. */
  host?: string;
  /**
   * Fills the realm's `${NAME}` and `${NAME:default}` placeholders, as Keycloak's import does (the
   * example realm has `${SSOKIT_APP_URL:http://127.0.0.1:3000}` for where the app runs). Default:
   * `process.env`.
   */
  env?: Record<string, string | undefined>;
}

/** A running local IdP. */
export interface DevIdp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The OIDC issuer, `<url>/realms/<realm>`; also the SAML IdP's entity id (as in Keycloak). */
  issuer: string;
  /** The SAML IdP metadata, `<issuer>/protocol/saml/descriptor`. */
  samlMetadataUrl: string;
  realm: Realm;
  /** Replaces a user's groups (paths such as `/admins`); the next login carries them. */
  setUserGroups(username: string, groupPaths: string[]): void;
  /** Signs with a new OIDC key from now on, still publishing the previous one (sessions are reset). */
  rotateKeys(): void;
  /** Stops the server; resolves once it no longer accepts connections. */
  close(): Promise<void>;
}

const POST = samlify.Constants.namespace.binding.post;
const REDIRECT = samlify.Constants.namespace.binding.redirect;

/**
 * Starts the local IdP.
 *
 * @example
 * ```ts
 * import { startDevIdp } from '@ssokit/dev-idp';
 *
 * const idp = await startDevIdp({ realmFile: 'examples/keycloak/realm-export.json', port: 8080 });
 * idp.issuer; // http://127.0.0.1:8080/realms/ssokit-demo
 * ```
 */
export async function startDevIdp(options: DevIdpOptions = {}): Promise<DevIdp> {
  const text = options.realm ?? (options.realmFile ? readFileSync(options.realmFile, 'utf8') : undefined);
  if (text === undefined) throw new TypeError('startDevIdp: pass "realm" (the JSON text) or "realmFile".');
  const realm = parseRealm(text, options.env);
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const prefix = `/realms/${realm.name}`;
  const issuer = `${url}${prefix}`;

  // OIDC: a signing key (and an encryption key, which Keycloak also publishes) for oidc-provider.
  const newSigningKey = () => ({
    ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as object),
    kid: randomBytes(8).toString('hex'),
    alg: 'RS256',
    use: 'sig',
  });
  const encryptionKey = {
    ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as object),
    kid: 'enc',
    alg: 'RSA-OAEP',
    use: 'enc',
  };
  let signingKeys = [newSigningKey()];
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const store = memoryStore();
  let provider = makeProvider();

  function makeProvider(): Provider {
    const oidcClients = realm.clients.filter((c) => c.protocol === 'openid-connect' && c.enabled);
    const pkceClients = new Set(
      oidcClients.filter((c) => c.attributes['pkce.code.challenge.method']).map((c) => c.clientId),
    );
    const configuration: Configuration = {
      clients: oidcClients.map(toOidcClient),
      jwks: { keys: [...signingKeys, encryptionKey] as never },
      cookies: { keys: cookieKeys },
      routes: {
        authorization: '/protocol/openid-connect/auth',
        token: '/protocol/openid-connect/token',
        userinfo: '/protocol/openid-connect/userinfo',
        jwks: '/protocol/openid-connect/certs',
        end_session: '/protocol/openid-connect/logout',
        revocation: '/protocol/openid-connect/revoke',
        introspection: '/protocol/openid-connect/token/introspect',
      },
      claims: {
        // Keycloak sends groups (per the client's mapper) and realm roles whatever the scopes.
        openid: ['sub', 'groups', 'realm_access'],
        email: ['email', 'email_verified'],
        profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      },
      scopes: ['openid', 'email', 'profile', 'groups', 'roles', 'offline_access'],
      conformIdTokenClaims: false,
      // Keycloak's defaults (access tokens 5 min, sessions 30 min idle), in seconds.
      ttl: {
        AccessToken: 300,
        IdToken: 300,
        AuthorizationCode: 60,
        Interaction: 600,
        Session: 1800,
        Grant: 1800,
        RefreshToken: 1800,
      },
      // The IdP's state lives in this process, on purpose: it is a local IdP for demos and tests.
      adapter: store,
      responseTypes: ['code', 'id_token', 'none'],
      pkce: {
        required: (_ctx, client) =>
          pkceClients.has(client.clientId) || client.tokenEndpointAuthMethod === 'none',
      },
      features: {
        devInteractions: { enabled: false },
        // Makes the RSA-OAEP key of the JWKS usable (oidc-provider refuses keys it cannot use).
        encryption: { enabled: true },
        revocation: { enabled: true },
        introspection: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          // Keycloak logs out at once given an id_token_hint: the confirmation form submits itself.
          logoutSource: async (ctx, form) => {
            ctx.body = `<!doctype html><html><body>${form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>')}<script>document.forms[0].submit()</script><noscript><button form="op.logoutForm">Sign out</button></noscript></body></html>`;
          },
        },
      },
      findAccount: async (ctx, id) => {
        const user = realm.users.find((u) => u.id === id && u.enabled);
        if (!user) return undefined;
        const client = realm.clients.find((c) => c.clientId === ctx.oidc.client?.clientId);
        return { accountId: id, claims: async (use) => oidcClaims(user, client, use) as { sub: string } };
      },
      interactions: { url: (_ctx, interaction) => `${prefix}/login-actions/${interaction.uid}` },
      renderError: async (ctx, out) => {
        ctx.type = 'html';
        ctx.body = `<!doctype html><title>Error</title><h1>${escapeHtml(String(out.error))}</h1><p>${escapeHtml(String(out.error_description ?? ''))}</p>`;
      },
    };
    const made = new Provider(issuer, configuration);
    // Keycloak accepts redirect URIs with a trailing "*" wildcard.
    const wildcards = new Map(
      oidcClients.map((c) => [c.clientId, c.redirectUris.filter((u) => u.endsWith('*'))]),
    );
    const exact = made.Client.prototype.redirectUriAllowed;
    made.Client.prototype.redirectUriAllowed = function (this: { clientId: string }, value: string) {
      return (
        exact.call(this, value) ||
        (wildcards.get(this.clientId) ?? []).some((w) => value.startsWith(w.slice(0, -1)))
      );
    };
    return made;
  }

  function oidcClaims(
    user: RealmUser,
    client: RealmClient | undefined,
    use: string,
  ): Record<string, unknown> {
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
    const claims: Record<string, unknown> = {
      sub: user.id,
      preferred_username: user.username,
      ...(user.email ? { email: user.email, email_verified: user.emailVerified } : {}),
      ...(name ? { name } : {}),
      ...(user.firstName ? { given_name: user.firstName } : {}),
      ...(user.lastName ? { family_name: user.lastName } : {}),
      realm_access: { roles: rolesOf(realm, user) },
    };
    for (const mapper of client?.protocolMappers ?? []) {
      if (mapper.protocolMapper !== 'oidc-group-membership-mapper') continue;
      const flag = use === 'id_token' ? 'id.token.claim' : 'userinfo.token.claim';
      if (mapper.config[flag] === 'false') continue;
      claims[mapper.config['claim.name'] ?? 'groups'] = groupClaim(
        user,
        mapper.config['full.path'] === 'true',
      );
    }
    return claims;
  }

  // SAML: samlify, one IdP entity per client (encryption is an IdP-side setting in samlify).
  const samlKeys = await generate([{ name: 'commonName', value: `${realm.name} dev-idp` }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 86_400_000),
  });
  const samlUrl = `${issuer}/protocol/saml`;
  const idpSettings = {
    entityID: issuer,
    privateKey: samlKeys.private,
    signingCert: samlKeys.cert,
    wantAuthnRequestsSigned: false,
    singleSignOnService: [
      { Binding: REDIRECT, Location: samlUrl },
      { Binding: POST, Location: samlUrl },
    ],
    singleLogoutService: [{ Binding: REDIRECT, Location: samlUrl }],
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
  };
  const metadataIdp = samlify.IdentityProvider(idpSettings);
  const samlClients = new Map(
    realm.clients
      .filter((c) => c.protocol === 'saml' && c.enabled)
      .map((client) => {
        const a = client.attributes;
        const acs = a.saml_assertion_consumer_url_post ?? client.redirectUris[0];
        const slo = a.saml_single_logout_service_url_redirect;
        const encryptionCert = a['saml.encryption.certificate'];
        // Keycloak's "Client signature required": AuthnRequests and LogoutRequests must be signed with
        // the key of `saml.signing.certificate`, and unsigned or wrongly signed ones are refused.
        const signingCert = a['saml.client.signature'] === 'true' ? a['saml.signing.certificate'] : undefined;
        const sp = samlify.ServiceProvider({
          entityID: client.clientId,
          ...(signingCert ? { signingCert: pem(signingCert), authnRequestsSigned: true } : {}),
          assertionConsumerService: acs ? [{ Binding: POST, Location: acs }] : [],
          singleLogoutService: slo ? [{ Binding: REDIRECT, Location: slo }] : [],
          wantAssertionsSigned: a['saml.assertion.signature'] !== 'false',
          wantMessageSigned: a['saml.server.signature'] !== 'false',
          wantLogoutResponseSigned: true,
          ...(encryptionCert ? { encryptCert: pem(encryptionCert) } : {}),
        } as never);
        const encrypt = a['saml.encrypt'] === 'true' && encryptionCert !== undefined;
        const idp =
          encrypt || signingCert
            ? samlify.IdentityProvider({
                ...idpSettings,
                ...(signingCert ? { wantAuthnRequestsSigned: true, wantLogoutRequestSigned: true } : {}),
                ...(encrypt
                  ? {
                      isAssertionEncrypted: true,
                      dataEncryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
                      keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
                    }
                  : {}),
              } as never)
            : metadataIdp;
        return [client.clientId, { client, sp, idp, acs }] as const;
      }),
  );
  const pendingSaml = new Map<
    string,
    { clientId: string; requestId: string; relayState?: string; at: number }
  >();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (path === '/' || path === prefix || path === `${prefix}/`)
      return send(res, 200, 'text/html', indexPage());
    if (!path.startsWith(`${prefix}/`)) return send(res, 404, 'text/plain', 'Not found');
    const rest = (req.url ?? '').slice(prefix.length);
    if (path === `${prefix}/protocol/saml/descriptor`)
      return send(res, 200, 'application/samlmetadata+xml', metadataIdp.getMetadata());
    if (path === `${prefix}/protocol/saml`) return samlEndpoint(req, res);
    if (path === `${prefix}/protocol/saml/login`) return samlLogin(req, res);
    if (path.startsWith(`${prefix}/login-actions/`)) return oidcInteraction(req, res);
    // Everything else is the OpenID Provider, mounted under the realm path.
    Object.assign(req, { originalUrl: req.url, url: rest });
    return provider.callback()(req, res);
  };

  const oidcInteraction = async (req: IncomingMessage, res: ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    const client = realm.clients.find((c) => c.clientId === details.params.client_id);
    if (details.prompt.name === 'login') {
      if (req.method !== 'POST')
        return send(res, 200, 'text/html', loginPage({ realm: realm.name, client: client?.clientId ?? '' }));
      const user = await submittedUser(req, res, { client: client?.clientId ?? '' });
      if (!user) return;
      return provider.interactionFinished(
        req,
        res,
        { login: { accountId: user.id } },
        { mergeWithLastSubmission: false },
      );
    }
    // Keycloak asks no consent for its own clients: grant what was asked.
    const grant = new provider.Grant({
      accountId: details.session?.accountId as string,
      clientId: details.params.client_id as string,
    });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    return provider.interactionFinished(
      req,
      res,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    );
  };

  /**
   * The user a posted login form names, when the password is right; otherwise the form is shown again
   * with an error (both OIDC and SAML logins use the same form) and nothing is returned.
   */
  const submittedUser = async (
    req: IncomingMessage,
    res: ServerResponse,
    page: { client: string; action?: string },
  ): Promise<RealmUser | undefined> => {
    const form = new URLSearchParams(await readBody(req));
    const username = form.get('username');
    const found = realm.users.find(
      (u) => u.username === username || (u.email !== undefined && u.email === username),
    );
    if (found?.enabled && found.password !== undefined && found.password === form.get('password'))
      return found;
    send(
      res,
      200,
      'text/html',
      loginPage({ realm: realm.name, ...page, error: 'Invalid username or password.' }),
    );
    return undefined;
  };

  /** `/protocol/saml`: AuthnRequests (show the login form) and LogoutRequests (answer them). */
  const samlEndpoint = async (req: IncomingMessage, res: ServerResponse) => {
    const query = new URL(req.url ?? '/', url).searchParams;
    const body = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : undefined;
    const message = query.get('SAMLRequest') ?? body?.get('SAMLRequest');
    if (!message) return send(res, 400, 'text/plain', 'No SAMLRequest.');
    const xml = body
      ? Buffer.from(message, 'base64').toString('utf8')
      : inflateRawSync(Buffer.from(message, 'base64')).toString('utf8');
    const issuerOf = /<(?:\w+:)?Issuer[^>]*>([^<]+)</.exec(xml)?.[1]?.trim() ?? '';
    const entry = samlClients.get(issuerOf);
    if (!entry)
      return send(
        res,
        400,
        'text/plain',
        `No SAML client "${issuerOf}" in realm ${realm.name}. If the realm names its SAML clients with \${SSOKIT_APP_URL} (as the example realm does), start dev-idp with SSOKIT_APP_URL set to the app's origin, e.g. SSOKIT_APP_URL=http://127.0.0.1:3712.`,
      );
    const rawQuery = (req.url ?? '').split('?')[1] ?? '';
    // The redirect binding signs the raw query without its Signature (bindings §3.4.4.1).
    const octetString = rawQuery
      .split('&')
      .filter((pair) => !pair.startsWith('Signature='))
      .join('&');
    const request = body
      ? { body: Object.fromEntries(body) }
      : { query: Object.fromEntries(query), octetString };
    const binding = body ? 'post' : 'redirect';
    if (/<(?:\w+:)?LogoutRequest[\s>]/.test(xml)) {
      const parsed = await entry.idp.parseLogoutRequest(entry.sp, binding, request as never);
      const relayState = query.get('RelayState') ?? body?.get('RelayState') ?? undefined;
      const answer = entry.idp.createLogoutResponse(
        entry.sp,
        parsed as never,
        'redirect',
        relayState ?? '',
      ) as unknown as { context: string };
      res.writeHead(302, { location: answer.context }).end();
      return;
    }
    const parsed = (await entry.idp.parseLoginRequest(entry.sp, binding, request as never)) as unknown as {
      extract: { request: { id: string } };
    };
    const key = randomBytes(16).toString('base64url');
    const relayState = query.get('RelayState') ?? body?.get('RelayState') ?? undefined;
    pendingSaml.set(key, {
      clientId: entry.client.clientId,
      requestId: parsed.extract.request.id,
      at: Date.now(),
      ...(relayState !== undefined ? { relayState } : {}),
    });
    send(
      res,
      200,
      'text/html',
      loginPage({
        realm: realm.name,
        client: entry.client.clientId,
        action: `${prefix}/protocol/saml/login?request=${key}`,
      }),
    );
  };

  /** The SAML login form's POST: the signed (and maybe encrypted) Response, auto-posted to the ACS. */
  const samlLogin = async (req: IncomingMessage, res: ServerResponse) => {
    const key = new URL(req.url ?? '/', url).searchParams.get('request') ?? '';
    const pending = pendingSaml.get(key);
    if (!pending || Date.now() - pending.at > 10 * 60_000)
      return send(res, 400, 'text/plain', 'This sign-in expired; start again from the app.');
    const entry = samlClients.get(pending.clientId);
    if (!entry) return send(res, 400, 'text/plain', 'Unknown SAML client.');
    const user = await submittedUser(req, res, {
      client: pending.clientId,
      action: `${prefix}/protocol/saml/login?request=${key}`,
    });
    if (!user) return;
    pendingSaml.delete(key);
    const result = (await entry.idp.createLoginResponse(
      entry.sp,
      { extract: { request: { id: pending.requestId } } } as never,
      'post',
      { email: user.email } as never,
      {
        encryptThenSign: true,
        customTagReplacement: () => {
          const id = `ID_${randomBytes(16).toString('hex')}`;
          return {
            id,
            context: samlResponseXml({
              id,
              issuer,
              realm,
              client: entry.client,
              user,
              acs: entry.acs ?? '',
              inResponseTo: pending.requestId,
            }),
          };
        },
      } as never,
    )) as unknown as { context: string };
    const fields: Record<string, string> = { SAMLResponse: result.context };
    if (pending.relayState !== undefined) fields.RelayState = pending.relayState;
    send(res, 200, 'text/html', postForm(entry.acs ?? '', fields));
  };

  const indexPage = () =>
    `<!doctype html><html><head><meta charset="utf-8"><title>dev-idp: ${escapeHtml(realm.name)}</title></head><body><h1>ssokit dev-idp</h1><p>Realm <b>${escapeHtml(realm.name)}</b>. OIDC issuer <code>${escapeHtml(issuer)}</code>. SAML metadata <a href="${escapeHtml(`${samlUrl}/descriptor`)}">${escapeHtml(`${samlUrl}/descriptor`)}</a>.</p><h2>Users</h2><ul>${realm.users.map((u) => `<li>${escapeHtml(u.username)} (${escapeHtml(u.groups.join(', ') || 'no groups')})</li>`).join('')}</ul></body></html>`;

  server.on('request', (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 500, 'text/plain', `dev-idp: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  return {
    url,
    issuer,
    samlMetadataUrl: `${samlUrl}/descriptor`,
    realm,
    setUserGroups(username, groupPaths) {
      const user = realm.users.find((u) => u.username === username);
      if (!user) throw new TypeError(`setUserGroups: no user "${username}" in realm ${realm.name}.`);
      for (const path of groupPaths)
        if (!realm.groupRoles.has(path))
          throw new TypeError(`setUserGroups: no group "${path}" in realm ${realm.name}.`);
      user.groups = [...groupPaths];
    },
    rotateKeys() {
      signingKeys = [newSigningKey(), ...signingKeys.slice(0, 1)];
      provider = makeProvider();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * oidc-provider's storage for one IdP: sessions, grants, codes and tokens in a Map of its own, with
 * expiry (each `startDevIdp` gets a fresh class, so IdPs in one process share nothing).
 */
function memoryStore() {
  const data = new Map<string, { value: Record<string, unknown>; expiresAt: number }>();
  return class MemoryStore {
    readonly #name: string;
    constructor(name: string) {
      this.#name = name;
    }
    #key(id: string) {
      return `${this.#name}:${id}`;
    }
    async upsert(id: string, value: Record<string, unknown>, expiresIn: number) {
      data.set(this.#key(id), { value, expiresAt: Date.now() + expiresIn * 1000 });
      if (typeof value.uid === 'string')
        data.set(`${this.#name}:uid:${value.uid}`, {
          value: { id },
          expiresAt: Date.now() + expiresIn * 1000,
        });
      if (typeof value.userCode === 'string')
        data.set(`${this.#name}:userCode:${value.userCode}`, {
          value: { id },
          expiresAt: Date.now() + expiresIn * 1000,
        });
    }
    async find(id: string) {
      const entry = data.get(this.#key(id));
      if (!entry) return undefined;
      if (entry.expiresAt <= Date.now()) {
        data.delete(this.#key(id));
        return undefined;
      }
      return entry.value;
    }
    async findByUid(uid: string) {
      const ref = await this.find(`uid:${uid}`);
      return ref ? this.find(ref.id as string) : undefined;
    }
    async findByUserCode(userCode: string) {
      const ref = await this.find(`userCode:${userCode}`);
      return ref ? this.find(ref.id as string) : undefined;
    }
    async consume(id: string) {
      const entry = data.get(this.#key(id));
      if (entry) entry.value.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      data.delete(this.#key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, entry] of data) if (entry.value.grantId === grantId) data.delete(key);
    }
  };
}

function toOidcClient(c: RealmClient) {
  const loopbackOnly =
    c.redirectUris.length > 0 && c.redirectUris.every((u) => /^http:\/\/(127\.0\.0\.1|\[::1\])[:/]/.test(u));
  const responseTypes = [
    ...(c.standardFlowEnabled ? ['code'] : []),
    ...(c.implicitFlowEnabled ? ['id_token'] : []),
  ];
  const postLogout = (c.attributes['post.logout.redirect.uris'] ?? '')
    .split('##')
    .filter((u) => u && u !== '+' && !u.endsWith('*'));
  return {
    client_id: c.clientId,
    ...(c.publicClient
      ? { token_endpoint_auth_method: 'none' }
      : { client_secret: c.secret, token_endpoint_auth_method: 'client_secret_basic' }),
    // oidc-provider takes implicit-flow http redirects only from native clients, on loopback.
    ...(loopbackOnly ? { application_type: 'native' as const } : {}),
    redirect_uris: c.redirectUris.map((u) => (u.endsWith('*') ? u.slice(0, -1) : u)),
    post_logout_redirect_uris: postLogout,
    response_types: responseTypes,
    grant_types: [
      ...(c.standardFlowEnabled ? ['authorization_code', 'refresh_token'] : []),
      ...(c.implicitFlowEnabled ? ['implicit'] : []),
    ],
  } as never;
}

function pem(certificate: string): string {
  if (certificate.includes('BEGIN CERTIFICATE')) return certificate;
  const body = certificate.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
}
