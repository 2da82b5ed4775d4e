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
  readonly issues: Issue[];
  constructor(status: number, code: string, message: string, reason?: string, issues: Issue[] = []) {
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
  };
}

export type AdminApi = ReturnType<typeof adminApi>;
