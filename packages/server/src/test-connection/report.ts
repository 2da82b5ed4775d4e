/**
 * The reports of "Test Provider": findings (a stable check name, a status, a message and a fix), the
 * mapping preview of a sample or of a test login, and the wording of failures for an administrator.
 *
 * @module
 */

import { type IdentityKey, isSsoError, type Profile, SsoError, type SsoErrorCode } from '@ssokit/core';
import type { FieldSource } from '../settings-layers.ts';

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
  /** Why it would fail, and what an administrator can do about it when ssokit knows. */
  error?: { code: string; message: string; fix?: string };
  profile?: Profile;
  roles?: string[];
  primaryRole?: string;
  /**
   * Groups that would match a role this connection may not grant (the role's `grantedBy` does not
   * name it): what the IdP claims and the host did not allow.
   */
  refusedRoles?: { group: string; role: string }[];
  /**
   * The IdP's groups that matched nothing: no role and, with group sync, no app group. What an admin
   * needs when someone "has no access". Absent when there are none.
   */
  unmatchedGroups?: string[];
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

/** The report of `sso.testConnection()` ("Test Provider"). */
export interface ConnectionTestReport {
  connectionId: string;
  name: string;
  protocol: 'oidc' | 'saml';
  /** The worst status among the findings. */
  status: FindingStatus;
  testedAt: string;
  /**
   * What to enter at the IdP: the redirect URI, post-logout redirect URI, and the back-channel and
   * front-channel logout URIs (server-side sessions only), or the ACS URL, entity id, SP metadata URL
   * and SLO URL.
   */
  register: Record<string, string>;
  /**
   * Where each effective field comes from (`'oidc.issuer'` → `{ source: 'environment', origin:
   * 'OIDC_ISSUER' }`): environment, file, stored or default (`SsoOptions.settings`).
   */
  sources: Record<string, FieldSource>;
  findings: Finding[];
  /** Present when a sample was given. */
  preview?: MappingPreview;
}

/**
 * The report of a test login: a real login through the IdP that stopped before it wrote (no user, no
 * membership, no session), read from `GET /admin/connections/:id/test-login/:resultId`.
 */
export interface TestLoginReport {
  /** The result id, as the admin's browser received it in `?testLogin=`. */
  id: string;
  connectionId: string;
  /** The connection's name; absent when it was deleted during the test. */
  name?: string;
  protocol: 'oidc' | 'saml';
  /**
   * `would-succeed`: the IdP's answer passed every check and the login pipeline would let the person
   * in; `would-fail`: the IdP refused, its answer failed a check, or the pipeline would refuse (`error`).
   */
  outcome: 'would-succeed' | 'would-fail';
  /** The worst status among the findings. */
  status: FindingStatus;
  testedAt: string;
  /** The admin who ran it, as `authorizeAdmin` named them. */
  actor?: string;
  /** The person the IdP signed in, when its answer was valid. */
  identity?: IdentityKey;
  /**
   * The validated claims (ID token and userinfo) or SAML attributes, as the mapping read them; never
   * a token: raw ID tokens, access tokens, the nonce and the token hashes are left out.
   */
  claims?: Record<string, unknown>;
  /** What the login would have done: profile, roles, user, group-sync diff, unmatched groups. */
  preview?: MappingPreview;
  /**
   * Why it would fail: the refusal's stable code, message and fix. `stage` says where: `start` (the
   * login could not begin: idp_unreachable, discovery_failed, config_invalid...), `response` (the IdP
   * refused, or its answer failed a check: state, signature, InResponseTo, replay...) or `mapping`
   * (the login policy: email_not_verified, user_not_provisioned...).
   */
  error?: {
    code: SsoErrorCode;
    message: string;
    fix?: string;
    reason?: string;
    stage: 'start' | 'response' | 'mapping';
  };
  findings: Finding[];
}

/** Records one finding. */
export type Add = (check: string, status: FindingStatus, message: string, fix?: string) => void;

/** The worst status among the findings (`ok` when there are none). */
export function worstStatus(findings: readonly Finding[]): FindingStatus {
  const rank = { ok: 0, warning: 1, error: 2 } as const;
  return findings.reduce<FindingStatus>(
    (worst, f) => (rank[f.status] > rank[worst] ? f.status : worst),
    'ok',
  );
}

/** A failure as one line for the report (never a stack trace). */
export function messageOf(error: unknown): string {
  // An admin reads this: a failure that hides its reason from visitors (an encrypted assertion, a
  // private address) gives it here, from its cause.
  if (isSsoError(error) && isSsoError(error.cause)) {
    const inner = messageOf(error.cause);
    // A cause that only says the same again (a URL not reached, twice) adds nothing.
    return error.message.includes(inner.replace(/\.$/, '')) ? error.message : `${error.message} (${inner})`;
  }
  if (isSsoError(error)) return error.message;
  if (error instanceof Error && 'issues' in error)
    return (error as unknown as { issues: { path: string; message: string }[] }).issues
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
  return 'an unexpected failure';
}

/** What an administrator can do about a refused sample, when ssokit knows. */
export function fixFor(error: unknown): string | undefined {
  if (!(error instanceof SsoError)) return undefined;
  const fixes: Partial<Record<string, string>> = {
    saml_signature_invalid: "Check that the IdP's signing certificate in the metadata is current.",
    saml_replay:
      'Sign in again: each answer of the IdP is accepted once (a reload or the back button resends it).',
    idp_error:
      "Read the identity provider's message; often the user is not assigned to the application at the IdP.",
    id_token_invalid:
      "Check the connection's issuer and client id, and that the IdP signs with a key its JWKS publishes.",
    userinfo_invalid: "Check the IdP's userinfo endpoint, or read the claims from the ID token instead.",
    discovery_failed: 'Check the issuer URL; its discovery document must answer from this server.',
    idp_unreachable: 'Check that this server can reach the identity provider.',
    email_not_verified:
      'Have the IdP send email_verified (or verify the address there). Turn off "requireVerifiedEmail" only for an IdP that verifies every address: otherwise anyone with an unverified address there signs in as that address.',
    user_not_provisioned: 'Invite the user, or turn on "createUsers".',
    claim_missing: 'Map the field to a claim or attribute the IdP sends.',
    identity_conflict:
      'Link the existing account to this identity. Enable "linkExistingUsersByEmail" only for an IdP authoritative for the email domain: it lets that IdP\'s users take over the accounts of their addresses.',
  };
  return (
    fixes[error.code] ??
    (error.code === 'saml_invalid' ? 'Compare the values in the message with what the IdP sends.' : undefined)
  );
}
