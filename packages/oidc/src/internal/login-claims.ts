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
 *   type: Access Token"), and the ID token fills in what it lacks (`name`, `given_name`, ...).
 *
 * A verification flag stays with the value it verifies: `email` and `email_verified`, `phone_number`
 * and `phone_number_verified` come from the same source ({@link layerClaims}).
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
  return layer ? layerClaims(claims, layer) : claims;
}

/** The claims whose value a verification claim vouches for, each with its flag (OIDC Core §5.1). */
const VERIFIED_PAIRS: readonly (readonly [value: string, flag: string])[] = [
  ['email', 'email_verified'],
  ['phone_number', 'phone_number_verified'],
];
const PAIRED: ReadonlySet<string> = new Set(VERIFIED_PAIRS.flat());

/**
 * `layer`'s claims over the ID token's `claims`, except the {@link PROTECTED} ones, and with each
 * verification flag bound to the value it verifies: `email_verified` says that *this* `email` was
 * verified, so the two come from the same source. Laid claim by claim, an access token's (or
 * userinfo's) `email` would keep the ID token's `email_verified: true` for another address, and link
 * the login to that address's account.
 *
 * - A layer that sends the value sends its flag with it: when it has none, the merged claims have none
 *   (unverified, unless the connection's `provisioning.trustEmail` trusts the address as sent).
 * - A layer that repeats the ID token's value exactly, without a flag, keeps the ID token's flag: it
 *   verifies that very value.
 * - A layer that sends a flag without its value is ignored for that pair: it would vouch for the ID
 *   token's value, which it did not send.
 */
function layerClaims(
  claims: Record<string, unknown>,
  layer: Record<string, unknown>,
): Record<string, unknown> {
  for (const [name, value] of Object.entries(layer))
    if (!PROTECTED.has(name) && !PAIRED.has(name)) claims[name] = value;
  for (const [value, flag] of VERIFIED_PAIRS) {
    if (!Object.hasOwn(layer, value)) continue;
    const hasFlag = Object.hasOwn(layer, flag);
    if (!hasFlag && layer[value] === claims[value]) continue;
    claims[value] = layer[value];
    if (hasFlag) claims[flag] = layer[flag];
    else delete claims[flag];
  }
  return claims;
}
