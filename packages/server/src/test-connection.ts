/**
 * "Test Provider" (ClearML's button): checks a connection against its IdP and previews what a login
 * would do, with no side effects: nothing is written, no audit event is sent, no cache is filled.
 *
 * @module
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import {
  type Connection,
  customFetch,
  type IdentityKey,
  isSsoError,
  now as nowSymbol,
  type OidcConnection,
  type Profile,
  previewLogin,
  type RoleMatcher,
  type RoleMatchingOptions,
  type SamlConnection,
  SsoError,
} from '@ssokit/core';
import {
  createDiscoveryCache,
  discoveryUrl,
  inspectJwks,
  type ProviderMetadata,
  resolveProviderMetadata,
} from '@ssokit/oidc';
import { type IdpMetadata, validateSamlResponse } from '@ssokit/saml';
import type { SsoStorage } from '@ssokit/storage';
import { responseExpectations } from './saml-connection.ts';

/** How a check came out. */
export type FindingStatus = 'ok' | 'warning' | 'error';

/** One check of a connection test. */
export interface Finding {
  /** A stable name: `discovery`, `issuer`, `jwks`, `endpoint.token`, `clock`, `certificate`, ... */
  check: string;
  status: FindingStatus;
  /** What was found, for a human. */
  message: string;
  /** What to do about it (warnings and errors). */
  fix?: string;
}

/** A sample answer from the IdP to preview the mapping with: one of these. */
export interface TestSample {
  /** Claims as the IdP sends them (an ID token's payload, userinfo, or SAML attributes by name). */
  claims?: Record<string, unknown>;
  /** An ID token; its payload is read without checking the signature (a preview logs nobody in). */
  idToken?: string;
  /** A base64 SAMLResponse (from a browser's SAML tracer): validated as of its own IssueInstant. */
  samlResponse?: string;
  /** The subject for `claims` when they carry no `sub` (SAML: the NameID). */
  subject?: string;
}

/** What a login with the sample would do. */
export interface MappingPreview {
  identity: IdentityKey;
  outcome: 'would-succeed' | 'would-fail';
  /** Why it would fail. */
  error?: { code: string; message: string };
  profile?: Profile;
  roles?: string[];
  primaryRole?: string;
  /** The user it would log in (`id` null: a user would be created), and how it was found. */
  user?: { id: string | null; email?: string; resolution: string };
  /** The group-sync plan as a diff against the user's current memberships; null when sync is off. */
  groupSync?: {
    state: string;
    add: { id: string; name: string }[];
    remove: { groupId: string; name?: string }[];
    kept: { groupId: string; name?: string; source: string }[];
    unmatched: string[];
    reason?: string;
  } | null;
}

/** The report of {@link testConnection}. */
export interface ConnectionTestReport {
  connectionId: string;
  name: string;
  protocol: 'oidc' | 'saml';
  /** The worst status among the findings. */
  status: FindingStatus;
  testedAt: string;
  /** What to enter at the IdP: the redirect URI, or the ACS URL and entity id. */
  register: Record<string, string>;
  findings: Finding[];
  /** Present when a sample was given. */
  preview?: MappingPreview;
}

export interface TestContext {
  storage: SsoStorage;
  url: (path: string) => string;
  origin: string;
  postLogoutPath: string;
  roles?: RoleMatcher | RoleMatchingOptions;
  idpOf: (c: SamlConnection, fresh: boolean) => Promise<IdpMetadata>;
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  clock: () => number;
}

const DAY_MS = 86_400_000;

/** Tests one connection; see `Sso.testConnection`. */
export async function testConnection(
  connection: Connection,
  sample: TestSample | undefined,
  ctx: TestContext,
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
    };
    const issuer = await testOidc(connection, ctx, add);
    if (sample) preview = await oidcPreview(connection, sample, issuer, ctx, add);
  } else {
    register = {
      acsUrl: ctx.url('/saml/acs'),
      spEntityId: connection.saml.spEntityId,
      spMetadataUrl: ctx.url(`/saml/metadata/${encodeURIComponent(connection.id)}`),
      sloUrl: ctx.url(`/saml/slo/${encodeURIComponent(connection.id)}`),
    };
    const idp = await testSaml(connection, ctx, add);
    if (sample && idp) preview = await samlPreview(connection, sample, idp, ctx, add);
  }
  const rank = { ok: 0, warning: 1, error: 2 } as const;
  const status = findings.reduce<FindingStatus>(
    (worst, f) => (rank[f.status] > rank[worst] ? f.status : worst),
    'ok',
  );
  return {
    connectionId: connection.id,
    name: connection.name,
    protocol: connection.protocol,
    status,
    testedAt: new Date(ctx.clock()).toISOString(),
    register,
    findings,
    ...(preview ? { preview } : {}),
  };
}

