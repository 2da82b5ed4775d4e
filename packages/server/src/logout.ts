/**
 * `GET|POST /logout`: ends the app session, then sends the browser to the IdP's logout when it offers
 * one (OIDC RP-initiated logout, or SAML Single Logout). `?local=1` skips the IdP; JSON clients get
 * `{ idpLogoutUrl }` to follow themselves.
 *
 * @module
 */
import { SsoError } from '@ssokit/core';
import type { SsoContext } from './context.ts';
import { loadSamlFlow } from './lazy.ts';
import { oidcLogoutUrl } from './oidc-flow.ts';
import { escapeHtml, isCrossSite, json, wantsJson } from './respond.ts';
import type { SessionData } from './session.ts';
import { endSession, readSession } from './session-cookie.ts';

/** Serves `/logout`. */
export async function logout(ctx: SsoContext, request: Request): Promise<Response> {
  // A logout from another site (a form, a link, an image: CSRF) would end the session and start the
  // IdP's logout. A POST is refused; a browser following a link from elsewhere is asked to confirm.
  if (isCrossSite(request, ctx.origin)) {
    if (request.method === 'GET' && !wantsJson(request)) return confirmLogout(ctx, request);
    throw new SsoError('forbidden', 'Sign-out must come from this site.', {
      details: { reason: 'origin' },
    });
  }
  const headers = new Headers({ 'cache-control': 'no-store' });
  const data = await readSession(ctx, request);
  await endSession(ctx, headers, request, data);
  const local = ['1', 'true'].includes(new URL(request.url).searchParams.get('local') ?? '');
  let target: string | null = null;
  if (data && !data.restore && !local) {
    try {
      target = await idpLogoutUrl(ctx, data, headers);
    } catch (error) {
      // The app session is over either way; an IdP that cannot be reached only loses its own logout.
      ctx.warn(
        'idp-logout-failed',
        `The identity provider's logout could not be prepared: ${error instanceof Error ? error.message : 'unknown failure'}`,
        { connectionId: data.connectionId },
      );
    }
  }
  if (wantsJson(request)) return json({ loggedOut: true, idpLogoutUrl: target }, 200, headers);
  headers.set('location', target ?? ctx.postLogoutPath);
  return new Response(null, { status: 303, headers });
}

/** The IdP's logout for a session, by the protocol of its connection; null when there is none. */
async function idpLogoutUrl(ctx: SsoContext, data: SessionData, headers: Headers): Promise<string | null> {
  const c = await ctx.storage.connections.get(data.connectionId);
  if (!c) return null;
  if (c.protocol === 'oidc') return oidcLogoutUrl(ctx, c, data);
  return (await loadSamlFlow()).samlLogoutUrl(ctx, c, data, headers);
}

/**
 * A page that asks before signing out, for a logout link followed from another site: its button posts
 * the same request from this site. It may not be framed (clickjacking) and is never cached.
 */
function confirmLogout(ctx: SsoContext, request: Request): Response {
  const action = escapeHtml(`${ctx.path('/logout')}${new URL(request.url).search}`);
  return new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>Sign out?</title></head><body><h1>Sign out?</h1><p>A page on another site asked to sign you out.</p><form method="post" action="${action}"><button type="submit">Sign out</button></form><p><a href="/">Stay signed in</a></p></body></html>`,
    {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': "frame-ancestors 'none'",
        'x-frame-options': 'DENY',
      },
    },
  );
}
