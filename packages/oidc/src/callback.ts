/**
 * The callback: the IdP's answer, checked in one fixed order, then the code exchange, the ID token,
 * userinfo and (for Entra) group overage.
 *
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import type { Clock, GroupsClaim, IdentityKey, OidcSettings } from '@ssokit/core';
import { ConfigError, now as nowSymbol, readTextWithLimit, SsoError } from '@ssokit/core';
import type { JwsAlgorithm } from './algorithms.ts';
import type { OidcTransaction } from './authorization.ts';
import type { ProviderMetadata } from './discovery.ts';
import { type EntraOverageOptions, matchIssuer, resolveGroupOverage } from './entra.ts';
import type { HttpOptions } from './http-options.ts';
import { type IdTokenClaims, validateIdToken } from './id-token.ts';
import { clean } from './internal/http.ts';
import { fetchUserInfo } from './internal/userinfo.ts';
import type { JwksCache } from './jwks.ts';
import { exchangeCode, type OidcTokens } from './token-endpoint.ts';

const MAX_CALLBACK_BYTES = 64 * 1024;
/** The default of `maxIdTokenAgeSec`: 5 minutes. */
const DEFAULT_MAX_ID_TOKEN_AGE_SEC = 300;

/**
 * How the authorization response reached the callback: the query string of a GET (`query`, the code
 * flow's default response mode), or the form body of a POST (`form_post`).
 *
 * @example
 * ```ts
 * import { type ResponseMode, readCallbackParameters } from '@ssokit/oidc';
 *
 * const mode: ResponseMode = (await readCallbackParameters(request)).responseMode;
 * ```
 * @see https://openid.net/specs/oauth-v2-multiple-response-types-1_0.html#ResponseModes
 */
export type ResponseMode = 'query' | 'form_post';

/**
 * The callback parameters as {@link readCallbackParameters} returns them: the parameters, and how they
 * arrived, which {@link processCallback} compares with the response mode the login asked for. A caller
 * that reads the request another way attaches the mode itself (see the example); without it the mode
 * is not checked. Copying into a new `URLSearchParams` drops it.
 *
 * @example
 * ```ts
 * import type { CallbackParameters } from '@ssokit/oidc';
 *
 * // A form_post body read by a framework's own body parser:
 * const params: CallbackParameters = Object.assign(new URLSearchParams(rawBody), {
 *   responseMode: 'form_post' as const,
 * });
 * ```
 * @see https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html#FormPostResponseMode
 */
export type CallbackParameters = URLSearchParams & { readonly responseMode: ResponseMode };

/**
 * Reads the callback parameters from a Web `Request`: the query string of a GET, or the
 * `application/x-www-form-urlencoded` body of a POST (`response_mode=form_post`), and records which
 * (`responseMode`). Other methods are `method_not_allowed` (Allow: GET, POST), other content types
 * `invalid_request`, and bodies over 64 KiB `payload_too_large`. A parameter that appears more than
 * once is `invalid_request` (`details.reason: 'duplicate_parameter'`), refused here, before the
 * caller looks the state up or takes the transaction.
 *
 * @example
 * ```ts
 * import { readCallbackParameters } from '@ssokit/oidc';
 *
 * const params = await readCallbackParameters(request);
 * params.get('state');
 * params.responseMode; // 'query' or 'form_post'
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthResponse
 * @see https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1
 */
export async function readCallbackParameters(request: Request): Promise<CallbackParameters> {
  let params: URLSearchParams;
  let responseMode: ResponseMode;
  if (request.method === 'GET') {
    params = new URL(request.url).searchParams;
    responseMode = 'query';
  } else if (request.method !== 'POST') {
    throw new SsoError('method_not_allowed', `The callback does not accept ${request.method} requests.`, {
      details: { allow: 'GET, POST' },
    });
  } else {
    const type = request.headers.get('content-type') ?? '';
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      throw new SsoError(
        'invalid_request',
        'The callback POST must be application/x-www-form-urlencoded (response_mode=form_post).',
      );
    }
    // Streamed and cut at the limit (a chunked body has no Content-Length to trust).
    params = new URLSearchParams(
      await readTextWithLimit(request.body, MAX_CALLBACK_BYTES, 'The callback body'),
    );
    responseMode = 'form_post';
  }
  checkNoDuplicates(params);
  return Object.assign(params, { responseMode });
}

/**
 * RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once." Two `state`,
 * `code`, `id_token` or `iss` values leave it open which one a check read and which one was used, so
 * a repeated parameter, whatever its name, is refused.
 */
