/**
 * The callback: the IdP's answer, checked in one fixed order, then the code exchange, the ID token,
 * userinfo and (for Entra) group overage.
 *
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import type { Clock, GroupsClaim, IdentityKey, OidcSettings } from '@ssokit/core';
import { ConfigError, customFetch, now as nowSymbol, SsoError } from '@ssokit/core';
import * as oauth from 'oauth4webapi';
import type { OidcTransaction } from './authorization.ts';
import type { ProviderMetadata } from './discovery.ts';
import { type EntraOverageOptions, resolveGroupOverage } from './entra.ts';
import { type IdTokenClaims, validateIdToken } from './id-token.ts';
import {
  assertIdpUrl,
  DEFAULT_TIMEOUT_MS,
  type HttpOptions,
  jsonObject,
  readIdpResponse,
  requestIdp,
  unreachable,
} from './internal/http.ts';
import type { JwsAlgorithm } from './internal/jws.ts';
import type { JwksCache } from './jwks.ts';

const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * Reads the callback parameters from a Web `Request`: the query string of a GET, or the
 * `application/x-www-form-urlencoded` body of a POST (`response_mode=form_post`). Other methods are
 * `method_not_allowed` (Allow: GET, POST), other content types `invalid_request`, and bodies over
 * 64 KiB `payload_too_large`.
 *
 * @example
 * ```ts
 * const params = await readCallbackParameters(request);
 * ```
 */
export async function readCallbackParameters(request: Request): Promise<URLSearchParams> {
  if (request.method === 'GET') return new URL(request.url).searchParams;
  if (request.method !== 'POST')
    throw new SsoError('method_not_allowed', `The callback does not accept ${request.method} requests.`, {
      details: { allow: 'GET, POST' },
    });
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new SsoError(
      'invalid_request',
      'The callback POST must be application/x-www-form-urlencoded (response_mode=form_post).',
    );
  }
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_CALLBACK_BYTES)
    throw new SsoError('payload_too_large', 'The callback body is too large.');
  const body = await request.text();
  if (body.length > MAX_CALLBACK_BYTES)
    throw new SsoError('payload_too_large', 'The callback body is too large.');
  return new URLSearchParams(body);
}

/** Dependencies of {@link processCallback}. */
export interface CallbackDependencies extends HttpOptions {
  keys: JwksCache;
  /** Allowed ID token algorithms. Default: every asymmetric algorithm. */
  algorithms?: readonly JwsAlgorithm[];
  /** Entra group overage resolution. Default: on, against Microsoft Graph v1.0. */
  entraOverage?: EntraOverageOptions | false;
  [nowSymbol]?: Clock;
}

/** The tokens of a finished login. Treat them as secrets. */
export interface OidcTokens {
  idToken: string;
  accessToken?: string;
  refreshToken?: string;
  tokenType?: string;
  expiresIn?: number;
  scope?: string;
}

/** The outcome of a valid callback, ready for `completeLogin`. */
export interface CallbackResult {
  /** `(iss, sub)` of the ID token. */
  identity: IdentityKey;
  /** The ID token claims, with userinfo claims merged in (never over the protocol claims). */
  claims: Record<string, unknown>;
  idTokenClaims: IdTokenClaims;
  tokens: OidcTokens;
  /** Groups resolved from Entra's overage indication, when the token had one. */
  groups?: GroupsClaim;
}

/** ID token claims userinfo can never replace. */
const PROTECTED = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'nonce',
  'azp',
  'auth_time',
  'at_hash',
  'c_hash',
  'acr',
  'amr',
  'sid',
  'tid',
]);

/**
 * Validates the IdP's answer and finishes the login, in this order, each failure with one code:
 * `state` equals the transaction's (`invalid_state`) → an IdP error answer (`idp_error`, with the IdP's
 * `error` and `error_description`) → RFC 9207 `iss` when present or advertised (`invalid_state`) → the
 * authorization code exchanged at the token endpoint (code flow; `idp_error` / `idp_unreachable`) or
 * the form_post `id_token` (implicit flow) → the ID token validated in full, signature included
 * (`id_token_invalid`) → userinfo, whose `sub` must match (`userinfo_invalid`) → Entra group overage.
 *
 * The caller takes the transaction from storage (exactly once, bound to the connection) before
 * calling this.
 *
 * @example
 * ```ts
 * import { processCallback, readCallbackParameters } from '@ssokit/oidc';
 *
 * const params = await readCallbackParameters(request);
 * const transaction = await storage.transactions.take(params.get('state') ?? '');
 * const result = await processCallback(params, transaction, connection.oidc, metadata, { keys });
 * await completeLogin({ connection, identity: result.identity, claims: result.claims, groups: result.groups }, deps);
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
 * @see https://www.rfc-editor.org/rfc/rfc9207
 */
