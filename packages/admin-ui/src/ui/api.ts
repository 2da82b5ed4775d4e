/**
 * The admin API, as the console calls it: same-origin `fetch` (the session cookie goes along, and the
 * browser's `Origin` header satisfies the API's cross-site check), JSON in and out, and every refusal
 * turned into an {@link ApiError} with the API's stable code, message, reason and issues.
 *
 * @module
 */

/** One problem of a refused configuration, as the API lists it. */
export interface Issue {
  path: string;
  message: string;
}

/** A refusal of the admin API (or the network). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly reason: string | undefined;
  readonly issues: (Issue & { field?: string })[];
  constructor(
    status: number,
    code: string,
    message: string,
    reason?: string,
    issues: (Issue & { field?: string })[] = [],
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = reason;
    this.issues = issues;
  }
}

/** A connection as the list and detail routes return it (secrets left out). */
export interface ConnectionSummary {
  id: string;
  name: string;
  provider: string;
  protocol: 'oidc' | 'saml';
  active: boolean;
  updatedAt: string;
  secretsSet?: string[];
  /** What expires in it (secret, certificates), soonest first; only in the list. */
  expiries?: { what: 'client-secret' | 'sp-certificate' | 'idp-certificate'; at: string }[];
}

/** `GET /admin/connections/:id/activity`. */
export interface Activity {
  recording: boolean;
  failures: { at: string; step: string; code: string; reason?: string; message: string; fix?: string }[];
  unmatchedGroups: { group: string; count: number; lastSeen: string }[];
}

/** An IdP group of recent logins (`GET /admin/roles`). */
export interface RecentGroup {
  group: string;
  connectionIds: string[];
  count: number;
  lastSeen: string;
  /** Roles it matches that its connections may not grant; unmatched groups only. */
  refusedRoles?: string[];
}

/** What a role is made of, as the console sends it (`POST`, `PATCH /admin/roles[/:name]`). */
export interface RoleDefinition {
  name: string;
  description?: string;
  scope: 'global' | 'organization';
  organizationId?: string;
  permissions: Record<string, string[]>;
  grantedBy: string[];
}

/** One role as `GET /admin/roles` lists it. */
export interface ListedRole extends RoleDefinition {
  /** `code`: `createSso({ roles })`; `file`: a role file (`origin`); `api`: created here. */
  source: 'code' | 'file' | 'api';
  origin?: string;
  createdAt?: string;
  updatedAt?: string;
  editable: boolean;
  groups: { match: 'name' | 'exact' | 'glob' | 'regex'; pattern: string }[];
  recentGroups: RecentGroup[];
}

/** `GET /admin/roles`. */
export interface RolesAtAGlance {
  custom: boolean;
  /** Whether the admin API may create roles (a role store, and no matcher of the host's own). */
  editable: boolean;
  /** Whether the storage keeps login activity (the recent groups). */
  recording: boolean;
  matchGroupNames: boolean;
  caseInsensitive: boolean;
  defaultRole?: string;
  roles: ListedRole[];
  unmatchedGroups: RecentGroup[];
  groups: { id: string; name: string; externalId?: string }[];
}

/** One check of Test Provider. */
export interface Finding {
  check: string;
  status: 'ok' | 'warning' | 'error';
  message: string;
  fix?: string;
}

/** Where an effective field comes from (`SsoOptions.settings`). */
export interface FieldSource {
  source: 'environment' | 'file' | 'stored' | 'default';
  origin?: string;
}

/** A connection with each field's source, as `GET /admin/connections/:id` answers it. */
export interface ConnectionDetail extends ConnectionSummary {
  sources: Record<string, FieldSource>;
  [section: string]: unknown;
}

/** What a login would do (Test Provider's preview and the test login's). */
export interface Preview {
  outcome: 'would-succeed' | 'would-fail';
  error?: { code: string; message: string; fix?: string };
  profile?: Record<string, unknown> & { groups?: { state: string; values?: string[] } };
  roles?: string[];
  unmatchedGroups?: string[];
  refusedRoles?: { group: string; role: string }[];
  user?: { id: string | null; email?: string; resolution: string };
  groupSync?: {
    add: { name: string }[];
    remove: { groupId: string; name?: string }[];
    kept: { groupId: string; name?: string; source: string }[];
  } | null;
}

