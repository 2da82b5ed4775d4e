/**
 * The report of "Test Provider": findings (a stable check name, a status, a message and a fix), the
 * mapping preview of a sample, and the wording of failures for an administrator.
 *
 * @module
 */
import { type IdentityKey, isSsoError, type Profile, SsoError } from '@ssokit/core';

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
  /**
   * Groups that would match a role this connection may not grant (the role's `grantedBy` does not
   * name it): what the IdP claims and the host did not allow.
   */
  refusedRoles?: { group: string; role: string }[];
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
  /**
   * What to enter at the IdP: the redirect URI, post-logout redirect URI and back-channel logout URI
   * (server-side sessions only), or the ACS URL, entity id, SP metadata URL and SLO URL.
   */
  register: Record<string, string>;
  findings: Finding[];
  /** Present when a sample was given. */
  preview?: MappingPreview;
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
  if (isSsoError(error) && isSsoError(error.cause)) return `${error.message} (${messageOf(error.cause)})`;
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
