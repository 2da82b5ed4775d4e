/**
 * The token endpoint: the code exchange of the code flow, and the tokens it returns.
 *
 * @module
 */
import type { OidcSettings } from '@ssokit/core';
import { ConfigError, customFetch, printable, SsoError } from '@ssokit/core';
import * as oauth from 'oauth4webapi';
import type { OidcTransaction } from './authorization.ts';
import type { ProviderMetadata } from './discovery.ts';
import type { HttpOptions } from './http-options.ts';
import {
  assertIdpUrl,
  DEFAULT_TIMEOUT_MS,
  jsonObject,
  readIdpResponse,
  unreachable,
} from './internal/http.ts';

/**
 * The tokens of a finished login. Treat them as secrets: never log them or put them in a cookie.
 *
 * @example
 * ```ts
 * import { buildEndSessionUrl, type OidcTokens } from '@ssokit/oidc';
 *
 * const tokens: OidcTokens = result.tokens;
 * const logoutUrl = buildEndSessionUrl(metadata, { idTokenHint: tokens.idToken });
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#TokenResponse
 */
export interface OidcTokens {
  idToken: string;
  accessToken?: string;
  refreshToken?: string;
  tokenType?: string;
  expiresIn?: number;
  scope?: string;
}

/**
 * Exchanges an authorization code at the token endpoint (with the PKCE verifier and the client
 * authentication the connection uses) and reads the answer, bounded. An OAuth error answer is
 * `idp_error`; no answer, another status or a malformed body is `idp_unreachable`; an answer without an
 * `id_token` is `id_token_invalid`. The ID token is returned unvalidated: `processCallback` validates it
 * next. Not exported from the package: a step of `processCallback`.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#TokenEndpoint
 */
export async function exchangeCode(
  code: string,
  transaction: OidcTransaction,
  settings: OidcSettings,
  metadata: ProviderMetadata,
  deps: HttpOptions,
): Promise<OidcTokens> {
  if (!metadata.token_endpoint)
    throw new SsoError(
      'discovery_failed',
      'The identity provider has no token endpoint; the code flow needs one.',
    );
  const tokenUrl = assertIdpUrl(metadata.token_endpoint, 'the token endpoint', deps);
  const as: oauth.AuthorizationServer = { issuer: metadata.issuer, token_endpoint: tokenUrl.href };
  const client: oauth.Client = { client_id: settings.clientId };
  // oauth4webapi re-checks state; `iss` was checked by processCallback (which knows Entra's template),
  // so it is left out here. Only the parameters the grant needs go through.
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
        `The token endpoint refused the code: ${printable(body.error)}${description ? ` (${printable(description)})` : ''}.`,
        {
          details: {
            error: printable(body.error),
            status: answer.status,
            ...(description ? { error_description: printable(description) } : {}),
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

/** The client authentication: the configured method, or the one the IdP and the secret allow. */
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
