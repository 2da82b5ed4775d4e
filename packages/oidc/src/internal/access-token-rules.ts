/**
 * The rules a JWT access token must pass, wherever ssokit reads one: the bearer verifier
 * (`../access-token.ts`, Arthur's `accessTokenValidation`) and a login whose connection reads the
 * access token's claims (`userInfo: 'access_token'`, `./login-access-token.ts`). One implementation of
 * each rule, so the two can never drift: the header (algorithm allow-list, `typ`), the signature with
 * a key from the IdP's JWKS, the issuer, the times, the token's kind, the audience.
 *
 * The generic JWT checks are `./jwt.ts`'s; every refusal here is an `SsoError` `access_token_invalid`
 * whose `details.reason` names the check.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc8725
 */
import type { KeyObject } from 'node:crypto';
import { SsoError } from '@ssokit/core';
import {
  checkIssuer,
  checkJwtSignature,
  checkTimes,
  checkTyp,
  clip,
  fail,
  type ParsedJwt,
  parseJwt,
  type Tenants,
} from './jwt.ts';

/** What an access token must satisfy, resolved once from the caller's options. */
export interface AccessTokenRules {
  /** The algorithms allowed (never `none` or HMAC: no such algorithm exists here). */
  allowed: ReadonlySet<string>;
  /** `'at+jwt'` to require RFC 9068's type; `'access_token'` refuses only types made for another purpose. */
  typ: 'access_token' | 'at+jwt';
  /** The issuers accepted; empty: not checked (a bearer verifier given only a JWKS URI). */
  issuers: readonly string[];
  tenants: Tenants;
  /** The audiences accepted; the token's `aud` must name at least one. */
  audience: ReadonlySet<string>;
  /** Clock tolerance in seconds (see `clockTolerance`). */
  tolerance: number;
  /**
   * What an audience refusal says. Default: the bearer verifier's "not meant for this API". Called
   * with the audiences the token names (token text, to be clipped).
   */
  audienceMessage?: (named: readonly unknown[]) => string;
}

/**
 * Parses a token and checks its header: the algorithm allow-list (`malformed`, `alg`, `crit`) and the
 * `typ` (`typ`, RFC 8725 §3.11). Runs before any key is looked up.
 */
export function parseAccessToken(token: string, rules: AccessTokenRules): ParsedJwt {
  try {
    const parsed = parseJwt(token, rules.allowed);
    checkTyp(parsed.header, rules.typ);
    return parsed;
  } catch (error) {
    throw asAccessTokenError(error);
  }
}

/**
 * Checks a parsed token with the key its header selected: the signature, the issuer (`iss`, `tid`),
 * the times (`exp`, `iat`, `nbf`), that it is no ID or logout token (`token_kind`), and the audience
 * (`aud`). Returns its claims. Synchronous, so a verifier whose keys are cached never waits.
 */
export function checkAccessToken(
  parsed: ParsedJwt,
  key: KeyObject,
  rules: AccessTokenRules,
  nowSec: number,
): Record<string, unknown> {
  try {
    const { claims } = checkJwtSignature(parsed, key);
    if (rules.issuers.length > 0) checkIssuer(claims, rules.issuers, rules.tenants);
    checkTimes(claims, nowSec, rules.tolerance, false);
    checkNotOtherKind(claims);
    const aud = claims.aud;
    const named: readonly unknown[] = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!named.some((a) => typeof a === 'string' && rules.audience.has(a))) {
      fail(
        'aud',
        rules.audienceMessage?.(named) ??
          'The token is not meant for this API (no accepted audience in "aud").',
      );
    }
    return claims;
  } catch (error) {
    throw asAccessTokenError(error);
  }
}

/** The audiences a token names, clipped and quoted for a message. */
export function describeAudiences(named: readonly unknown[]): string {
  const strings = named.filter((a): a is string => typeof a === 'string');
  if (strings.length === 0) return 'no audience';
  const shown = strings.slice(0, 3).map((a) => `"${clip(a)}"`);
  return strings.length > 3 ? `${shown.join(', ')} and ${strings.length - 3} more` : shown.join(', ');
}

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * RFC 8725 §3.12: the kinds of JWT an IdP signs with one key must not validate as each other. An ID
 * token or logout token sent as a bearer token (the token-confusion attack) is refused when its claims
 * say what it is, by markers no access token carries: `at_hash`, `c_hash` or `s_hash` (defined for ID
 * tokens only, OIDC Core §3.1.3.6, §3.3.2.11; FAPI 1.0 Advanced §5.1), a back-channel logout event
 * (OIDC Back-Channel Logout §2.4), or Keycloak's `typ` claim `ID` or `Logout`. `nonce` is no such marker
 * (Keycloak copies it into access tokens), and neither is an audience naming a client id.
 */
function checkNotOtherKind(claims: Record<string, unknown>): void {
  let kind: string | undefined;
  if (claims.at_hash !== undefined || claims.c_hash !== undefined || claims.s_hash !== undefined)
    kind = 'an ID token (it has at_hash, c_hash or s_hash, claims only ID tokens carry)';
  else if (claims.typ === 'ID') kind = 'an ID token (its "typ" claim is "ID")';
  else if (claims.typ === 'Logout') kind = 'a logout token (its "typ" claim is "Logout")';
  else {
    const events = claims.events;
    if (typeof events === 'object' && events !== null && Object.hasOwn(events, BACKCHANNEL_LOGOUT_EVENT))
      kind = 'a back-channel logout token (it carries the logout event)';
  }
  if (kind !== undefined) {
    fail(
      'token_kind',
      `The token is ${kind}, not an access token. Send the access token the identity provider issued for this API.`,
    );
  }
}

/** The generic JWT checks refuse with `id_token_invalid`: the same refusal, as `access_token_invalid`. */
export function asAccessTokenError(error: unknown): unknown {
  if (error instanceof SsoError && error.code === 'id_token_invalid') {
    return new SsoError('access_token_invalid', error.message, { details: error.details ?? {} });
  }
  return error;
}
