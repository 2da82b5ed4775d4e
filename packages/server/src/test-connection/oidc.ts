/**
 * Test Provider for OIDC connections: client settings, Entra tenants, discovery, endpoints, JWKS and
 * clock; and the preview of a sample ID token or claims.
 *
 * @module
 */
import { isCognitoIssuer, isSsoError, type OidcConnection, withOidcDefaults } from '@ssokit/core';
import {
  createDiscoveryCache,
  discoveryUrl,
  inspectJwks,
  matchIssuer,
  type ProviderMetadata,
  readUnverifiedClaims,
  resolveProviderMetadata,
} from '@ssokit/oidc';
import type { SsoContext } from '../context.ts';
import { expiryFinding } from './expiry.ts';
import { mappingPreview } from './preview.ts';
import { clockFinding, probeUrl } from './probe.ts';
import { type Add, type MappingPreview, messageOf, type TestSample } from './report.ts';

/** Runs the OIDC checks; returns the issuer the tokens carry (Entra's template left as is). */
export async function testOidc(c: OidcConnection, ctx: SsoContext, add: Add): Promise<string> {
  const oidc = withOidcDefaults(c.oidc);
  const http = ctx.http;
  const confidential = oidc.clientSecret !== undefined;
  if (oidc.flow === 'implicit' && isCognitoIssuer(oidc.issuer))
    add(
      'client',
      'error',
      'AWS Cognito offers no implicit flow with form_post: a login on this connection fails.',
      'Use the code flow with PKCE (flow "code", pkce "S256"; W&B\'s OIDC_AUTH_METHOD=pkce).',
    );
  else if (oidc.flow === 'code' && !confidential && oidc.pkce === 'none')
    add(
      'client',
      'error',
      'A public client (no secret) without PKCE cannot log in safely.',
      'Set PKCE to S256, or set the client secret.',
    );
  else if (oidc.flow === 'code' && oidc.pkce === 'plain')
    add(
      'client',
      'warning',
      'PKCE "plain" sends the verifier in the clear; S256 protects it.',
      'Use S256 unless the IdP only offers plain.',
    );
  else
    add(
      'client',
      'ok',
      `${confidential ? 'Confidential' : 'Public'} client, ${oidc.flow === 'implicit' ? 'implicit flow with form_post' : `code flow, PKCE ${oidc.pkce}`}.`,
    );
  if (confidential && oidc.clientSecretExpiresAt !== undefined) {
    const notAfter = new Date(oidc.clientSecretExpiresAt);
    if (!Number.isNaN(notAfter.getTime()))
      expiryFinding(
        add,
        {
          check: 'client-secret',
          what: 'The client secret',
          notAfter,
          fixExpired:
            'Create a new client secret at the IdP, save it here, and update "clientSecretExpiresAt".',
          fixSoon:
            'Create a new client secret at the IdP before then, save it here, and update "clientSecretExpiresAt".',
        },
        ctx.clock(),
      );
  }
  if (oidc.issuer.includes('{tenantid}')) {
    if (oidc.tenants === undefined)
      add(
        'tenants',
        'error',
        'The issuer is a multi-tenant template and no tenants are accepted.',
        'Set "tenants" to your tenant ids (or "any").',
      );
    else if (oidc.tenants === 'any')
      add(
        'tenants',
        'warning',
        'Every Entra tenant may log in.',
        'List the tenant ids you trust in "tenants".',
      );
    else add('tenants', 'ok', `Tenants accepted: ${oidc.tenants.join(', ')}.`);
  }

  let metadata: ProviderMetadata;
  try {
    metadata = await resolveProviderMetadata(oidc, createDiscoveryCache(http), http);
  } catch (error) {
    // The document answered but names another issuer: the fix is that issuer, not the URL's reachability.
    const actual = isSsoError(error)
      ? (error.details as { actual?: unknown } | undefined)?.actual
      : undefined;
    add(
      'discovery',
      'error',
      messageOf(error),
      typeof actual === 'string'
        ? `Set the issuer to "${actual}", exactly as the IdP's discovery document names it (scheme, host, port, trailing slash).`
        : `Check the issuer URL; ${discoveryUrl(oidc.issuer)} must answer with the IdP's discovery document.`,
    );
    return oidc.issuer;
  }
  add('discovery', 'ok', `The discovery document was read and its issuer is "${metadata.issuer}".`);

  const needs: [keyof ProviderMetadata, string, boolean][] = [
    ['authorization_endpoint', 'authorization', true],
    ['token_endpoint', 'token', oidc.flow === 'code'],
    ['userinfo_endpoint', 'userinfo', oidc.userInfo === 'userinfo'],
    ['jwks_uri', 'jwks', true],
  ];
  for (const [member, name, required] of needs) {
    if (required && typeof metadata[member] !== 'string')
      add(
        `endpoint.${name}`,
        'error',
        `The IdP publishes no ${member}.`,
        `Set the "${name}" endpoint override.`,
      );
  }
  const listed = (member: string, value: string) => {
    const list = (metadata as Record<string, unknown>)[member];
    return Array.isArray(list) ? list.includes(value) : undefined;
  };
  if (oidc.flow === 'implicit') {
    if (listed('response_types_supported', 'id_token') === false)
      add(
        'flow',
        'error',
        'The IdP does not offer response_type=id_token (the implicit flow).',
        'Use the code flow.',
      );
    if (listed('response_modes_supported', 'form_post') === false)
      add('flow', 'error', 'The IdP does not offer response_mode=form_post.', 'Use the code flow.');
  } else if (oidc.pkce !== 'none' && listed('code_challenge_methods_supported', oidc.pkce) === false) {
    add(
      'pkce',
      'warning',
      `The IdP does not list PKCE ${oidc.pkce} among its code_challenge_methods_supported.`,
      'Pick a method it lists, or "none" for a confidential client.',
    );
  }
  if (typeof metadata.end_session_endpoint !== 'string')
    add('logout', 'ok', 'The IdP offers no end_session_endpoint: logout ends the app session only.');

  if (typeof metadata.jwks_uri === 'string') {
    try {
      const report = await inspectJwks(metadata.jwks_uri, http);
      if (report.keys.length === 0)
        add(
          'jwks',
          'error',
          `The JWKS has no usable signing key (${report.skipped.map((s) => s.reason).join('; ') || 'it is empty'}).`,
          'Publish an RSA (2048 bits or more), EC or Ed25519 signing key.',
        );
      else
        add(
          'jwks',
          'ok',
          `The JWKS has ${report.keys.length} usable signing key(s): ${report.keys.map((k) => `${k.kid ?? '(no kid)'} ${k.kty}`).join(', ')}.`,
        );
    } catch (error) {
      add('jwks', 'error', messageOf(error), 'Check that jwks_uri answers from this server.');
    }
  }

  // The endpoints answer (any status below 500 means something is listening and parsing requests).
  const probes: [string, string | undefined, RequestInit][] = [
    ['endpoint.authorization', metadata.authorization_endpoint, { method: 'GET' }],
    [
      'endpoint.token',
      oidc.flow === 'code' ? metadata.token_endpoint : undefined,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' },
    ],
    [
      'endpoint.userinfo',
      oidc.userInfo === 'userinfo' ? metadata.userinfo_endpoint : undefined,
      { method: 'GET' },
    ],
  ];
  let skewSec: number | undefined;
  for (const [check, target, init] of probes) {
    if (typeof target !== 'string') continue;
    const probe = await probeUrl(target, init, ctx);
    if (probe.error)
      add(
        check,
        'error',
        `${target} did not answer: ${probe.error}.`,
        'Check the URL and that this server can reach the IdP.',
      );
    else if ((probe.status as number) >= 500)
      add(
        check,
        'warning',
        `${target} answered HTTP ${probe.status}.`,
        'The IdP may be failing; try again later.',
      );
    else add(check, 'ok', `${target} answers (HTTP ${probe.status} to an empty request).`);
    if (probe.date !== undefined && skewSec === undefined)
      skewSec = Math.round((probe.date - ctx.clock()) / 1000);
  }
  clockFinding(skewSec, oidc.clockToleranceSec ?? 60, add);
  return metadata.issuer ?? oidc.issuer;
}

