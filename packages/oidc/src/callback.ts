/**
 * The callback: the IdP's answer, checked in one fixed order, then the code exchange, the ID token,
 * the claims of userinfo or the access token when the connection reads them, and (for Entra) group
 * overage.
 *
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import type { Clock, GroupsClaim, IdentityKey, OidcSettings } from '@ssokit/core';
import { ConfigError, now as nowSymbol, printable, SsoError } from '@ssokit/core';
import type { JwsAlgorithm } from './algorithms.ts';
import type { OidcTransaction } from './authorization.ts';
import {
  checkNoDuplicates,
  checkResponseMode,
  checkResponseParameters,
  requestedResponse,
} from './callback-parameters.ts';
import type { ProviderMetadata } from './discovery.ts';
import { type EntraOverageOptions, isEntraIssuer, matchIssuer, resolveGroupOverage } from './entra.ts';
import type { HttpOptions } from './http-options.ts';
import { type IdTokenClaims, validateIdToken } from './id-token.ts';
import { collectClaims } from './internal/login-claims.ts';
import type { JwksCache } from './jwks.ts';
import { exchangeCode, type OidcTokens } from './token-endpoint.ts';

/** The default of `maxIdTokenAgeSec`: 5 minutes. */
const DEFAULT_MAX_ID_TOKEN_AGE_SEC = 300;

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
  /**
   * The ID token claims, with the userinfo or access token claims layered over them when
   * `settings.userInfo` says so (never over the ID token's protocol claims: `iss`, `sub`, `aud`, `exp`,
   * `nonce`, `sid`, ...).
   */
  claims: Record<string, unknown>;
  idTokenClaims: IdTokenClaims;
  tokens: OidcTokens;
  /** Groups resolved from Entra's overage indication, when the token had one. */
  groups?: GroupsClaim;
}

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
 * issued at most `maxIdTokenAgeSec` ago → with `userInfo: 'userinfo'`, userinfo, whose `sub` must match
 * (`userinfo_invalid`); with `userInfo: 'access_token'`, the access token, a JWT checked by the bearer
 * verifier's rules (signature from the IdP's JWKS, algorithm, `typ`, `iss`, times, kind, an audience the
 * connection accepts) whose `sub` must be the ID token's (`access_token_invalid`) → Entra group
 * overage. Every check before the code exchange runs before any request to the IdP.
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
  if (settings.userInfo === 'access_token' && requested.type === 'id_token') {
    throw new ConfigError([
      {
        path: 'oidc.userInfo',
        message:
          'the implicit flow (response_type=id_token) returns no access token to read claims from; use the code flow or "id_token".',
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
      `The identity provider refused the login: ${printable(error)}${description ? ` (${printable(description)})` : ''}.`,
      {
        details: {
          error: printable(error),
          ...(description ? { error_description: printable(description) } : {}),
        },
      },
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

  const claims = await collectClaims(idTokenClaims, tokens, {
    ...deps,
    settings,
    metadata,
    issuer: transaction.issuer,
  });
  const result: CallbackResult = {
    identity: { issuer: idTokenClaims.iss, subject: idTokenClaims.sub },
    claims,
    idTokenClaims,
    tokens,
  };
  // Only Entra's tokens are resolved through Microsoft Graph: another IdP's access token is never sent
  // to Microsoft, whatever its claims say about overage.
  if (deps.entraOverage !== false && isEntraIssuer(idTokenClaims.iss)) {
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
  // Any tenant of Entra's template is the expected authorization server here (the mix-up defence);
  // which tenants may log in is checked on the ID token, whose `tid` and `iss` are signed.
  if (!matchIssuer(iss, expected, 'any').matches) {
    throw new SsoError(
      'invalid_state',
      `The callback comes from the issuer "${printable(iss)}", not "${expected}" (RFC 9207 mix-up defence).`,
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