export async function processCallback(
  params: URLSearchParams,
  transaction: OidcTransaction,
  settings: OidcSettings,
  metadata: ProviderMetadata,
  deps: CallbackDependencies,
): Promise<CallbackResult> {
  if (settings.verifySignature === false) {
    throw new ConfigError([
      { path: 'oidc.verifySignature', message: 'ssokit verifies every ID token signature; set it to true.' },
    ]);
  }
  if (settings.userInfo === 'userinfo' && transaction.flow === 'implicit') {
    throw new ConfigError([
      {
        path: 'oidc.userInfo',
        message:
          'the implicit flow has no access token to call userinfo with; use the code flow or "id_token".',
      },
    ]);
  }

  const state = params.get('state');
  if (state === null || !sameString(state, transaction.state)) {
    throw new SsoError(
      'invalid_state',
      'The callback does not belong to this login (state mismatch). Start the login again.',
      {
        details: { reason: 'state' },
      },
    );
  }
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    throw new SsoError(
      'idp_error',
      `The identity provider refused the login: ${clean(error)}${description ? ` (${clean(description)})` : ''}.`,
      { details: { error: clean(error), ...(description ? { error_description: clean(description) } : {}) } },
    );
  }
  checkResponseIssuer(params.get('iss'), metadata, params.has('id_token'));

  let idToken: string;
  let tokens: OidcTokens;
  if (transaction.flow === 'implicit') {
    const value = params.get('id_token');
    if (!value) throw new SsoError('invalid_request', 'The form_post callback carries no id_token.');
    idToken = value;
    tokens = { idToken };
  } else {
    const code = params.get('code');
    if (!code) throw new SsoError('invalid_request', 'The callback carries no authorization code.');
    tokens = await exchangeCode(code, transaction, settings, metadata, deps);
    idToken = tokens.idToken;
  }

  const idTokenClaims = await validateIdToken(idToken, {
    issuer: transaction.issuer,
    ...(settings.tenants === undefined ? {} : { tenants: settings.tenants }),
    clientId: settings.clientId,
    audience: settings.audience ?? [],
    nonce: transaction.nonce,
    jwksUri: metadata.jwks_uri,
    keys: deps.keys,
    ...(deps.algorithms ? { algorithms: deps.algorithms } : {}),
    ...(settings.clockToleranceSec === undefined ? {} : { clockToleranceSec: settings.clockToleranceSec }),
    ...(tokens.accessToken === undefined ? {} : { accessToken: tokens.accessToken }),
    ...(transaction.flow === 'code' ? { code: params.get('code') as string } : {}),
    ...(deps[nowSymbol] ? { [nowSymbol]: deps[nowSymbol] } : {}),
  });

  const claims: Record<string, unknown> = { ...idTokenClaims };
  if (settings.userInfo === 'userinfo') {
    const info = await fetchUserInfo(metadata, tokens.accessToken as string, idTokenClaims.sub, deps);
    for (const [name, value] of Object.entries(info)) if (!PROTECTED.has(name)) claims[name] = value;
  }
  const result: CallbackResult = {
    identity: { issuer: idTokenClaims.iss, subject: idTokenClaims.sub },
    claims,
    idTokenClaims,
    tokens,
  };
  if (deps.entraOverage !== false) {
    const groups = await resolveGroupOverage(claims, tokens.accessToken, {
      ...deps,
      ...(deps.entraOverage ?? {}),
    });
    if (groups) result.groups = groups;
  }
  return result;
}

function checkResponseIssuer(iss: string | null, metadata: ProviderMetadata, hasIdToken: boolean): void {
  if (iss === null) {
    // A response with an ID token is protected by the token's own, signed `iss` (RFC 9207 §2.4), and
    // OPs leave the parameter out of such responses.
    if (metadata.authorization_response_iss_parameter_supported === true && !hasIdToken) {
      throw new SsoError(
        'invalid_state',
        'The identity provider advertises the "iss" callback parameter (RFC 9207) but the callback has none.',
        {
          details: { reason: 'iss' },
        },
      );
    }
    return;
  }
  const expected = metadata.issuer;
  const matches = expected.includes('{tenantid}')
    ? new RegExp(`^${escapeRegex(expected).replace('\\{tenantid\\}', '[0-9A-Za-z-]{1,64}')}$`).test(iss)
    : iss === expected;
  if (!matches) {
    throw new SsoError(
      'invalid_state',
      `The callback comes from the issuer "${clean(iss)}", not "${expected}" (RFC 9207 mix-up defence).`,
      {
        details: { reason: 'iss' },
      },
    );
  }
}