/** Test Provider's report. */
export interface TestReport {
  status: Finding['status'];
  testedAt: string;
  register: Record<string, string>;
  findings: Finding[];
  preview?: Preview;
}

/** A test login's report. */
export interface TestLoginReport {
  outcome: 'would-succeed' | 'would-fail';
  status: Finding['status'];
  testedAt: string;
  identity?: { issuer: string; subject: string };
  claims?: Record<string, unknown>;
  preview?: Preview;
  error?: { code: string; message: string; fix?: string; stage: string };
  findings: Finding[];
}

/** An issue of a form, by field (`field`) or by connection path. */
export interface FormIssueShape extends Issue {
  field?: string;
}

/** The admin API under `basePath`. */
export function adminApi(basePath: string) {
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    let response: Response;
    try {
      response = await fetch(`${basePath}/admin${path}`, {
        method,
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'network', 'The server could not be reached.');
    }
    if (response.status === 204) return undefined as T;
    const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok)
      throw new ApiError(
        response.status,
        typeof data.error === 'string' ? data.error : 'server_error',
        typeof data.message === 'string' ? data.message : response.statusText,
        typeof data.reason === 'string' ? data.reason : undefined,
        Array.isArray(data.issues) ? (data.issues as Issue[]) : [],
      );
    return data as T;
  };
  return {
    listConnections: () => call<ConnectionSummary[]>('GET', '/connections'),
    setActive: (c: ConnectionSummary, active: boolean) =>
      call<ConnectionSummary>('PATCH', `/connections/${encodeURIComponent(c.id)}`, {
        active,
        updatedAt: c.updatedAt,
      }),
    deleteConnection: (c: ConnectionSummary) =>
      call<void>('DELETE', `/connections/${encodeURIComponent(c.id)}`, undefined, {
        'if-match': c.updatedAt,
      }),
    forms: () => call<import('./form-types.ts').FormsResponse>('GET', '/forms'),
    connectionForm: (id: string) =>
      call<import('./form-types.ts').ConnectionForm>('GET', `/connections/${encodeURIComponent(id)}/form`),
    buildConnection: (formId: string, values: Record<string, unknown>) =>
      call<{ connection: Record<string, unknown> }>(
        'POST',
        `/forms/${encodeURIComponent(formId)}/connection`,
        { values },
      ),
    createConnection: (connection: Record<string, unknown>) =>
      call<ConnectionSummary>('POST', '/connections', connection),
    updateConnection: (id: string, connection: Record<string, unknown>) =>
      call<ConnectionSummary>('PATCH', `/connections/${encodeURIComponent(id)}`, connection),
    activity: (id: string) =>
      call<Activity>('GET', `/connections/${encodeURIComponent(id)}/activity?limit=50`),
    roles: () => call<RolesAtAGlance>('GET', '/roles'),
    getRole: (name: string) => call<ListedRole>('GET', `/roles/${encodeURIComponent(name)}`),
    createRole: (role: RoleDefinition) => call<ListedRole>('POST', '/roles', role),
    /** Replaces the fields `role` names; refused (`concurrent_update`) when changed since `updatedAt`. */
    updateRole: (name: string, role: Partial<RoleDefinition>, updatedAt: string | undefined) =>
      call<ListedRole>(
        'PATCH',
        `/roles/${encodeURIComponent(name)}`,
        role,
        updatedAt ? { 'if-match': updatedAt } : {},
      ),
    deleteRole: (role: ListedRole) =>
      call<void>(
        'DELETE',
        `/roles/${encodeURIComponent(role.name)}`,
        undefined,
        role.updatedAt ? { 'if-match': role.updatedAt } : {},
      ),
    getConnection: (id: string) => call<ConnectionDetail>('GET', `/connections/${encodeURIComponent(id)}`),
    testConnection: (id: string) => call<TestReport>('POST', `/connections/${encodeURIComponent(id)}/test`),
    startTestLogin: (id: string, returnTo: string) =>
      call<{ url: string; expiresAt: string }>('POST', `/connections/${encodeURIComponent(id)}/test-login`, {
        returnTo,
      }),
    testLoginReport: (id: string, resultId: string) =>
      call<TestLoginReport>(
        'GET',
        `/connections/${encodeURIComponent(id)}/test-login/${encodeURIComponent(resultId)}`,
      ),
  };
}

export type AdminApi = ReturnType<typeof adminApi>;