export async function oidcPreview(
  c: OidcConnection,
  sample: TestSample,
  issuer: string,
  ctx: SsoContext,
  add: Add,
): Promise<MappingPreview | undefined> {
  let claims: Record<string, unknown> | undefined = sample.claims;
  if (sample.idToken !== undefined) {
    try {
      claims = readUnverifiedClaims(sample.idToken);
    } catch (error) {
      add('sample', 'error', messageOf(error), 'Paste the whole token (three parts separated by dots).');
      return undefined;
    }
    add(
      'sample',
      'ok',
      'The sample ID token was read (its signature is not checked: a preview logs nobody in).',
    );
    if (typeof claims.iss === 'string' && !matchIssuer(claims.iss, issuer, c.oidc.tenants).matches)
      add(
        'sample.iss',
        'warning',
        `The sample was issued by "${claims.iss}", not "${issuer}".`,
        'Check the issuer URL of the connection.',
      );
    if (typeof claims.aud === 'string' || Array.isArray(claims.aud)) {
      const aud = ([] as unknown[]).concat(claims.aud);
      if (!aud.includes(c.oidc.clientId))
        add(
          'sample.aud',
          'warning',
          `The sample is for "${aud.join(', ')}", not the client id "${c.oidc.clientId}".`,
          'Check the client id.',
        );
    }
  }
  if (!claims) return undefined;
  const subject = typeof claims.sub === 'string' ? claims.sub : sample.subject;
  const tokenIssuer =
    typeof claims.iss === 'string' && matchIssuer(claims.iss, issuer, c.oidc.tenants).matches
      ? claims.iss
      : issuer;
  return mappingPreview(c, { issuer: tokenIssuer, subject: subject ?? '' }, claims, ctx, add);
}