function checkNoDuplicates(params: URLSearchParams): void {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) {
      throw new SsoError(
        'invalid_request',
        `The callback has the parameter "${clean(name)}" more than once; each may appear only once (RFC 6749 §3.1). Start the login again; if it keeps happening, a proxy or the identity provider is adding parameters to the callback.`,
        { details: { reason: 'duplicate_parameter', parameter: clean(name) } },
      );
    }
    seen.add(name);
  }
}

/**
 * Dependencies of {@link processCallback}: the key cache, the transport options, and the algorithm
 * and Entra overage settings.
 *
 * @example
 * ```ts
 * import { type CallbackDependencies, createJwksCache } from '@ssokit/oidc';
 *
 * const deps: CallbackDependencies = { keys: createJwksCache(), algorithms: ['RS256'], entraOverage: false };
 * ```
 */
export interface CallbackDependencies extends HttpOptions {
  keys: JwksCache;
  /**
   * Allowed ID token algorithms, the client's registered choice. A token's `alg` must also be one the
   * OP lists in `id_token_signing_alg_values_supported`. Default: every asymmetric algorithm the OP
   * lists, or RS256 alone when it lists none (OIDC Core §3.1.3.7 step 7).
   */
  algorithms?: readonly JwsAlgorithm[];
  /** Entra group overage resolution. Default: on, against Microsoft Graph v1.0. */
  entraOverage?: EntraOverageOptions | false;
  /**
   * The oldest an ID token delivered through the browser (the implicit flow's form_post) may be, in
   * seconds after its `iat`, beyond the clock tolerance. Such a token is not fresh from the token
   * endpoint, so a copy taken from an old login could otherwise be replayed until it expires
   * (OIDC Core §3.2.2.11). Default: 300 (5 minutes). Tokens from the token endpoint are not subject
   * to it.
   */
  maxIdTokenAgeSec?: number;
  [nowSymbol]?: Clock;
}

