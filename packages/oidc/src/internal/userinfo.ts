/**
 * The userinfo request of a login whose connection reads claims from userinfo (OIDC Core §5.3).
 */
import { ConfigError, SsoError } from '@ssokit/core';
import type { ProviderMetadata } from '../discovery.ts';
import type { HttpOptions } from '../http-options.ts';
import { assertIdpUrl, jsonObject, requestIdp } from './http.ts';

/**
 * Fetches the userinfo claims with the access token (JSON only; a signed or encrypted answer is
 * refused) and checks that their `sub` is the ID token's. Failures are `userinfo_invalid`, or
 * `idp_unreachable` when the endpoint does not answer.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponse
 */
export async function fetchUserInfo(
  metadata: Pick<ProviderMetadata, 'userinfo_endpoint'>,
  accessToken: string,
  subject: string,
  deps: HttpOptions,
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
