/**
 * AuthnRequests, over the HTTP-Redirect binding (DEFLATE, with `SigAlg` and `Signature` when signing)
 * or the HTTP-POST binding (an auto-posting form, with an enveloped signature when signing).
 *
 * @module
 */
import { createPrivateKey, sign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { escapeXml } from './internal/escape.ts';
import { samlId } from './internal/ids.ts';
import { RSA_SHA256, signRootElement } from './internal/signature.ts';

/** Options of {@link createAuthnRequest}. */
export interface AuthnRequestOptions {
  /** The IdP's SSO endpoint for the chosen binding (from its metadata). */
  ssoUrl: string;
  /** `redirect` (HTTP-Redirect) or `post` (HTTP-POST). Default: `'redirect'`. */
  binding?: 'redirect' | 'post';
  spEntityId: string;
  /** Where the IdP must POST its response. */
  acsUrl: string;
  /** The NameID format to ask for. Default: none (the IdP decides). */
  nameIdFormat?: string;
  /** Ask the IdP to authenticate the user again. Default: `false`. */
  forceAuthn?: boolean;
  /** Opaque state echoed back by the IdP (at most 80 bytes by the binding spec). Default: none. */
  relayState?: string;
  /** Sign the request with the SP key (RSA-SHA256). Default: unsigned. */
  signing?: { privateKeyPem: string; certificatePem?: string };
}

/**
 * A request ready to send. `id` goes into the transaction, for the response's InResponseTo. A `post`
 * request carries `html`, a page that posts `fields` to `action` by itself.
 */
export type AuthnRequest =
  | { id: string; binding: 'redirect'; url: URL }
  | { id: string; binding: 'post'; action: string; fields: Record<string, string>; html: string };

/**
 * Builds an AuthnRequest. Keep `id` with the login's transaction: the response must answer it.
 *
 * @example
 * ```ts
 * import { createAuthnRequest } from '@ssokit/saml';
 *
 * if (!idp.sso.redirect) throw new Error('The IdP has no SSO endpoint for the HTTP-Redirect binding.');
 * const request = createAuthnRequest({
 *   ssoUrl: idp.sso.redirect,
 *   spEntityId: 'https://app.example.com/sso/saml/metadata/okta',
 *   acsUrl: 'https://app.example.com/sso/saml/acs',
 *   relayState: transactionKey,
 * });
 * if (request.binding === 'redirect') return Response.redirect(request.url, 302);
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf (§3.4, §3.5)
 */
export function createAuthnRequest(options: AuthnRequestOptions): AuthnRequest {
  const id = samlId();
  const binding = options.binding ?? 'redirect';
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${escapeXml(options.ssoUrl)}"` +
    ` AssertionConsumerServiceURL="${escapeXml(options.acsUrl)}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"` +
    `${options.forceAuthn ? ' ForceAuthn="true"' : ''}>` +
    `<saml:Issuer>${escapeXml(options.spEntityId)}</saml:Issuer>` +
    (options.nameIdFormat
      ? `<samlp:NameIDPolicy Format="${escapeXml(options.nameIdFormat)}" AllowCreate="true"/>`
      : '') +
    `</samlp:AuthnRequest>`;

  if (binding === 'redirect') {
    const url = new URL(options.ssoUrl);
    // The signed octet string is the query parameters in this order, URL-encoded (bindings §3.4.4.1).
    const parts = [`SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}`];
    if (options.relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(options.relayState)}`);
    if (options.signing) {
      parts.push(`SigAlg=${encodeURIComponent(RSA_SHA256)}`);
      const signature = sign(
        'sha256',
        Buffer.from(parts.join('&')),
        createPrivateKey(options.signing.privateKeyPem),
      );
      parts.push(`Signature=${encodeURIComponent(signature.toString('base64'))}`);
    }
    url.search = url.search ? `${url.search.slice(1)}&${parts.join('&')}` : parts.join('&');
    return { id, binding, url };
  }

  const signed = options.signing
    ? signRootElement(xml, 'AuthnRequest', options.signing.privateKeyPem, options.signing.certificatePem)
    : xml;
  const fields: Record<string, string> = { SAMLRequest: Buffer.from(signed).toString('base64') };
  if (options.relayState !== undefined) fields.RelayState = options.relayState;
  return { id, binding, action: options.ssoUrl, fields, html: autoPostForm(options.ssoUrl, fields) };
}

/**
 * The one script of the auto-post page, exactly: a server sends the page with a CSP that allows this
 * script by its hash (`script-src 'sha256-…'`) and nothing else.
 *
 * @example
 * ```ts
 * import { createHash } from 'node:crypto';
 * import { AUTO_POST_SCRIPT } from '@ssokit/saml';
 *
 * const csp = `script-src 'sha256-${createHash('sha256').update(AUTO_POST_SCRIPT).digest('base64')}'`;
 * ```
 */
export const AUTO_POST_SCRIPT = 'document.forms[0].submit()';

/**
 * A page that POSTs `fields` to `action` by itself (and with a button when scripts are off). The
 * server sends it with a CSP that allows its one inline script ({@link AUTO_POST_SCRIPT}).
 */
function autoPostForm(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeXml(name)}" value="${escapeXml(value)}">`)
    .join('');
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>Signing in…</title></head>` +
    `<body><form method="post" action="${escapeXml(action)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form>` +
    `<script>${AUTO_POST_SCRIPT}</script></body></html>`
  );
}