/**
 * The outcome of a valid callback, ready for `completeLogin` of `@ssokit/core`.
 *
 * @example
 * ```ts
 * import type { CallbackResult } from '@ssokit/oidc';
 *
 * function summary(result: CallbackResult): string {
 *   return `${result.identity.subject} at ${result.identity.issuer}, groups: ${result.groups?.state ?? 'from claims'}`;
 * }
 * ```
 */
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
 * no parameter repeated (`invalid_request`, `duplicate_parameter`) → `state` equals the transaction's
 * (`invalid_state`) → the answer arrived by the response mode the login asked for: the query for the
 * code flow, form_post for the implicit flow, when `params` says how it arrived (`invalid_request`,
 * `response_mode`) → no parameter the requested response type cannot produce: `id_token`,
 * `access_token` or a JARM `response` in the code flow, `code`, `access_token` or `response` in the
 * implicit flow (`invalid_request`, `unexpected_parameter`) → an IdP error answer (`idp_error`, with
 * the IdP's `error` and `error_description`) → RFC 9207 `iss` when present or advertised
 * (`invalid_state`) → the authorization code exchanged at the token endpoint (code flow; `idp_error` /
 * `idp_unreachable`) or the form_post `id_token` (implicit flow) → the ID token validated in full,
 * signature included, its `alg` one the OP advertises (`id_token_invalid`), and for the implicit flow
 * issued at most `maxIdTokenAgeSec` ago → userinfo, whose `sub` must match (`userinfo_invalid`) →
 * Entra group overage. Every check before the code exchange runs before any request to the IdP.
 *
 * The caller takes the transaction from storage (exactly once, bound to the connection) before
 * calling this.
 *
 * @example
 * ```ts
 * import { completeLogin } from '@ssokit/core';
 * import { type OidcTransaction, processCallback, readCallbackParameters } from '@ssokit/oidc';
 *
 * const params = await readCallbackParameters(request);
 * const stored = await storage.transactions.take(params.get('state') ?? ''); // exactly once
 * if (stored === null) throw new Error('unknown or expired login');
 * const transaction = stored as unknown as OidcTransaction;
 * const result = await processCallback(params, transaction, connection.oidc, metadata, { keys });
 * await completeLogin(
 *   { connection, identity: result.identity, claims: result.claims, ...(result.groups ? { groups: result.groups } : {}) },
 *   { store: storage.login },
 * );
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
  const requested = requestedResponse(transaction, settings);
  if (settings.userInfo === 'userinfo' && requested.type === 'id_token') {
    throw new ConfigError([
      {
        path: 'oidc.userInfo',
        message:
          'the implicit flow has no access token to call userinfo with; use the code flow or "id_token".',
      },
    ]);
  }

  checkNoDuplicates(params);
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
  checkResponseMode(params, requested.mode, error);
  checkResponseParameters(params, requested.type);
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
  if (requested.type === 'id_token') {
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
    // OIDC Core §3.1.3.7 step 7 with OIDC Discovery §3: the algorithms the OP advertises, RS256 when
    // it advertises none.
    advertisedAlgorithms: metadata.id_token_signing_alg_values_supported ?? null,
    ...(settings.clockToleranceSec === undefined ? {} : { clockToleranceSec: settings.clockToleranceSec }),
    // OIDC Core §3.2.2.11: a token from the browser, not the token endpoint, must be recent.
    ...(requested.type === 'id_token'
      ? { maxIdTokenAgeSec: deps.maxIdTokenAgeSec ?? DEFAULT_MAX_ID_TOKEN_AGE_SEC }
      : {}),
    ...(tokens.accessToken === undefined ? {} : { accessToken: tokens.accessToken }),
    ...(requested.type === 'code' ? { code: params.get('code') as string } : {}),
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

/**
 * The response type and mode the login asked for: recorded in the transaction by
 * `buildAuthorizationRequest`, or, for a transaction stored before they were recorded, derived from
 * its flow (then the connection's): the code flow is `code` in the query (the default response mode of
 * `code`), the implicit flow `id_token` by form_post.
 */
function requestedResponse(
  transaction: OidcTransaction,
  settings: OidcSettings,
): { type: 'code' | 'id_token'; mode: ResponseMode } {
  const type =
    transaction.responseType ?? ((transaction.flow ?? settings.flow) === 'implicit' ? 'id_token' : 'code');
  const mode = transaction.responseMode ?? (type === 'id_token' ? 'form_post' : 'query');
  if ((type !== 'code' && type !== 'id_token') || (mode !== 'query' && mode !== 'form_post')) {
    throw new SsoError(
      'invalid_state',
      'The stored login names a response type or mode this version does not handle. Start the login again.',
      { details: { reason: 'transaction' } },
    );
  }
  return { type, mode };
}

/**
 * The answer must arrive by the response mode the login asked for (OAuth 2.0 Multiple Response Type
 * Encoding Practices §2.1: `query` is the default mode of `code`; Form Post Response Mode §2: the
 * parameters "are transmitted via the HTTP POST method"): an implicit login's ID token in a query
 * string is not what the OP sends, and a code-flow answer posted as a form is not either. Checked when
 * `params` says how it arrived (`readCallbackParameters` does). An IdP error answer in the wrong mode
 * is refused too, with the IdP's `error` in the details.
 */
function checkResponseMode(params: URLSearchParams, expected: ResponseMode, error: string | null): void {
  const received = (params as Partial<CallbackParameters>).responseMode;
  if (received === undefined || received === expected) return;
  const how = (mode: ResponseMode) =>
    mode === 'query' ? 'in the query string (GET)' : 'as a form post (POST)';
  throw new SsoError(
    'invalid_request',
    `The callback arrived ${how(received)}, but the login asked for the answer ${how(expected)}${error === null ? '' : ` (the identity provider answered with the error ${clean(error)})`}. Start the login again; if it keeps happening, check the response mode the identity provider uses for this client.`,
    {
      details: {
        reason: 'response_mode',
        expected,
        received,
        ...(error === null ? {} : { error: clean(error) }),
      },
    },
  );
}

/**
 * Parameters the requested response type cannot produce: RFC 6749 §4.1.2 (`code` returns the code and
 * the state), OAuth 2.0 Multiple Response Type Encoding Practices §3 (`id_token` returns an ID token
 * and no access token) and §5 (what each combination returns, so any other token was not asked for),
 * and JARM §2 (a `response` parameter only for a `*.jwt` response mode, never requested here): tokens
 * in a code-flow callback, a code or an access token where only an `id_token` was asked for.
 */
const UNEXPECTED: Record<'code' | 'id_token', readonly string[]> = {
  code: ['id_token', 'access_token', 'response'],
  id_token: ['code', 'access_token', 'response'],
};

function checkResponseParameters(params: URLSearchParams, type: 'code' | 'id_token'): void {
  for (const name of UNEXPECTED[type]) {
    if (params.has(name)) {
      throw new SsoError(
        'invalid_request',
        `The callback carries "${name}", which the login did not ask for (response_type=${type}). Start the login again; if it keeps happening, check the response type the identity provider uses for this client.`,
        { details: { reason: 'unexpected_parameter', parameter: name, responseType: type } },
      );
    }
  }
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
  // Any tenant of Entra's template is the expected authorization server here (the mix-up defence);
  // which tenants may log in is checked on the ID token, whose `tid` and `iss` are signed.
  if (!matchIssuer(iss, expected, 'any').matches) {
    throw new SsoError(
      'invalid_state',
      `The callback comes from the issuer "${clean(iss)}", not "${expected}" (RFC 9207 mix-up defence).`,
      {
        details: { reason: 'iss' },
      },
    );
  }
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