async function exchangeCode(
  code: string,
  transaction: OidcTransaction,
  settings: OidcSettings,
  metadata: ProviderMetadata,
  deps: CallbackDependencies,
): Promise<OidcTokens> {
  if (!metadata.token_endpoint)
    throw new SsoError(
      'discovery_failed',
      'The identity provider has no token endpoint; the code flow needs one.',
    );
  const tokenUrl = assertIdpUrl(metadata.token_endpoint, 'the token endpoint', deps);
  const as: oauth.AuthorizationServer = { issuer: metadata.issuer, token_endpoint: tokenUrl.href };
  const client: oauth.Client = { client_id: settings.clientId };
  // oauth4webapi re-checks state; `iss` was checked above (it also knows Entra's template), so it is
  // left out here. Only the parameters the grant needs go through.
  const callback = new URLSearchParams({ code, state: transaction.state });
  const validated = oauth.validateAuthResponse(as, client, callback, transaction.state);
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const doFetch = deps[customFetch] ?? ((input: string, init: RequestInit) => fetch(input, init));
  let response: Response;
  try {
    response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuthentication(settings, metadata),
      validated,
      transaction.redirectUri,
      transaction.codeVerifier ?? oauth.nopkce,
      {
        signal,
        [oauth.customFetch]: (url: string, init: RequestInit) =>
          doFetch(url, { ...init, redirect: 'manual' }),
        // assertIdpUrl already allowed http only on loopback (or by the explicit escape hatch).
        [oauth.allowInsecureRequests]: tokenUrl.protocol === 'http:',
      },
    );
  } catch (cause) {
    throw unreachable(tokenUrl, 'the token endpoint', cause, signal, timeoutMs);
  }
  const answer = await readIdpResponse(response, tokenUrl, 'the token endpoint', deps);
  if (answer.status !== 200) {
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(answer.body) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    if (body && typeof body.error === 'string' && answer.status >= 400 && answer.status < 500) {
      const description = typeof body.error_description === 'string' ? body.error_description : undefined;
      throw new SsoError(
        'idp_error',
        `The token endpoint refused the code: ${clean(body.error)}${description ? ` (${clean(description)})` : ''}.`,
        {
          details: {
            error: clean(body.error),
            status: answer.status,
            ...(description ? { error_description: clean(description) } : {}),
          },
        },
      );
    }
    throw new SsoError(
      'idp_unreachable',
      `The token endpoint at ${answer.url} answered HTTP ${answer.status}.`,
      {
        details: { url: answer.url, status: answer.status },
      },
    );
  }
  const body = jsonObject(answer, 'the token endpoint', 'idp_unreachable');
  const {
    id_token: idToken,
    access_token: accessToken,
    token_type: tokenType,
    refresh_token: refreshToken,
    expires_in: expiresIn,
    scope,
  } = body;
  if (typeof idToken !== 'string')
    throw new SsoError('id_token_invalid', 'The token endpoint answered without an id_token.', {
      details: { reason: 'missing' },
    });
  if (
    typeof accessToken !== 'string' ||
    typeof tokenType !== 'string' ||
    !['bearer', 'dpop'].includes(tokenType.toLowerCase())
  ) {
    throw new SsoError(
      'idp_unreachable',
      `The token endpoint at ${answer.url} answered without a valid access_token and token_type.`,
      {
        details: { url: answer.url },
      },
    );
  }
  return {
    idToken,
    accessToken,
    tokenType,
    ...(typeof refreshToken === 'string' ? { refreshToken } : {}),
    ...(typeof expiresIn === 'number' ? { expiresIn } : {}),
    ...(typeof scope === 'string' ? { scope } : {}),
  };
}

function clientAuthentication(settings: OidcSettings, metadata: ProviderMetadata): oauth.ClientAuth {
  const secret = settings.clientSecret;
  const supported = metadata.token_endpoint_auth_methods_supported;
  const method =
    settings.tokenEndpointAuthMethod ??
    (secret === undefined
      ? 'none'
      : supported && !supported.includes('client_secret_basic') && supported.includes('client_secret_post')
        ? 'client_secret_post'
        : 'client_secret_basic');
  if (method === 'none') return oauth.None();
  if (secret === undefined) {
    throw new ConfigError([
      {
        path: 'oidc.clientSecret',
        message: `"${method}" needs the client secret; set it, or use "none" for a public client.`,
      },
    ]);
  }
  return method === 'client_secret_post' ? oauth.ClientSecretPost(secret) : oauth.ClientSecretBasic(secret);
}

async function fetchUserInfo(
  metadata: ProviderMetadata,
  accessToken: string,
  subject: string,
  deps: CallbackDependencies,
): Promise<Record<string, unknown>> {
  if (!metadata.userinfo_endpoint) {
    throw new ConfigError([
      {
        path: 'oidc.endpoints.userinfo',
        message: 'the identity provider has no userinfo endpoint; set one or use "id_token".',
      },
    ]);
  }
  const url = assertIdpUrl(metadata.userinfo_endpoint, 'the userinfo endpoint', deps, 'userinfo_invalid');
  const response = await requestIdp(
    url,
    { headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` } },
    'the userinfo endpoint',
    deps,
  );
  if ((response.headers.get('content-type') ?? '').toLowerCase().startsWith('application/jwt')) {
    throw new SsoError(
      'userinfo_invalid',
      'Signed or encrypted userinfo responses are not supported; configure the IdP to answer with JSON.',
    );
  }
  const info = jsonObject(response, 'the userinfo endpoint', 'userinfo_invalid');
  if (info.sub !== subject) {
    throw new SsoError(
      'userinfo_invalid',
      'The userinfo "sub" differs from the ID token\'s; the answer is not about this user.',
      {
        details: { reason: 'sub' },
      },
    );
  }
  return info;
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** IdP-supplied text, made safe to show: printable ASCII, at most 200 characters. */
function clean(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 200 ? `${printable.slice(0, 200)}…` : printable;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