type Add = (check: string, status: FindingStatus, message: string, fix?: string) => void;

/** Runs the OIDC checks; returns the issuer the tokens carry (Entra's template left as is). */
async function testOidc(c: OidcConnection, ctx: TestContext, add: Add): Promise<string> {
  const oidc = c.oidc;
  const http = ctx.fetch ? { [customFetch]: ctx.fetch } : {};
  const confidential = oidc.clientSecret !== undefined;
  if (oidc.flow === 'code' && !confidential && oidc.pkce === 'none')
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
    add(
      'discovery',
      'error',
      messageOf(error),
      `Check the issuer URL; ${discoveryUrl(oidc.issuer)} must answer with the IdP's discovery document.`,
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

async function oidcPreview(
  c: OidcConnection,
  sample: TestSample,
  issuer: string,
  ctx: TestContext,
  add: Add,
): Promise<MappingPreview | undefined> {
  let claims: Record<string, unknown> | undefined = sample.claims;
  if (sample.idToken !== undefined) {
    const payload = typeof sample.idToken === 'string' ? sample.idToken.split('.')[1] : undefined;
    try {
      claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
    } catch {
      claims = undefined;
    }
    if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
      add(
        'sample',
        'error',
        'The sample ID token is not a JWT with a JSON payload.',
        'Paste the whole token (three parts separated by dots).',
      );
      return undefined;
    }
    add(
      'sample',
      'ok',
      'The sample ID token was read (its signature is not checked: a preview logs nobody in).',
    );
    if (typeof claims.iss === 'string' && !matchesIssuer(claims.iss, c.oidc.issuer))
      add(
        'sample.iss',
        'warning',
        `The sample was issued by "${claims.iss}", not "${c.oidc.issuer}".`,
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
    typeof claims.iss === 'string' && matchesIssuer(claims.iss, c.oidc.issuer) ? claims.iss : issuer;
  return mappingPreview(c, { issuer: tokenIssuer, subject: subject ?? '' }, claims, ctx, add);
}

/** Runs the SAML checks; returns the IdP's metadata when it could be read. */
async function testSaml(c: SamlConnection, ctx: TestContext, add: Add): Promise<IdpMetadata | undefined> {
  const saml = c.saml;
  let idp: IdpMetadata;
  try {
    idp = await ctx.idpOf(c, true);
  } catch (error) {
    add('metadata', 'error', messageOf(error), 'Paste the IdP metadata XML again, or check its URL.');
    return undefined;
  }
  add('metadata', 'ok', `The IdP metadata is valid; its entity id is "${idp.entityId}".`);
  if (idp.expired)
    add(
      'metadata',
      'warning',
      'The IdP metadata is past its validUntil.',
      'Download fresh metadata from the IdP.',
    );
  if (!idp.sso.redirect)
    add(
      'endpoint.sso',
      'error',
      'The IdP has no SingleSignOnService for the HTTP-Redirect binding.',
      'Enable the Redirect binding at the IdP.',
    );
  else {
    const probe = await probeUrl(idp.sso.redirect, { method: 'GET' }, ctx);
    if (probe.error)
      add(
        'endpoint.sso',
        'warning',
        `${idp.sso.redirect} did not answer from this server: ${probe.error}.`,
        'Browsers reach the IdP, not this server, so this may be fine behind a firewall.',
      );
    else add('endpoint.sso', 'ok', `${idp.sso.redirect} answers (HTTP ${probe.status}).`);
    clockFinding(
      probe.date === undefined ? undefined : Math.round((probe.date - ctx.clock()) / 1000),
      120,
      add,
    );
  }
  if (!idp.slo.redirect && !idp.slo.post)
    add('logout', 'ok', 'The IdP offers no Single Logout: logout ends the app session only.');

  const nowMs = ctx.clock();
  for (const cert of idp.signingCertificates) {
    const days = Math.floor((cert.notAfter.getTime() - nowMs) / DAY_MS);
    const name = `${cert.subject.replace(/\n/g, ', ')} (SHA-256 ${cert.fingerprint256.slice(0, 23)}…)`;
    if (days < 0)
      add(
        'certificate',
        'error',
        `The signing certificate ${name} expired on ${cert.notAfter.toISOString().slice(0, 10)}.`,
        'Get the current certificate from the IdP metadata.',
      );
    else if (days < 30)
      add(
        'certificate',
        'warning',
        `The signing certificate ${name} expires in ${days} day(s), on ${cert.notAfter.toISOString().slice(0, 10)}.`,
        'Plan the rotation: add the new certificate before this one expires.',
      );
    else if (cert.notBefore.getTime() > nowMs)
      add(
        'certificate',
        'warning',
        `The signing certificate ${name} is not valid before ${cert.notBefore.toISOString()}.`,
        "Check this server's clock.",
      );
    else
      add(
        'certificate',
        'ok',
        `The signing certificate ${name} is valid until ${cert.notAfter.toISOString().slice(0, 10)}.`,
      );
    const key = new X509Certificate(Buffer.from(cert.base64, 'base64')).publicKey;
    if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
      add(
        'certificate',
        'error',
        `The signing key of ${name} is RSA under 2048 bits; ssokit refuses it.`,
        'Have the IdP sign with a 2048-bit (or larger) key.',
      );
  }
  if (saml.signRequests && !saml.spPrivateKey)
    add(
      'sp',
      'error',
      'Signed AuthnRequests are on, and the connection has no SP private key.',
      'Generate an SP key pair, or turn off request signing.',
    );
  else if (idp.wantAuthnRequestsSigned && !saml.signRequests)
    add(
      'sp',
      'error',
      'The IdP wants signed AuthnRequests, and request signing is off.',
      'Turn on "signRequests" with an SP key pair.',
    );
  if (saml.spPrivateKey && saml.spCertificate) {
    let matches = false;
    try {
      const fromKey = createPublicKey(createPrivateKey(saml.spPrivateKey)).export({
        format: 'der',
        type: 'spki',
      });
      const fromCert = new X509Certificate(saml.spCertificate).publicKey.export({
        format: 'der',
        type: 'spki',
      });
      matches = fromKey.equals(fromCert);
    } catch {
      // reported below
    }
    if (!matches)
      add(
        'sp',
        'error',
        'The SP private key and the SP certificate do not form a pair (or one does not parse).',
        'Generate them together (ssokit generateSpKeyPair), and give the IdP the new certificate.',
      );
    else add('sp', 'ok', 'The SP private key matches the SP certificate.');
  }
  if (saml.spPrivateKey && !saml.spCertificate)
    add(
      'sp',
      'warning',
      'The SP private key has no certificate: the SP metadata cannot offer it for encryption.',
      'Add the SP certificate.',
    );
  return idp;
}

async function samlPreview(
  c: SamlConnection,
  sample: TestSample,
  idp: IdpMetadata,
  ctx: TestContext,
  add: Add,
): Promise<MappingPreview | undefined> {
  if (sample.samlResponse !== undefined) {
    const xml = Buffer.from(String(sample.samlResponse), 'base64').toString('utf8');
    const instant = /IssueInstant="([^"]+)"/.exec(xml)?.[1];
    const at = instant ? Date.parse(instant) : Number.NaN;
    if (Number.isNaN(at)) {
      add(
        'sample',
        'error',
        'The sample is not a base64 SAML Response with an IssueInstant.',
        'Paste the SAMLResponse field as the browser posted it.',
      );
      return undefined;
    }
    try {
      // Checked as the ACS would check it (responseExpectations, the IdP-initiated policy included), as
      // of the sample's own issue time, answering the request the sample names, if any (not a login).
      const assertion = await validateSamlResponse(String(sample.samlResponse), {
        ...responseExpectations(c, idp, ctx.url('/saml/acs')),
        requestId: /InResponseTo="([^"]+)"/.exec(xml)?.[1] ?? null,
        replay: { firstSeen: async () => true } as never,
        [nowSymbol]: () => at + 1000,
      });
      add(
        'sample',
        'ok',
        `The sample response validates (as of its issue time, ${new Date(at).toISOString()}): signature, issuer, audience and recipient match.`,
      );
      return mappingPreview(c, assertion.identity, assertion.claims, ctx, add);
    } catch (error) {
      add('sample', 'error', `The sample response would be refused: ${messageOf(error)}`, fixFor(error));
      return undefined;
    }
  }
  if (!sample.claims) return undefined;
  const subject = sample.subject ?? (typeof sample.claims.nameId === 'string' ? sample.claims.nameId : '');
  return mappingPreview(c, { issuer: idp.entityId, subject }, sample.claims, ctx, add);
}

