/**
 * Logout at the IdP: the RP-initiated logout URL, and token revocation.
 *
 * @module
 */

import type { OidcSettings } from '@ssokit/core';
import { customFetch, SsoError } from '@ssokit/core';
import * as oauth from 'oauth4webapi';
import type { ProviderMetadata } from './discovery.ts';
import type { HttpOptions } from './http-options.ts';
import { assertIdpUrl, DEFAULT_TIMEOUT_MS, readIdpResponse, unreachable } from './internal/http.ts';

/**
 * Options of {@link buildEndSessionUrl}.
 *
 * @example
 * ```ts
 * import type { EndSessionOptions } from '@ssokit/oidc';
 *
 * const options: EndSessionOptions = {
 *   idTokenHint: tokens.idToken,
 *   postLogoutRedirectUri: 'https://app.example.com/',
 *   state: 'after-logout',
 * };
 * ```
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
 */
export interface EndSessionOptions {
  /** The ID token of the session, so the IdP knows whom to log out without asking. */
  idTokenHint?: string;
  /** Where the IdP sends the browser afterwards; must be registered at the IdP. */
  postLogoutRedirectUri?: string;
  /** Echoed back to `postLogoutRedirectUri`. */
  state?: string;
  /** Sent as `client_id` (needed by some IdPs when there is no `id_token_hint`). */
  clientId?: string;
}

/**
 * The RP-initiated logout URL, or `null` when the IdP has no `end_session_endpoint` (Cognito, for one:
 * it has a non-standard `/logout`, configurable as the `endSession` endpoint override).
 *
 * @example
 * ```ts
 * import { buildEndSessionUrl } from '@ssokit/oidc';
 *
 * const url = buildEndSessionUrl(metadata, { idTokenHint: session.idToken, postLogoutRedirectUri: 'https://app.example.com/' });
 * return url ? Response.redirect(url, 302) : Response.redirect('/', 302);
 * ```
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html
 */
export function buildEndSessionUrl(
  metadata: Pick<ProviderMetadata, 'end_session_endpoint'>,
  options: EndSessionOptions = {},
): URL | null {
  if (!metadata.end_session_endpoint) return null;
  const url = new URL(metadata.end_session_endpoint);
  if (options.idTokenHint) url.searchParams.set('id_token_hint', options.idTokenHint);
  if (options.postLogoutRedirectUri)
    url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectUri);
  if (options.state) url.searchParams.set('state', options.state);
  if (options.clientId) url.searchParams.set('client_id', options.clientId);
  return url;
}

/**
 * Revokes a token at the IdP's revocation endpoint (RFC 7009). Returns `false` when the IdP has none.
 * Fails with `idp_error` or `idp_unreachable`.
 *
 * @example
 * ```ts
 * import { revokeToken } from '@ssokit/oidc';
 *
 * await revokeToken(connection.oidc, metadata, session.refreshToken, 'refresh_token');
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7009
 */
export async function revokeToken(
  settings: Pick<OidcSettings, 'clientId' | 'clientSecret' | 'tokenEndpointAuthMethod'>,
  metadata: Pick<ProviderMetadata, 'issuer' | 'revocation_endpoint'>,
  token: string,
  hint: 'access_token' | 'refresh_token' = 'access_token',
  options: HttpOptions = {},
): Promise<boolean> {
  if (!metadata.revocation_endpoint) return false;
  const url = assertIdpUrl(
    metadata.revocation_endpoint,
    'the revocation endpoint',
    options,
    'idp_unreachable',
  );
  const as: oauth.AuthorizationServer = { issuer: metadata.issuer, revocation_endpoint: url.href };
  const method =
    settings.tokenEndpointAuthMethod ??
    (settings.clientSecret === undefined ? 'none' : 'client_secret_basic');
  const auth =
    method === 'none' || settings.clientSecret === undefined
      ? oauth.None()
      : method === 'client_secret_post'
        ? oauth.ClientSecretPost(settings.clientSecret)
        : oauth.ClientSecretBasic(settings.clientSecret);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const doFetch = options[customFetch] ?? ((input: string, init: RequestInit) => fetch(input, init));
  let response: Response;
  try {
    response = await oauth.revocationRequest(as, { client_id: settings.clientId }, auth, token, {
      signal,
      additionalParameters: { token_type_hint: hint },
      [oauth.customFetch]: (u: string, init: RequestInit) => doFetch(u, { ...init, redirect: 'manual' }),
      [oauth.allowInsecureRequests]: url.protocol === 'http:',
    });
  } catch (cause) {
    throw unreachable(url, 'the revocation endpoint', cause, signal, timeoutMs);
  }
  const answer = await readIdpResponse(response, url, 'the revocation endpoint', options);
  if (answer.status === 200) return true;
  throw new SsoError(
    answer.status >= 400 && answer.status < 500 ? 'idp_error' : 'idp_unreachable',
    `The revocation endpoint at ${answer.url} answered HTTP ${answer.status}.`,
    { details: { url: answer.url, status: answer.status } },
  );
}
