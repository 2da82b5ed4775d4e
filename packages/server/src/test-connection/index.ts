/**
 * "Test Provider" (ClearML's button): checks a connection against its IdP and previews what a login
 * would do, with no side effects: nothing is written, no audit event is sent, no cache is filled.
 *
 * @module
 */
import type { Connection } from '@ssokit/core';
import type { SsoContext } from '../context.ts';
import { loadSamlTests } from '../lazy.ts';
import { oidcPreview, testOidc } from './oidc.ts';
import type { ConnectionTestReport, Finding, FindingStatus, MappingPreview, TestSample } from './report.ts';
import { worstStatus } from './report.ts';

export type { ConnectionTestReport, Finding, FindingStatus, MappingPreview, TestSample } from './report.ts';

/** Tests one connection; see `Sso.testConnection`. */
export async function testConnection(
  ctx: SsoContext,
  connection: Connection,
  sample: TestSample | undefined,
): Promise<ConnectionTestReport> {
  const findings: Finding[] = [];
  const add = (check: string, status: FindingStatus, message: string, fix?: string) =>
    findings.push({ check, status, message, ...(fix ? { fix } : {}) });
  let register: Record<string, string>;
  let preview: MappingPreview | undefined;
  if (!connection.active)
    add(
      'active',
      'warning',
      'The connection is disabled: its login button is hidden.',
      'Activate it when the test passes.',
    );
  if (connection.protocol === 'oidc') {
    register = {
      redirectUri: ctx.url('/oidc/callback'),
      postLogoutRedirectUri: `${ctx.origin}${ctx.postLogoutPath}`,
      // OpenID Connect Back-Channel Logout: where the IdP posts logout tokens (Keycloak, Auth0, Ping;
      // Okta and Entra send none). Only server-side sessions can be ended this way.
      ...(ctx.sessionStore
        ? { backchannelLogoutUri: ctx.url(`/oidc/backchannel-logout/${encodeURIComponent(connection.id)}`) }
        : {}),
      // OpenID Connect Front-Channel Logout (Entra's "Front-channel logout URL"): it finds the sessions
      // it ends in the store, so it too needs server-side sessions.
      ...(ctx.sessionStore
        ? { frontchannelLogoutUri: ctx.url(`/oidc/frontchannel-logout/${encodeURIComponent(connection.id)}`) }
        : {}),
    };
    if (!ctx.sessionStore)
      add(
        'backchannel-logout',
        'warning',
        'Sessions are sealed into cookies, so a logout at the identity provider cannot end them here.',
        'Give createSso a storage with a session store (every ssokit store has one) to get server-side sessions and back-channel logout.',
      );
    const issuer = await testOidc(connection, ctx, add);
    if (sample) preview = await oidcPreview(connection, sample, issuer, ctx, add);
  } else {
    register = {
      acsUrl: ctx.url('/saml/acs'),
      spEntityId: connection.saml.spEntityId,
      spMetadataUrl: ctx.url(`/saml/metadata/${encodeURIComponent(connection.id)}`),
      sloUrl: ctx.url(`/saml/slo/${encodeURIComponent(connection.id)}`),
    };
    const { samlPreview, testSaml } = await loadSamlTests();
    const idp = await testSaml(connection, ctx, add);
    if (sample && idp) preview = await samlPreview(connection, sample, idp, ctx, add);
  }
  return {
    connectionId: connection.id,
    name: connection.name,
    protocol: connection.protocol,
    status: worstStatus(findings),
    testedAt: new Date(ctx.clock()).toISOString(),
    register,
    sources: await ctx.sources(connection.id),
    findings,
    ...(preview ? { preview } : {}),
  };
}