async function mappingPreview(
  c: Connection,
  identity: IdentityKey,
  claims: Record<string, unknown>,
  ctx: TestContext,
  add: Add,
): Promise<MappingPreview> {
  if (identity.subject === '') {
    add(
      'sample',
      'error',
      'The sample has no subject ("sub", or the SAML NameID).',
      'Add "sub" to the claims, or give "subject".',
    );
    return {
      identity,
      outcome: 'would-fail',
      error: { code: 'claim_missing', message: 'The sample has no subject.' },
    };
  }
  const preview = await previewLogin(
    { connection: { ...c, active: true }, identity, claims },
    { store: ctx.storage.login, ...(ctx.roles ? { roles: ctx.roles } : {}), [nowSymbol]: ctx.clock },
  );
  if (preview.outcome === 'would-fail') {
    add(
      'mapping',
      'error',
      `A login with this sample would be refused: ${preview.error.message}`,
      fixFor(preview.error),
    );
    return {
      identity,
      outcome: 'would-fail',
      error: { code: preview.error.code, message: preview.error.message },
    };
  }
  const { result } = preview;
  const nameOf = async (groupId: string) => (await ctx.storage.groups.get(groupId))?.name;
  const plan = result.groupSync;
  add(
    'mapping',
    'ok',
    `A login with this sample would succeed with roles ${result.roles.length ? result.roles.join(', ') : '(none)'}.`,
  );
  if (result.profile.groups.state === 'absent')
    add(
      'mapping.groups',
      'warning',
      'The sample carries no groups claim: group sync would change nothing.',
      'Map "groups" to the claim or attribute that lists the groups, and have the IdP send it.',
    );
  return {
    identity,
    outcome: 'would-succeed',
    profile: result.profile,
    roles: result.roles,
    ...(result.primaryRole ? { primaryRole: result.primaryRole } : {}),
    user: {
      id: result.user.id === '' ? null : result.user.id,
      ...(result.user.email ? { email: result.user.email } : {}),
      resolution: result.resolution,
    },
    groupSync: plan
      ? {
          state: plan.state,
          add: plan.add.map((g) => ({ id: g.id, name: g.name })),
          remove: await Promise.all(
            plan.remove.map(async (m) => withName({ groupId: m.groupId }, await nameOf(m.groupId))),
          ),
          kept: await Promise.all(
            plan.kept.map(async (m) =>
              withName({ groupId: m.groupId, source: m.source }, await nameOf(m.groupId)),
            ),
          ),
          unmatched: plan.unmatched,
          ...(plan.reason ? { reason: plan.reason } : {}),
        }
      : null,
  };
}

