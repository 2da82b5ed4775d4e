/**
 * `createSso()`: the object a host app mounts. One entry, `handle(Request) → Response`, serves every
 * route; failures are mapped to HTTP once (`statusFor`), as JSON or a small HTML page.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { RestoreMode } from '@ssokit/config';
import {
  type AuditHook,
  type Clock,
  ConfigError,
  type ConfigIssue,
  type Connection,
  completeLogin,
  customFetch,
  emitAudit,
  isSsoError,
  now as nowSymbol,
  type RoleMatcher,
  type RoleMatchingOptions,
  type SamlConnection,
  SsoError,
  type WarningHook,
} from '@ssokit/core';
import {
  buildAuthorizationRequest,
  buildEndSessionUrl,
  createDiscoveryCache,
  createJwksCache,
  type OidcTransaction,
  processCallback,
  readCallbackParameters,
  resolveProviderMetadata,
} from '@ssokit/oidc';
import {
  buildSpMetadata,
  createAuthnRequest,
  createIdpMetadataCache,
  createLogoutRequest,
  createLogoutResponse,
  decodeCertificate,
  type IdpMetadata,
  parseIdpMetadata,
  validateLogoutRequest,
  validateLogoutResponse,
  validateSamlResponse,
} from '@ssokit/saml';
import type { SsoStorage } from '@ssokit/storage';
import { type AuthorizeAdmin, decodePathSegment, handleAdmin, notAllowed } from './admin.ts';
import { clearChunked, parseCookies, readChunked, serializeCookie, writeChunked } from './cookies.ts';
import { idpKeysOf, responseExpectations } from './saml-connection.ts';
import { createSessionCodec, type SessionData } from './session.ts';
import { statusFor } from './status.ts';
import { type ConnectionTestReport, type TestSample, testConnection } from './test-connection.ts';

/** Options of {@link createSso}. */
export interface SsoOptions {
  /** The app's external origin, e.g. `https://app.example.com`. https, or http on a loopback host. */
  baseUrl: string;
  /** Where ssokit's routes live. Default: `'/sso'`. */
  basePath?: string;
  storage: SsoStorage;
  /** At least 32 characters; sessions are encrypted with a key derived from it. */
  secret: string;
  /** Role matching for every login. Default: no roles. */
  roles?: RoleMatcher | RoleMatchingOptions;
  audit?: AuditHook;
  onWarning?: WarningHook;
  /**
   * Guards the admin API (`/admin/connections...`): `true` or the admin's name allows; anything else
   * (`false`, `undefined`, `null`, `''`) refuses, so a hook that finds no session fails closed. Without
   * it the admin API does not exist (404). Default: none.
   */
  authorizeAdmin?: AuthorizeAdmin;
  /** Session lifetime in seconds. Default: 28800 (8 hours). */
  sessionTtlSec?: number;
  /** How long a login may take, in seconds. Default: 600 (10 minutes). */
  transactionTtlSec?: number;
  /**
   * The IdP key cache: `maxAgeMs` (default 600000, 10 minutes) before a key set is fetched again, and
   * `cooldownMs` (default 30000) between two fetches caused by tokens with an unknown `kid`, which
   * bounds how often forged `kid`s make ssokit call the IdP. A rotation at the IdP is picked up on the
   * first token with the new `kid` once the cooldown since the last fetch has passed.
   */
  jwks?: { maxAgeMs?: number; cooldownMs?: number };
  /**
   * Restore mode (W&B's `LOCAL_RESTORE`), from `loadWandbEnv(process.env).restore` or
   * `startRestoreMode()`: until it expires, every SSO login is refused (`sso_disabled`), `GET /providers`
   * lists none, and `POST /restore` with the temporary password gives an administrator a session with
   * `restoreRoles`. Every attempt is audited; five wrong passwords a minute, then `rate_limited`.
   * Default: off.
   */
  restore?: RestoreMode;
  /** The roles of a restore-mode session. Default: `['admin']`. */
  restoreRoles?: readonly string[];
  /**
   * Where the browser lands after logout: a path on this site. With IdP logout, `baseUrl` + this path is
   * the post-logout redirect URI to register at the IdP (Test Provider shows it). Default: `'/'`.
   */
  postLogoutPath?: string;
  [customFetch]?: (input: string, init: RequestInit) => Promise<Response>;
  [nowSymbol]?: Clock;
}

/** The session of a request, as the host sees it. */
export interface SsoSession {
  user: { id: string; email?: string; name?: string; username?: string };
  roles: string[];
  groups: string[];
  connectionId: string;
  expiresAt: Date;
  /** A restore-mode administrator (`connectionId` is then `'restore'`); see `SsoOptions.restore`. */
  restore?: true;
}

