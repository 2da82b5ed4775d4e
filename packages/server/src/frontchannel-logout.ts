/**
 * `GET /oidc/frontchannel-logout/:id`: OpenID Connect Front-Channel Logout 1.0, the logout Entra ID
 * (and others) use. The IdP loads this URL in an iframe when the user signs out there, with the IdP
 * session id (`sid`) and, per the spec, its issuer (`iss`; Entra sends no `iss`, a known deviation).
 * The iframe may not carry this site's cookie (third-party cookies are blocked), so the session is
 * found server-side by (connection, sid) and ends on every instance; only that IdP session's app
 * sessions end. It is a GET from another site by design, so unlike `/logout` it names one IdP
 * session, which only the IdP and the user's browser know, and does nothing else.
 *
 * @module
 */
import { SsoError } from '@ssokit/core';
import type { SsoContext } from './context.ts';
import { endIdpSessions } from './revocation.ts';
import { endSession, readSession } from './session-cookie.ts';

/** Serves the front-channel logout route of one OIDC connection. */
export async function frontchannelLogout(ctx: SsoContext, request: Request, id: string): Promise<Response> {
  const c = await ctx.connection(id);
  if (c.protocol !== 'oidc') throw new SsoError('connection_not_found', 'No OIDC connection has this id.');
  const params = new URL(request.url).searchParams;
  // One of each, as every other route of the IdP's reads its parameters.
  for (const name of ['sid', 'iss'])
    if (params.getAll(name).length > 1)
      throw new SsoError('invalid_request', `The "${name}" parameter is given more than once.`, {
        details: { reason: 'duplicate_parameter' },
      });
  const sid = params.get('sid');
  if (!sid || sid.length > 255)
    throw new SsoError(
      'invalid_request',
      'A front-channel logout names the IdP session: the "sid" parameter.',
      {
        details: { reason: 'sid' },
      },
    );
  const iss = params.get('iss');
  // The spec requires "iss" with "sid"; Entra ID sends none (a known deviation), so it may be left
  // out only at an Entra connection.
  if (iss === null && !isEntra(c.provider, c.oidc.issuer))
    throw new SsoError('invalid_request', 'A front-channel logout names its issuer: the "iss" parameter.', {
      details: { reason: 'iss' },
    });
  // The issuer, when sent, must be this connection's (a multi-tenant template matches its tenants'
  // issuers by prefix and suffix around the tenant id).
  if (iss !== null && !issuerMatches(iss, c.oidc.issuer))
    throw new SsoError('invalid_request', 'The "iss" parameter is not the issuer of this connection.', {
      details: { reason: 'iss' },
    });
  const headers = new Headers({
    'cache-control': 'no-store',
    'content-type': 'text/html; charset=utf-8',
    // Framed by the IdP only.
    'content-security-policy': `default-src 'none'; frame-ancestors ${new URL(c.oidc.issuer).origin}`,
  });
  const data = await readSession(ctx, request);
  await endIdpSessions(ctx, 'frontchannel_logout', c.id, undefined, [sid]);
  // This browser's cookie too, when it came with the request and belongs to that IdP session (always
  // the only way with cookie sessions).
  if (data && data.connectionId === c.id && data.sid === sid) await endSession(ctx, headers, request, data);
  return new Response(
    '<!doctype html><html><head><meta charset="utf-8"><title>Signed out</title></head><body></body></html>',
    {
      status: 200,
      headers,
    },
  );
}

/** Whether a connection is Microsoft Entra ID's, by its provider or its issuer's host. */
function isEntra(provider: string, issuer: string): boolean {
  return provider === 'entra' || /^https:\/\/login\.microsoftonline\.(com|us)\//.test(issuer);
}

/** Whether `iss` is the connection's issuer, or one tenant's issuer under an Entra `{tenantid}` template. */
function issuerMatches(iss: string, configured: string): boolean {
  const normal = (u: string) => u.replace(/\/$/, '');
  if (normal(iss) === normal(configured)) return true;
  // Entra's common/organizations endpoints: https://login.microsoftonline.com/common/v2.0 → any tenant.
  const multi = /^(https:\/\/login\.microsoftonline\.com)\/(common|organizations)(\/v2\.0)?$/.exec(
    normal(configured),
  );
  return multi !== null && new RegExp(`^${multi[1]}/[0-9a-f-]{36}${multi[3] ?? ''}$`).test(normal(iss));
}
