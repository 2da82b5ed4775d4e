/**
 * Audit events: a typed hook the host wires to its audit log.
 *
 * @module
 */
import type { SsoErrorCode } from './errors.ts';
import type { IdentityKey } from './types.ts';

interface EventBase {
  /** When it happened. */
  at: Date;
}

/** A login finished and a session may be issued. */
export interface LoginSucceededEvent extends EventBase {
  type: 'login.succeeded';
  connectionId: string;
  userId: string;
  identity: IdentityKey;
  roles: string[];
  /**
   * Roles the IdP's groups matched but this connection may not grant (`RoleDefinition.grantedBy`
   * does not name it): not granted. Empty when none. Usually a `grantedBy` to fix, or an IdP claiming
   * more than it should.
   */
  refusedRoles: string[];
  /**
   * With group sync, the IdP's groups that matched no app group (in claim order, at most 100, each
   * cut at 256 characters; the plan has them all): "my groups do not show" answered from the log.
   * Absent without group sync.
   */
  unmatchedGroups?: string[];
}

/** A login was refused; nothing was written. */
export interface LoginFailedEvent extends EventBase {
  type: 'login.failed';
  connectionId: string;
  code: SsoErrorCode;
  message: string;
  /** Present when the failure came after the IdP's answer was validated. */
  identity?: IdentityKey;
}

/** A user was created by just-in-time provisioning. */
export interface UserCreatedEvent extends EventBase {
  type: 'user.created';
  connectionId: string;
  userId: string;
}

/** An IdP identity was linked to a user. */
export interface IdentityLinkedEvent extends EventBase {
  type: 'identity.linked';
  connectionId: string;
  userId: string;
  identity: IdentityKey;
  /** `created`: a new user; `invitation`: an invited user; `email`: an existing user, by verified email. */
  via: 'created' | 'invitation' | 'email';
}

/** Group sync changed a user's memberships. */
export interface MembershipsChangedEvent extends EventBase {
  type: 'memberships.changed';
  connectionId: string;
  userId: string;
  added: { groupId: string; groupName?: string }[];
  removed: { groupId: string }[];
}

/** An admin created, updated or deleted a connection. */
export interface ConnectionChangedEvent extends EventBase {
  type: 'connection.created' | 'connection.updated' | 'connection.deleted';
  connectionId: string;
  name: string;
  /** Who did it, as the host's admin hook identified them. */
  actor?: string;
  /** The top-level fields that changed (`updated` only). Never their values. */
  changedFields?: string[];
}

/**
 * An admin ran a test login (Test Provider's "test login"): a real login through the IdP that ended in
 * a preview instead of a session. Nothing was written (no user, membership or session) and no `login.*`
 * event was sent; this event is the only trace. `succeeded`: the IdP's answer was valid and the
 * pipeline would let the person in; `failed`: either refused, with the code.
 */
export interface ConnectionTestLoginEvent extends EventBase {
  type: 'connection.test_login';
  connectionId: string;
  outcome: 'succeeded' | 'failed';
  /** Why it failed (`failed` only): the IdP's refusal, a check of its answer, or the login policy. */
  code?: SsoErrorCode;
  /** Who ran it, as the host's admin hook identified them. */
  actor?: string;
  /** The person the IdP signed in, when its answer was valid. */
  identity?: IdentityKey;
}

/**
 * Someone tried the temporary password of restore mode (W&B's `LOCAL_RESTORE`): a session was issued
 * (`succeeded`) or refused (`failed`, with the code: a wrong password, too many attempts, or restore
 * mode over).
 */
export interface RestoreLoginEvent extends EventBase {
  type: 'restore.login.succeeded' | 'restore.login.failed';
  /** Why it failed (`failed` only): `forbidden` (wrong password), `rate_limited` or `sso_disabled`. */
  code?: SsoErrorCode;
}

/**
 * Sessions were ended other than by their own logout: by the host (`sso.revokeSessions`), an admin,
 * a deleted or deactivated connection, or the IdP (back-channel logout, a SAML LogoutRequest).
 */
export interface SessionsRevokedEvent extends EventBase {
  type: 'sessions.revoked';
  reason:
    | 'api'
    | 'admin'
    | 'connection_deleted'
    | 'connection_deactivated'
    | 'backchannel_logout'
    | 'frontchannel_logout'
    | 'saml_logout';
  /** What was matched: a user, or a connection with an IdP subject and/or IdP session id. */
  filter: { userId: string } | { connectionId: string; subject?: string; idpSessionId?: string };
  /** How many sessions ended. */
  count: number;
  /** Who did it (`admin` only), as the host's admin hook identified them. */
  actor?: string;
}

/** An admin created, updated or deleted a role (`/admin/roles`). */
export interface RoleChangedEvent extends EventBase {
  type: 'role.created' | 'role.updated' | 'role.deleted';
  /** The role's name. */
  role: string;
  /** Who did it, as the host's admin hook identified them. */
  actor?: string;
  /** The fields that changed (`updated` only). Never their values. */
  changedFields?: string[];
}

/** Every audit event. Switch on `type`. */
export type AuditEvent =
  | LoginSucceededEvent
  | LoginFailedEvent
  | UserCreatedEvent
  | IdentityLinkedEvent
  | MembershipsChangedEvent
  | ConnectionChangedEvent
  | RoleChangedEvent
  | ConnectionTestLoginEvent
  | RestoreLoginEvent
  | SessionsRevokedEvent;

/** Every audit event type. */
export type AuditEventType = AuditEvent['type'];

/**
 * Receives audit events. It may be async; it is awaited, and a failure in it is reported to
 * `onError` and never fails the login it describes.
 *
 * @example
 * ```ts
 * import type { AuditHook } from '@ssokit/core';
 *
 * const audit: AuditHook = async (event) => {
 *   if (event.type === 'login.failed') console.warn('SSO login refused:', event.code);
 * };
 * ```
 */
export type AuditHook = (event: AuditEvent) => void | Promise<void>;

/**
 * Delivers an event to a hook, never throwing: a hook failure goes to `onError`.
 *
 * @example
 * ```ts
 * import { emitAudit } from '@ssokit/core';
 *
 * await emitAudit(
 *   audit,
 *   { type: 'connection.deleted', at: new Date(), connectionId: connection.id, name: connection.name },
 *   (err) => console.warn('audit hook failed', err),
 * );
 * ```
 */
export async function emitAudit(
  hook: AuditHook | undefined,
  event: AuditEvent,
  onError?: (error: unknown, event: AuditEvent) => void,
): Promise<void> {
  if (!hook) return;
  try {
    await hook(event);
  } catch (error) {
    onError?.(error, event);
  }
}
