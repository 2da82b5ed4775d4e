/**
 * The authorization request: where the browser goes to log in, and the transaction to keep until the
 * IdP answers.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { type OidcSettings, withOidcDefaults } from '@ssokit/core';
import type { ProviderMetadata } from './discovery.ts';

/**
 * What must be kept server-side between the authorization request and the callback: JSON-serialisable,
 * stored with the transaction store, taken exactly once. Made by {@link buildAuthorizationRequest},
 * consumed by `processCallback`.
 *
 * @example
 * ```ts
 * import type { OidcTransaction } from '@ssokit/oidc';
 *
 * const stored = await storage.transactions.take(state);
 * const transaction = stored as unknown as OidcTransaction | null;
 * ```
 */
export interface OidcTransaction {
  flow: 'code' | 'implicit';
  /**
   * The `response_type` the authorization request asked for: `code` (code flow) or `id_token`
   * (implicit flow). The callback refuses parameters this type cannot produce. Absent from
   * transactions stored by earlier versions, where it is derived from `flow`.
   */
  responseType?: 'code' | 'id_token';
  /**
   * How the answer must arrive: `query` (the default response mode of `code`) or `form_post` (sent as
   * `response_mode` for the implicit flow). Absent from transactions stored by earlier versions,
   * where it is derived from `flow`.
   */
  responseMode?: 'query' | 'form_post';
  state: string;
  nonce: string;
  /** The PKCE verifier, for the code flow with PKCE. */
  codeVerifier?: string;
  redirectUri: string;
  /** The issuer discovery named when the login started; the callback must come from it. */
  issuer: string;
}

/**
 * Options of {@link buildAuthorizationRequest}.
 *
 * @example
 * ```ts
 * import type { AuthorizationRequestOptions } from '@ssokit/oidc';
 *
 * const options: AuthorizationRequestOptions = {
 *   redirectUri: 'https://app.example.com/sso/oidc/callback',
 *   prompt: 'select_account',
 *   extraParams: { hd: 'example.com' },
 * };
 * ```
 */
export interface AuthorizationRequestOptions {
  /** The callback URL registered at the IdP (`https://app.example.com/sso/oidc/callback`). */
  redirectUri: string;
  /** `prompt`, e.g. `'login'` to force re-authentication or `'select_account'`. Default: none. */
  prompt?: string;
  /** `login_hint`: the user's email or login, to prefill the IdP's form. Default: none. */
  loginHint?: string;
  /** `domain_hint` (Entra): skip home-realm discovery. Default: none. */
  domainHint?: string;
  /** `max_age`, in seconds. Default: none. */
  maxAgeSec?: number;
  /** Further parameters (e.g. `hd` for Google, `acr_values`). They cannot replace the ones ssokit sets. */
  extraParams?: Readonly<Record<string, string>>;
}

const RESERVED = new Set([
  'response_type',
  'response_mode',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
]);

/** A fresh random value with 256 bits of entropy, base64url-encoded (43 characters). */
function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Builds the authorization request URL and the transaction to store. Code flow: `response_type=code`
 * with PKCE (`S256`, `plain` or none, as the connection says). Implicit flow (W&B's default):
 * `response_type=id_token` with `response_mode=form_post`. Always a fresh `state` and `nonce`; scopes
 * are the connection's plus its additional scopes, with `openid` guaranteed.
 *
 * @example
 * ```ts
 * import { buildAuthorizationRequest } from '@ssokit/oidc';
 *
 * const { url, transaction } = buildAuthorizationRequest(connection.oidc, metadata, {
 *   redirectUri: 'https://app.example.com/sso/oidc/callback',
 * });
 * await storage.transactions.put(transaction.state, { ...transaction }, 10 * 60_000);
 * return Response.redirect(url, 302);
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest
 * @see https://www.rfc-editor.org/rfc/rfc7636
 */
export function buildAuthorizationRequest(
  settings: Pick<OidcSettings, 'clientId' | 'flow' | 'pkce' | 'scopes' | 'additionalScopes' | 'resource'>,
  metadata: Pick<ProviderMetadata, 'issuer' | 'authorization_endpoint'>,
  options: AuthorizationRequestOptions,
): { url: URL; transaction: OidcTransaction } {
  const { flow, pkce, scopes: requested } = withOidcDefaults(settings);
  const url = new URL(metadata.authorization_endpoint);
  const state = randomToken();
  const nonce = randomToken();
  const scopes = new Set(['openid', ...requested, ...(settings.additionalScopes ?? [])]);
  const params = url.searchParams;
  for (const [key, value] of Object.entries(options.extraParams ?? {})) {
    if (!RESERVED.has(key)) params.set(key, value);
  }
  params.set('client_id', settings.clientId);
  params.set('redirect_uri', options.redirectUri);
  params.set('scope', [...scopes].filter(Boolean).join(' '));
  params.set('state', state);
  params.set('nonce', nonce);
  const transaction: OidcTransaction = {
    flow,
    state,
    nonce,
    redirectUri: options.redirectUri,
    issuer: metadata.issuer,
  };
  if (flow === 'implicit') {
    params.set('response_type', 'id_token');
    params.set('response_mode', 'form_post');
    transaction.responseType = 'id_token';
    transaction.responseMode = 'form_post';
  } else {
    // No response_mode: `code`'s default, the query string (Multiple Response Type Encoding §2.1).
    params.set('response_type', 'code');
    transaction.responseType = 'code';
    transaction.responseMode = 'query';
    if (pkce !== 'none') {
      const verifier = randomToken();
      transaction.codeVerifier = verifier;
      params.set(
        'code_challenge',
        pkce === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url'),
      );
      params.set('code_challenge_method', pkce);
    }
  }
  if (settings.resource) params.set('resource', settings.resource);
  if (options.prompt) params.set('prompt', options.prompt);
  if (options.loginHint) params.set('login_hint', options.loginHint);
  if (options.domainHint) params.set('domain_hint', options.domainHint);
  if (options.maxAgeSec !== undefined) params.set('max_age', String(options.maxAgeSec));
  return { url, transaction };
}
