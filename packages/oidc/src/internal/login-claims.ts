/**
 * Where a login's claims come from (a connection's `oidc.userInfo`): the ID token alone, or the ID
 * token with the claims of the userinfo endpoint or of the access token layered over it. The layer
 * never replaces the ID token's protocol claims, so the identity (`iss`, `sub`) and the login's facts
 * (`nonce`, `auth_time`, `sid`, ...) stay those of the validated ID token.
 */
import type { Clock, OidcSettings } from '@ssokit/core';
import { now as nowSymbol } from '@ssokit/core';
import type { ProviderMetadata } from '../discovery.ts';
import type { HttpOptions } from '../http-options.ts';
import type { IdTokenClaims } from '../id-token.ts';
import type { JwksCache } from '../jwks.ts';
import type { OidcTokens } from '../token-endpoint.ts';
import { readAccessTokenClaims } from './login-access-token.ts';
import { fetchUserInfo } from './userinfo.ts';

/** ID token claims a layer (userinfo, the access token) can never replace. */
const PROTECTED: ReadonlySet<string> = new Set([
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

/** What {@link collectClaims} needs besides the tokens. */
export interface ClaimSources extends HttpOptions {
  settings: OidcSettings;
  metadata: ProviderMetadata;
  /** The issuer the ID token was validated against. */
  issuer: string;
  keys: JwksCache;
  [nowSymbol]?: Clock;
}

/**
 * The claims of a login, by `settings.userInfo`:
 * - `'id_token'` (the default): the ID token's;
 * - `'userinfo'`: the ID token's, with the userinfo endpoint's over them (its `sub` must match);
 * - `'access_token'`: the ID token's, with the verified access token's over them. The access token
 *   wins where both carry a claim: it is where the admin put the claims (Okta's "Include in token
 *   type: Access Token"), and the ID token fills in what it lacks (`email_verified`, `name`, ...).
 */
export async function collectClaims(
  idTokenClaims: IdTokenClaims,
  tokens: OidcTokens,
  sources: ClaimSources,
): Promise<Record<string, unknown>> {
  const { settings, metadata } = sources;
  const claims: Record<string, unknown> = { ...idTokenClaims };
  let layer: Record<string, unknown> | undefined;
  if (settings.userInfo === 'userinfo') {
    layer = await fetchUserInfo(metadata, tokens.accessToken as string, idTokenClaims.sub, sources);
  } else if (settings.userInfo === 'access_token') {
    layer = await readAccessTokenClaims(tokens.accessToken, {
      issuer: sources.issuer,
      tenants: settings.tenants,
      audience: [
        settings.clientId,
        ...(settings.resource ? [settings.resource] : []),
        ...(settings.audience ?? []),
      ],
      subject: idTokenClaims.sub,
      jwksUri: metadata.jwks_uri,
      keys: sources.keys,
      ...(settings.clockToleranceSec === undefined ? {} : { clockToleranceSec: settings.clockToleranceSec }),
      nowSec: Math.floor((sources[nowSymbol] ?? Date.now)() / 1000),
    });
  }
  if (layer)
    for (const [name, value] of Object.entries(layer)) if (!PROTECTED.has(name)) claims[name] = value;
  return claims;
}