/** What {@link createSso} returns. */
export interface Sso {
  /** The origin of `baseUrl` (`https://app.example.com`), for adapters building Web requests. */
  readonly origin: string;
  /** Where ssokit's routes live (`/sso` by default); adapters pass other paths on to the host. */
  readonly basePath: string;
  /** Serves every ssokit route; any other path answers 404. */
  handle(request: Request): Promise<Response>;
  /** The request's session, or `null`. */
  getSession(request: Request): Promise<SsoSession | null>;
  /** The connection store (the admin API validates what it saves; this store does not). */
  readonly connections: SsoStorage['connections'];
  /**
   * "Test Provider": checks a connection against its IdP (OIDC: discovery, issuer, JWKS, endpoints,
   * clock skew; SAML: metadata, certificates and their expiry, endpoints) and, given a sample answer,
   * previews the mapped profile, roles and group-sync plan against the current user. No side effects.
   */
  testConnection(id: string, sample?: TestSample): Promise<ConnectionTestReport>;
}

const TX_COOKIE = 'sso_tx';
const RESTORE_ATTEMPTS_PER_MINUTE = 5;
const SESSION_COOKIE = 'sso_session';

/**
 * Creates the SSO handler. Options are checked once, here: a {@link ConfigError} lists every problem.
 *
 * @example
 * ```ts
 * import { createSso } from '@ssokit/server';
 * import { memoryStorage } from '@ssokit/storage';
 *
 * const sso = createSso({ baseUrl: 'https://app.example.com', storage: memoryStorage(), secret: process.env.SSO_SECRET });
 * const response = await sso.handle(request); // GET /sso/login/:id, /sso/oidc/callback, /sso/saml/acs, ...
 * ```
 */