function withName<T extends object>(value: T, name: string | undefined): T & { name?: string } {
  return name === undefined ? value : { ...value, name };
}

function clockFinding(skewSec: number | undefined, toleranceSec: number, add: Add): void {
  if (skewSec === undefined) return;
  const off = Math.abs(skewSec);
  const side = skewSec > 0 ? 'ahead of' : 'behind';
  if (off > 300)
    add(
      'clock',
      'error',
      `The IdP's clock is ${off} s ${side} this server's.`,
      'Synchronise this server with NTP.',
    );
  else if (off > toleranceSec)
    add(
      'clock',
      'warning',
      `The IdP's clock is ${off} s ${side} this server's, more than the ${toleranceSec} s tolerated.`,
      'Synchronise this server with NTP, or raise the clock tolerance.',
    );
  else add('clock', 'ok', `This server's clock agrees with the IdP's (within ${Math.max(off, 1)} s).`);
}

/** A request that only tells whether something answers: status and Date header, or why it failed. */
async function probeUrl(
  target: string,
  init: RequestInit,
  ctx: TestContext,
): Promise<{ status?: number; date?: number; error?: string }> {
  // The same rule as every IdP URL: https, or http on a loopback host only.
  let parsed: URL;
  try {
    parsed = new URL(target);
  } catch {
    return { error: 'not a URL' };
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (!(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback)))
    return { error: 'not probed: only https URLs (or http on localhost) are' };
  try {
    const response = await (ctx.fetch ?? fetch)(target, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    const date = Date.parse(response.headers.get('date') ?? '');
    return { status: response.status, ...(Number.isNaN(date) ? {} : { date }) };
  } catch (error) {
    const name = (error as Error)?.name;
    return { error: name === 'TimeoutError' ? 'no answer within 10 s' : 'the connection failed' };
  }
}

function matchesIssuer(iss: string, configured: string): boolean {
  if (!configured.includes('{tenantid}')) return iss === configured;
  const [before, after] = configured.split('{tenantid}') as [string, string];
  return iss.startsWith(before) && iss.endsWith(after);
}

function messageOf(error: unknown): string {
  if (isSsoError(error)) return error.message;
  if (error instanceof Error && 'issues' in error)
    return (error as unknown as { issues: { path: string; message: string }[] }).issues
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
  return 'an unexpected failure';
}

function fixFor(error: unknown): string | undefined {
  if (!(error instanceof SsoError)) return undefined;
  const fixes: Partial<Record<string, string>> = {
    saml_signature_invalid: "Check that the IdP's signing certificate in the metadata is current.",
    email_not_verified: 'Have the IdP send email_verified, or turn off "requireVerifiedEmail".',
    user_not_provisioned: 'Invite the user, or turn on "createUsers".',
    claim_missing: 'Map the field to a claim or attribute the IdP sends.',
    identity_conflict:
      'Link the existing account, or enable "linkExistingUsersByEmail" for an authoritative IdP.',
  };
  return (
    fixes[error.code] ??
    (error.code === 'saml_invalid' ? 'Compare the values in the message with what the IdP sends.' : undefined)
  );
}