export function createSso(options: SsoOptions): Sso {
  const issues: ConfigIssue[] = [];
  let base: URL | undefined;
  try {
    base = new URL(options?.baseUrl);
  } catch {
    issues.push({ path: 'baseUrl', message: 'must be an absolute URL such as https://app.example.com.' });
  }
  const loopback = base && ['localhost', '127.0.0.1', '[::1]'].includes(base.hostname);
  if (base && base.protocol !== 'https:' && !(base.protocol === 'http:' && loopback)) {
    issues.push({ path: 'baseUrl', message: 'must use https (http only on localhost, 127.0.0.1 and ::1).' });
  }
  const basePath = options?.basePath ?? '/sso';
  if (!/^\/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$/.test(basePath))
    issues.push({ path: 'basePath', message: 'must be a path such as /sso (no trailing slash).' });
  if (options?.postLogoutPath !== undefined && !isSitePath(options.postLogoutPath))
    issues.push({
      path: 'postLogoutPath',
      message: 'must be a path on this site, such as / or /signed-out.',
    });
  if (typeof options?.secret !== 'string' || options.secret.length < 32) {
    issues.push({
      path: 'secret',
      message: 'must be a string of at least 32 characters (e.g. `openssl rand -base64 32`).',
    });
  }
  const storage = options?.storage;
  for (const member of [
    'connections',
    'users',
    'groups',
    'memberships',
    'login',
    'transactions',
    'replay',
  ] as const) {
    if (!storage || typeof storage[member] !== 'object')
      issues.push({
        path: `storage.${member}`,
        message: 'is missing: pass memoryStorage() or a storage adapter.',
      });
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const origin = (base as URL).origin;
  const secure = (base as URL).protocol === 'https:';
  const clock = options[nowSymbol] ?? Date.now;
  const codec = createSessionCodec(options.secret);
  const http = options[customFetch] ? { [customFetch]: options[customFetch] } : {};
  const discovery = createDiscoveryCache(http);
  const keys = createJwksCache({ ...http, ...(options.jwks ?? {}) });
  const samlMetadata = createIdpMetadataCache(http);
  const sessionTtl = options.sessionTtlSec ?? 28_800;
  const txTtlMs = (options.transactionTtlSec ?? 600) * 1000;
  const url = (path: string) => `${origin}${basePath}${path}`;
  // Cross-site POSTs (form_post, the SAML ACS) drop SameSite=Lax cookies: on https the transaction
  // cookie is SameSite=None; Secure. On http loopback, IdP and app are same-site, so Lax suffices.
  const txCookie = {
    secure,
    sameSite: secure ? 'None' : 'Lax',
    path: basePath,
    maxAge: txTtlMs / 1000,
  } as const;
  const sessionCookie = { secure, sameSite: 'Lax', path: '/' } as const;
  const restore = options.restore;
  const restoreActive = () => restore !== undefined && clock() < restore.expiresAt.getTime();
  const refuseInRestore = () => {
    if (restoreActive())
      throw new SsoError(
        'sso_disabled',
        'Single sign-on is off: the app runs in restore mode. An administrator signs in at /restore with the temporary password.',
      );
  };
  const restoreFailures: { at: number }[] = [];

  const connection = async (id: string): Promise<Connection> => {
    const found = await storage.connections.get(id);
    if (!found) throw new SsoError('connection_not_found', 'No identity provider connection has this id.');
    if (!found.active)
      throw new SsoError('connection_inactive', `The connection "${found.name}" is disabled.`);
    return found;
  };
  const idpOf = async (c: Connection & { protocol: 'saml' }, fresh = false): Promise<IdpMetadata> => {
    if (c.saml.idpMetadataXml) return parseIdpMetadata(c.saml.idpMetadataXml, { [nowSymbol]: clock });
    if (c.saml.idpMetadataUrl)
      return (fresh ? createIdpMetadataCache(http) : samlMetadata).get(c.saml.idpMetadataUrl);
    if (c.saml.idp) {
      const { entityId, ssoUrl, sloUrl, certificates } = c.saml.idp;
      return {
        entityId,
        sso: { redirect: ssoUrl },
        slo: sloUrl ? { redirect: sloUrl } : {},
        signingCertificates: certificates.map((cert) => decodeCertificate(cert, entityId)),
        encryptionCertificates: [],
        nameIdFormats: [],
        wantAuthnRequestsSigned: false,
        expired: false,
      };
    }
    throw new ConfigError([{ path: 'saml', message: 'the connection has no IdP metadata.' }]);
  };

  const test = async (id: string, sample?: TestSample): Promise<ConnectionTestReport> => {
    const found = await storage.connections.get(id);
    if (!found) throw new SsoError('connection_not_found', 'No identity provider connection has this id.');
    return testConnection(found, sample, {
      storage,
      url,
      origin,
      postLogoutPath: options.postLogoutPath ?? '/',
      ...(options.roles ? { roles: options.roles } : {}),
      idpOf,
      ...(options[customFetch] ? { fetch: options[customFetch] } : {}),
      clock,
    });
  };

  const startLogin = async (request: Request, id: string): Promise<Response> => {
    refuseInRestore();
    const c = await connection(id);
    const returnTo = new URL(request.url).searchParams.get('returnTo') ?? '/';
    if (!isSitePath(returnTo))
      throw new SsoError('invalid_return_to', 'returnTo must be a path on this site, such as /projects.');
    const headers = new Headers({ 'cache-control': 'no-store' });
    if (c.protocol === 'oidc') {
      const metadata = await resolveProviderMetadata(c.oidc, discovery, http);
      const { url: target, transaction } = buildAuthorizationRequest(c.oidc, metadata, {
        redirectUri: url('/oidc/callback'),
      });
      await storage.transactions.put(
        transaction.state,
        { connectionId: c.id, protocol: 'oidc', returnTo, oidc: { ...transaction } },
        txTtlMs,
      );
      headers.append('set-cookie', serializeCookie(TX_COOKIE, transaction.state, txCookie));
      headers.set('location', target.href);
      return new Response(null, { status: 302, headers });
    }
    const idp = await idpOf(c);
    const key = randomBytes(24).toString('base64url');
    if (!idp.sso.redirect)
      throw new ConfigError([
        {
          path: 'saml',
          message: "the IdP's metadata has no SingleSignOnService for the HTTP-Redirect binding.",
        },
      ]);
    const authn = createAuthnRequest({
      ssoUrl: idp.sso.redirect,
      spEntityId: c.saml.spEntityId,
      acsUrl: url('/saml/acs'),
      relayState: key,
      ...(c.saml.nameIdFormat ? { nameIdFormat: c.saml.nameIdFormat } : {}),
      ...(c.saml.signRequests && c.saml.spPrivateKey
        ? {
            signing: {
              privateKeyPem: c.saml.spPrivateKey,
              ...(c.saml.spCertificate ? { certificatePem: c.saml.spCertificate } : {}),
            },
          }
        : {}),
    });
    await storage.transactions.put(
      key,
      { connectionId: c.id, protocol: 'saml', returnTo, requestId: authn.id },
      txTtlMs,
    );
    headers.append('set-cookie', serializeCookie(TX_COOKIE, key, txCookie));
    headers.set('location', (authn as { url: URL }).url.href);
    return new Response(null, { status: 302, headers });
  };

  /** The transaction a callback names, taken once and bound to this browser. */
  const takeTransaction = async (
    request: Request,
    key: string | null,
    protocol: 'oidc' | 'saml' | 'saml-logout',
  ) => {
    const cookie = parseCookies(request.headers.get('cookie')).get(TX_COOKIE);
    if (!key || !cookie || cookie !== key)
      throw new SsoError(
        'invalid_state',
        'This answer does not belong to a login started in this browser. Start the login again.',
      );
    const tx = (await storage.transactions.take(key)) as Record<string, unknown> | null;
    if (!tx)
      throw new SsoError('transaction_expired', 'The login expired or was already finished. Start it again.');
    if (tx.protocol !== protocol)
      throw new SsoError('invalid_state', 'This answer does not match the login that was started.');
    return tx as { connectionId: string; returnTo: string; oidc?: OidcTransaction; requestId?: string };
  };

  const finish = async (
    c: Connection,
    identity: { issuer: string; subject: string },
    claims: Record<string, unknown>,
    returnTo: string,
    extra: Partial<SessionData>,
    request: Request,
    groups?: Parameters<typeof completeLogin>[0]['groups'],
  ) => {
    const result = await completeLogin(
      { connection: c, identity, claims, ...(groups ? { groups } : {}) },
      {
        store: storage.login,
        ...(options.roles ? { roles: options.roles } : {}),
        ...(options.audit ? { audit: options.audit } : {}),
        [nowSymbol]: clock,
      },
    );
    const memberships = await storage.memberships.listForUser(result.user.id);
    const groupNames: string[] = [];
    for (const m of memberships) {
      const g = await storage.groups.get(m.groupId);
      if (g && !groupNames.includes(g.name)) groupNames.push(g.name);
    }
    const nowSec = Math.floor(clock() / 1000);
    const headers = new Headers({ location: returnTo, 'cache-control': 'no-store' });
    await setSession(headers, request, {
      userId: result.user.id,
      connectionId: c.id,
      identity,
      roles: result.roles,
      groups: groupNames,
      issuedAt: nowSec,
      expiresAt: nowSec + sessionTtl,
      ...extra,
    });
    headers.append('set-cookie', serializeCookie(TX_COOKIE, '', { ...txCookie, maxAge: 0 }));
    return new Response(null, { status: 303, headers });
  };

  /** Seals a session into (numbered) cookies on `headers`, clearing chunks left from a larger one. */
  const setSession = async (headers: Headers, request: Request, data: SessionData) => {
    const sealed = await codec.seal(data);
    const maxAge = data.expiresAt - Math.floor(clock() / 1000);
    for (const cookie of writeChunked(
      SESSION_COOKIE,
      sealed,
      { ...sessionCookie, maxAge },
      parseCookies(request.headers.get('cookie')),
    ))
      headers.append('set-cookie', cookie);
  };

  /** `POST /restore`: the temporary password of restore mode for an administrator's session. */
  const restoreLogin = async (request: Request): Promise<Response> => {
    const at = () => new Date(clock());
    const refuse = async (error: SsoError): Promise<never> => {
      await emitAudit(options.audit, { type: 'restore.login.failed', at: at(), code: error.code });
      throw error;
    };
    const origin = request.headers.get('origin');
    if (origin !== null && origin !== (base as URL).origin) {
      await refuse(
        new SsoError('forbidden', 'The restore sign-in must come from this site.', {
          details: { reason: 'origin' },
        }),
      );
    }
    if (!restoreActive()) {
      await refuse(
        new SsoError('sso_disabled', 'Restore mode has ended: sign in with single sign-on again.'),
      );
    }
    const nowMs = clock();
    while (restoreFailures.length > 0 && (restoreFailures[0] as { at: number }).at <= nowMs - 60_000)
      restoreFailures.shift();
    if (restoreFailures.length >= RESTORE_ATTEMPTS_PER_MINUTE) {
      await refuse(
        new SsoError('rate_limited', 'Too many wrong restore passwords; wait a minute and try again.'),
      );
    }
    // Counted before the first await: attempts sent in parallel cannot all pass the check above. The
    // slot is given back only when the password is right.
    const slot = { at: nowMs };
    restoreFailures.push(slot);
    const text = await readCapped(request, 4096);
    if (text === undefined)
      await refuse(new SsoError('payload_too_large', 'The restore request body is larger than 4 KB.'));
    const type = (request.headers.get('content-type') ?? '').toLowerCase();
    let password: unknown;
    if (type.startsWith('application/json')) {
      try {
        password = (JSON.parse(text as string) as { password?: unknown })?.password;
      } catch {
        await refuse(new SsoError('invalid_request', 'The restore request body is not JSON.'));
      }
    } else if (type.startsWith('application/x-www-form-urlencoded')) {
      password = new URLSearchParams(text).get('password');
    }
    if (typeof password !== 'string' || password === '')
      await refuse(
        new SsoError(
          'invalid_request',
          'Send the temporary password as JSON {"password": "..."} or as a form field "password".',
        ),
      );
    if (!(restore as RestoreMode).verify(password as string)) {
      await refuse(
        new SsoError('forbidden', 'The restore password is wrong.', {
          details: { reason: 'restore_password' },
        }),
      );
    }
    restoreFailures.splice(restoreFailures.indexOf(slot), 1);
    const nowSec = Math.floor(nowMs / 1000);
    const data: SessionData = {
      userId: 'restore',
      connectionId: 'restore',
      identity: { issuer: 'restore', subject: 'restore' },
      roles: [...(options.restoreRoles ?? ['admin'])],
      groups: [],
      issuedAt: nowSec,
      expiresAt: Math.min(
        nowSec + sessionTtl,
        Math.floor((restore as RestoreMode).expiresAt.getTime() / 1000),
      ),
      restore: true,
    };
    const wantsJson = (request.headers.get('accept') ?? '').includes('application/json');
    const headers = new Headers({ 'cache-control': 'no-store' });
    await setSession(headers, request, data);
    await emitAudit(options.audit, { type: 'restore.login.succeeded', at: at() });
    if (wantsJson) {
      headers.set('content-type', 'application/json; charset=utf-8');
      return new Response(JSON.stringify({ session: restoreSession(data) }), { status: 200, headers });
    }
    headers.set('location', '/');
    return new Response(null, { status: 303, headers });
  };

  const restoreSession = (data: SessionData): SsoSession => ({
    user: { id: 'restore', name: 'Restore administrator' },
    roles: data.roles,
    groups: [],
    connectionId: 'restore',
    expiresAt: new Date(data.expiresAt * 1000),
    restore: true,
  });

  const oidcCallback = async (request: Request): Promise<Response> => {
    refuseInRestore();
    const params = await readCallbackParameters(request);
    const tx = await takeTransaction(request, params.get('state'), 'oidc');
    const c = await connection(tx.connectionId);
    if (c.protocol !== 'oidc' || !tx.oidc)
      throw new SsoError('invalid_state', 'This answer does not match the login that was started.');
    const metadata = await resolveProviderMetadata(c.oidc, discovery, http);
    const result = await processCallback(params, tx.oidc, c.oidc, metadata, {
      keys,
      ...http,
      [nowSymbol]: clock,
    });
    return finish(
      c,
      result.identity,
      result.claims,
      tx.returnTo,
      { idToken: result.tokens.idToken },
      request,
      result.groups,
    );
  };

  const warnedIdpInitiated = new Set<string>();
  /**
   * `POST /saml/acs`: the answer to a login this browser started (its transaction, taken once), or,
   * for a connection that allows it, an unsolicited (IdP-initiated) response.
   */
  const samlAcs = async (request: Request): Promise<Response> => {
    refuseInRestore();
    if (request.method !== 'POST')
      throw notAllowed('The ACS accepts only POST (the HTTP-POST binding).', 'POST');
    const form = new URLSearchParams(await request.text());
    const unsolicited = await unsolicitedTarget(request, form);
    let c: SamlConnection;
    let requestId: string | null;
    let returnTo: string;
    if (unsolicited) {
      c = unsolicited;
      requestId = null;
      // RelayState of an IdP-initiated login is, by convention, where to go: only a path on this site.
      const relay = form.get('RelayState') ?? '';
      returnTo = isSitePath(relay) ? relay : '/';
    } else {
      const tx = await takeTransaction(request, form.get('RelayState'), 'saml');
      const found = await connection(tx.connectionId);
      if (found.protocol !== 'saml')
        throw new SsoError('invalid_state', 'This answer does not match the login that was started.');
      c = found;
      requestId = tx.requestId ?? null;
      returnTo = tx.returnTo;
    }
    const assertion = await validateSamlResponse(form.get('SAMLResponse') ?? '', {
      ...responseExpectations(c, await idpOf(c), url('/saml/acs')),
      requestId,
      replay: storage.replay,
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      [nowSymbol]: clock,
    });
    if (unsolicited && !warnedIdpInitiated.has(c.id)) {
      warnedIdpInitiated.add(c.id);
      options.onWarning?.(
        'idp-initiated-login',
        `The connection "${c.name}" accepted an IdP-initiated login. Such logins cannot be bound to the browser that started them (login CSRF); keep allowIdpInitiated off unless users start from the IdP's portal.`,
        { connectionId: c.id },
      );
    }
    return finish(
      c,
      assertion.identity,
      assertion.claims,
      returnTo,
      {
        nameId: assertion.nameId,
        ...(assertion.nameIdFormat ? { nameIdFormat: assertion.nameIdFormat } : {}),
        ...(assertion.sessionIndex ? { sessionIndex: assertion.sessionIndex } : {}),
      },
      request,
    );
  };

  /**
   * The connection an unsolicited (IdP-initiated) response is for, or undefined for the usual
   * transaction path. Only a response without InResponseTo that comes with no login of this browser
   * qualifies, and only for an active connection with `allowIdpInitiated` whose IdP entity id is the
   * response's Issuer (read here only to pick the configuration; the validator checks it, the
   * signature and everything else for real).
   */
  const unsolicitedTarget = async (
    request: Request,
    form: URLSearchParams,
  ): Promise<SamlConnection | undefined> => {
    const cookie = parseCookies(request.headers.get('cookie')).get(TX_COOKIE);
    if (cookie !== undefined && cookie === form.get('RelayState')) return undefined;
    const raw = form.get('SAMLResponse');
    if (!raw || raw.length > 512 * 1024) return undefined;
    const xml = Buffer.from(raw, 'base64').toString('utf8');
    if (/\sInResponseTo\s*=/.test(xml)) return undefined;
    const issuer = /<(?:[A-Za-z_][\w.-]*:)?Issuer\b[^>]*>\s*([^<\s]+)\s*</.exec(xml)?.[1];
    if (!issuer) return undefined;
    const matches: SamlConnection[] = [];
    for (const c of await storage.connections.list()) {
      if (c.protocol !== 'saml' || !c.active || c.saml.allowIdpInitiated !== true) continue;
      if (!xml.includes(c.saml.spEntityId)) continue;
      if ((await idpOf(c)).entityId === issuer) matches.push(c);
    }
    if (matches.length > 1)
      throw new SsoError(
        'invalid_state',
        'This unsolicited SAML response matches several connections; give each its own SP entity id.',
      );
    return matches[0];
  };

  const postLogoutPath = options.postLogoutPath ?? '/';
  const clearSession = (headers: Headers, request: Request) => {
    for (const cookie of clearChunked(
      SESSION_COOKIE,
      sessionCookie,
      parseCookies(request.headers.get('cookie')),
    ))
      headers.append('set-cookie', cookie);
  };

  /**
   * The IdP's logout for a session, when the IdP offers one: OIDC RP-initiated logout, or a SAML
   * LogoutRequest (whose answer comes back to /saml/slo/:id, bound to this browser like a login).
   */
  const idpLogout = async (data: SessionData, headers: Headers): Promise<string | null> => {
    const c = await storage.connections.get(data.connectionId);
    if (!c) return null;
    if (c.protocol === 'oidc') {
      const metadata = await resolveProviderMetadata(c.oidc, discovery, http);
      const target = buildEndSessionUrl(metadata, {
        ...(data.idToken ? { idTokenHint: data.idToken } : {}),
        postLogoutRedirectUri: `${origin}${postLogoutPath}`,
        clientId: c.oidc.clientId,
      });
      return target ? String(target) : null;
    }
    const idp = await idpOf(c);
    const sloUrl = idp.slo.redirect;
    if (!sloUrl || !data.nameId) return null;
    const key = randomBytes(24).toString('base64url');
    const request = createLogoutRequest({
      sloUrl,
      spEntityId: c.saml.spEntityId,
      nameId: data.nameId,
      ...(data.sessionIndex ? { sessionIndex: data.sessionIndex } : {}),
      // The NameID as the IdP issued it: its Format from the assertion, else the configured one.
      ...((data.nameIdFormat ?? c.saml.nameIdFormat)
        ? { nameIdFormat: data.nameIdFormat ?? c.saml.nameIdFormat }
        : {}),
      relayState: key,
      ...(c.saml.spPrivateKey ? { signing: { privateKeyPem: c.saml.spPrivateKey } } : {}),
    });
    await storage.transactions.put(
      key,
      { connectionId: c.id, protocol: 'saml-logout', returnTo: postLogoutPath, requestId: request.id },
      txTtlMs,
    );
    headers.append('set-cookie', serializeCookie(TX_COOKIE, key, txCookie));
    return request.url.href;
  };

  /**
   * `GET|POST /logout`: clears every session cookie, then sends the browser to the IdP's logout when it
   * offers one (`?local=1` skips it). JSON clients get `{ idpLogoutUrl }` to follow themselves.
   */
  const logout = async (request: Request): Promise<Response> => {
    // A logout form posted from another site (CSRF) would end the session and start the IdP's logout.
    const from = request.headers.get('origin');
    if (request.method === 'POST' && from !== null && from !== origin)
      throw new SsoError('forbidden', 'Sign-out must come from this site.', {
        details: { reason: 'origin' },
      });
    const headers = new Headers({ 'cache-control': 'no-store' });
    clearSession(headers, request);
    const sealed = readChunked(parseCookies(request.headers.get('cookie')), SESSION_COOKIE);
    const data = sealed ? await codec.open(sealed, Math.floor(clock() / 1000)) : null;
    const local = ['1', 'true'].includes(new URL(request.url).searchParams.get('local') ?? '');
    let target: string | null = null;
    if (data && !data.restore && !local) {
      try {
        target = await idpLogout(data, headers);
      } catch (error) {
        // The app session is over either way; an IdP that cannot be reached only loses its own logout.
        options.onWarning?.(
          'idp-logout-failed',
          `The identity provider's logout could not be prepared: ${error instanceof Error ? error.message : 'unknown failure'}`,
          { connectionId: data.connectionId },
        );
      }
    }
    if ((request.headers.get('accept') ?? '').includes('application/json')) {
      headers.set('content-type', 'application/json; charset=utf-8');
      return new Response(JSON.stringify({ loggedOut: true, idpLogoutUrl: target }), { headers });
    }
    headers.set('location', target ?? postLogoutPath);
    return new Response(null, { status: 303, headers });
  };

  /**
   * `GET /saml/slo/:id` (HTTP-Redirect): the IdP's LogoutResponse to our request, or an IdP-initiated
   * LogoutRequest, which ends this browser's session and is answered with a LogoutResponse.
   */
  const samlSlo = async (request: Request, id: string): Promise<Response> => {
    const c = await storage.connections.get(id);
    if (c?.protocol !== 'saml') throw new SsoError('connection_not_found', 'No SAML connection has this id.');
    const idp = await idpOf(c);
    const rawQuery = new URL(request.url).search;
    const expectations = {
      idpEntityId: idp.entityId,
      idpKeys: idpKeysOf(idp),
      sloUrl: url(`/saml/slo/${encodeURIComponent(c.id)}`),
      [nowSymbol]: clock,
    };
    const params = new URL(request.url).searchParams;
    const headers = new Headers({ 'cache-control': 'no-store' });
    if (params.has('SAMLResponse')) {
      const tx = await takeTransaction(request, params.get('RelayState'), 'saml-logout');
      if (tx.connectionId !== c.id || !tx.requestId)
        throw new SsoError('invalid_state', 'This answer does not match the logout that was started.');
      validateLogoutResponse(rawQuery, tx.requestId, expectations);
      headers.append('set-cookie', serializeCookie(TX_COOKIE, '', { ...txCookie, maxAge: 0 }));
      headers.set('location', tx.returnTo);
      return new Response(null, { status: 303, headers });
    }
    const incoming = validateLogoutRequest(rawQuery, expectations);
    const sloUrl = idp.slo.redirect;
    if (!sloUrl)
      throw new ConfigError([
        { path: 'saml', message: 'the IdP metadata has no SingleLogoutService (HTTP-Redirect) to answer.' },
      ]);
    // Front-channel: the browser carrying the request is the user's. Its session ends if it is this
    // IdP's session for the NameID (another session in the browser is left alone).
    const sealed = readChunked(parseCookies(request.headers.get('cookie')), SESSION_COOKIE);
    const data = sealed ? await codec.open(sealed, Math.floor(clock() / 1000)) : null;
    if (data && data.connectionId === c.id && data.nameId === incoming.nameId) clearSession(headers, request);
    const answer = createLogoutResponse({
      sloUrl,
      spEntityId: c.saml.spEntityId,
      inResponseTo: incoming.id,
      ...(incoming.relayState !== undefined ? { relayState: incoming.relayState } : {}),
      ...(c.saml.spPrivateKey ? { signing: { privateKeyPem: c.saml.spPrivateKey } } : {}),
    });
    headers.set('location', answer.href);
    return new Response(null, { status: 303, headers });
  };

  const getSession = async (request: Request): Promise<SsoSession | null> => {
    const sealed = readChunked(parseCookies(request.headers.get('cookie')), SESSION_COOKIE);
    if (!sealed) return null;
    const data = await codec.open(sealed, Math.floor(clock() / 1000));
    if (!data) return null;
    if (data.restore === true) return restoreActive() ? restoreSession(data) : null;
    const user = await storage.users.get(data.userId);
    if (!user || user.status === 'disabled') return null;
    return {
      user: {
        id: user.id,
        ...(user.email ? { email: user.email } : {}),
        ...(user.name ? { name: user.name } : {}),
        ...(user.username ? { username: user.username } : {}),
      },
      roles: data.roles,
      groups: data.groups,
      connectionId: data.connectionId,
      expiresAt: new Date(data.expiresAt * 1000),
    };
  };

  const route = async (request: Request, path: string): Promise<Response> => {
    const method = request.method;
    if (method === 'GET' && path === '/providers') {
      if (restoreActive()) return json([]);
      const list = (await storage.connections.list())
        .filter((c) => c.active)
        .map((c) => ({ id: c.id, name: c.name, protocol: c.protocol, provider: c.provider }));
      return json(list);
    }
    const login = /^\/login\/([^/]+)$/.exec(path);
    if (method === 'GET' && login) return startLogin(request, decodePathSegment(login[1] as string));
    if (path === '/oidc/callback' && (method === 'GET' || method === 'POST')) return oidcCallback(request);
    if (path === '/saml/acs') return samlAcs(request);
    const metadata = /^\/saml\/metadata\/([^/]+)$/.exec(path);
    if (method === 'GET' && metadata) {
      const found = await storage.connections.get(decodePathSegment(metadata[1] as string));
      if (found?.protocol !== 'saml')
        throw new SsoError('connection_not_found', 'No SAML connection has this id.');
      const xml = buildSpMetadata({
        entityId: found.saml.spEntityId,
        acsUrl: url('/saml/acs'),
        sloUrl: url(`/saml/slo/${encodeURIComponent(found.id)}`),
        authnRequestsSigned: found.saml.signRequests === true,
        wantAssertionsSigned: found.saml.wantAssertionsSigned !== false,
        ...(found.saml.spCertificate
          ? { signingCertificate: found.saml.spCertificate, encryptionCertificate: found.saml.spCertificate }
          : {}),
      });
      return new Response(xml, {
        headers: { 'content-type': 'application/samlmetadata+xml; charset=utf-8' },
      });
    }
    if (path === '/restore' && restore !== undefined) {
      if (method !== 'POST') throw notAllowed('Restore sign-in accepts only POST.', 'POST');
      return restoreLogin(request);
    }
    if (method === 'GET' && path === '/session') return json({ session: await getSession(request) });
    if (path === '/logout' && (method === 'GET' || method === 'POST')) return logout(request);
    const slo = /^\/saml\/slo\/([^/]+)$/.exec(path);
    if (method === 'GET' && slo) return samlSlo(request, decodePathSegment(slo[1] as string));
    if (path.startsWith('/admin/') && options.authorizeAdmin) {
      return handleAdmin(request, path, {
        storage,
        origin,
        authorize: options.authorizeAdmin,
        test,
        ...(options.audit ? { audit: options.audit } : {}),
        clock,
      });
    }
    return new Response('Not found', { status: 404 });
  };

  return {
    origin,
    basePath,
    connections: storage.connections,
    getSession,
    testConnection: test,
    async handle(request) {
      const path = new URL(request.url).pathname;
      if (path !== basePath && !path.startsWith(`${basePath}/`))
        return new Response('Not found', { status: 404 });
      try {
        return await route(request, path.slice(basePath.length));
      } catch (error) {
        return errorResponse(request, error, txCookie);
      }
    },
  };
}

/** The body as text, or undefined when it is longer than `limit` bytes (read no further than that). */
async function readCapped(request: Request, limit: number): Promise<string | undefined> {
  const reader = request.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Whether `path` is a path on this site and nothing else once a browser reads it: it starts with one
 * `/` (not `//`, `/\`), has no backslash, and only printable ASCII (browsers drop tabs and newlines
 * from URLs, so `/\t/evil.example` would become `//evil.example`, another site; other characters must
 * arrive percent-encoded).
 */
function isSitePath(path: string): boolean {
  // Printable ASCII only: a browser drops control characters, and a Location header cannot carry
  // characters past U+00FF (clients percent-encode such paths, as browsers do).
  return /^\/(?![/\\])[\x20-\x5b\x5d-\x7e]*$/.test(path);
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

function errorResponse(
  request: Request,
  error: unknown,
  txCookie: Parameters<typeof serializeCookie>[2],
): Response {
  const known = isSsoError(error)
    ? error
    : new SsoError('invalid_request', 'Something went wrong on the server; the request did not complete.', {
        cause: error,
      });
  const status = isSsoError(error) ? statusFor(error.code) : 500;
  const headers = new Headers({ 'cache-control': 'no-store' });
  if (status === 429) headers.set('retry-after', '60');
  if (status === 405 && typeof known.details?.allow === 'string') headers.set('allow', known.details.allow);
  headers.append('set-cookie', serializeCookie(TX_COOKIE, '', { ...txCookie, maxAge: 0 }));
  if ((request.headers.get('accept') ?? '').includes('application/json')) {
    headers.set('content-type', 'application/json; charset=utf-8');
    const body: Record<string, unknown> = {
      error: status === 500 ? 'server_error' : known.code,
      message: known.message,
    };
    if (known instanceof ConfigError) body.issues = known.issues;
    return new Response(JSON.stringify(body), { status, headers });
  }
  headers.set('content-type', 'text/html; charset=utf-8');
  const escapeHtml = (text: string) =>
    text.replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
    );
  return new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>Sign-in failed</title></head><body><h1>Sign-in failed</h1><p>${escapeHtml(known.message)}</p><p><code>${escapeHtml(status === 500 ? 'server_error' : known.code)}</code></p><p><a href="/">Back</a></p></body></html>`,
    { status, headers },
  );
}
