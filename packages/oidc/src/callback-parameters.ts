/**
 * The callback's parameters, read as strictly as the specs allow: from the query of a GET or the
 * form of a POST (bounded), each at most once (RFC 6749 §3.1), only those the requested response type
 * produces, and by the response mode the login asked for. `processCallback` applies the checks that
 * need the transaction.
 *
 * @module
 */
import type { OidcSettings } from '@ssokit/core';
import { printable, readTextWithLimit, SsoError } from '@ssokit/core';
import type { OidcTransaction } from './authorization.ts';

const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * How the authorization response reached the callback: the query string of a GET (`query`, the code
 * flow's default response mode), or the form body of a POST (`form_post`).
 *
 * @example
 * ```ts
 * import { type ResponseMode, readCallbackParameters } from '@ssokit/oidc';
 *
 * const mode: ResponseMode = (await readCallbackParameters(request)).responseMode;
 * ```
 * @see https://openid.net/specs/oauth-v2-multiple-response-types-1_0.html#ResponseModes
 */
export type ResponseMode = 'query' | 'form_post';

/**
 * The callback parameters as {@link readCallbackParameters} returns them: the parameters, and how they
 * arrived, which {@link processCallback} compares with the response mode the login asked for. A caller
 * that reads the request another way attaches the mode itself (see the example); without it the mode
 * is not checked. Copying into a new `URLSearchParams` drops it.
 *
 * @example
 * ```ts
 * import type { CallbackParameters } from '@ssokit/oidc';
 *
 * // A form_post body read by a framework's own body parser:
 * const params: CallbackParameters = Object.assign(new URLSearchParams(rawBody), {
 *   responseMode: 'form_post' as const,
 * });
 * ```
 * @see https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html#FormPostResponseMode
 */
export type CallbackParameters = URLSearchParams & { readonly responseMode: ResponseMode };

/**
 * Reads the callback parameters from a Web `Request`: the query string of a GET, or the
 * `application/x-www-form-urlencoded` body of a POST (`response_mode=form_post`), and records which
 * (`responseMode`). Other methods are `method_not_allowed` (Allow: GET, POST), other content types
 * `invalid_request`, and bodies over 64 KiB `payload_too_large`. A parameter that appears more than
 * once is `invalid_request` (`details.reason: 'duplicate_parameter'`), refused here, before the
 * caller looks the state up or takes the transaction.
 *
 * @example
 * ```ts
 * import { readCallbackParameters } from '@ssokit/oidc';
 *
 * const params = await readCallbackParameters(request);
 * params.get('state');
 * params.responseMode; // 'query' or 'form_post'
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthResponse
 * @see https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1
 */
export async function readCallbackParameters(request: Request): Promise<CallbackParameters> {
  let params: URLSearchParams;
  let responseMode: ResponseMode;
  if (request.method === 'GET') {
    params = new URL(request.url).searchParams;
    responseMode = 'query';
  } else if (request.method !== 'POST') {
    throw new SsoError('method_not_allowed', `The callback does not accept ${request.method} requests.`, {
      details: { allow: 'GET, POST' },
    });
  } else {
    const type = request.headers.get('content-type') ?? '';
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      throw new SsoError(
        'invalid_request',
        'The callback POST must be application/x-www-form-urlencoded (response_mode=form_post).',
      );
    }
    // Streamed and cut at the limit (a chunked body has no Content-Length to trust).
    params = new URLSearchParams(
      await readTextWithLimit(request.body, MAX_CALLBACK_BYTES, 'The callback body'),
    );
    responseMode = 'form_post';
  }
  checkNoDuplicates(params);
  return Object.assign(params, { responseMode });
}

/**
 * RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once." Two `state`,
 * `code`, `id_token` or `iss` values leave it open which one a check read and which one was used, so
 * a repeated parameter, whatever its name, is refused.
 */
export function checkNoDuplicates(params: URLSearchParams): void {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) {
      throw new SsoError(
        'invalid_request',
        `The callback has the parameter "${printable(name)}" more than once; each may appear only once (RFC 6749 §3.1). Start the login again; if it keeps happening, a proxy or the identity provider is adding parameters to the callback.`,
        { details: { reason: 'duplicate_parameter', parameter: printable(name) } },
      );
    }
    seen.add(name);
  }
}

/**
 * The response type and mode the login asked for: recorded in the transaction by
 * `buildAuthorizationRequest`, or, for a transaction stored before they were recorded, derived from
 * its flow (then the connection's): the code flow is `code` in the query (the default response mode of
 * `code`), the implicit flow `id_token` by form_post.
 */
export function requestedResponse(
  transaction: OidcTransaction,
  settings: OidcSettings,
): { type: 'code' | 'id_token'; mode: ResponseMode } {
  const type =
    transaction.responseType ?? ((transaction.flow ?? settings.flow) === 'implicit' ? 'id_token' : 'code');
  const mode = transaction.responseMode ?? (type === 'id_token' ? 'form_post' : 'query');
  if ((type !== 'code' && type !== 'id_token') || (mode !== 'query' && mode !== 'form_post')) {
    throw new SsoError(
      'invalid_state',
      'The stored login names a response type or mode this version does not handle. Start the login again.',
      { details: { reason: 'transaction' } },
    );
  }
  return { type, mode };
}

/**
 * The answer must arrive by the response mode the login asked for (OAuth 2.0 Multiple Response Type
 * Encoding Practices §2.1: `query` is the default mode of `code`; Form Post Response Mode §2: the
 * parameters "are transmitted via the HTTP POST method"): an implicit login's ID token in a query
 * string is not what the OP sends, and a code-flow answer posted as a form is not either. Checked when
 * `params` says how it arrived (`readCallbackParameters` does). An IdP error answer in the wrong mode
 * is refused too, with the IdP's `error` in the details.
 */
export function checkResponseMode(
  params: URLSearchParams,
  expected: ResponseMode,
  error: string | null,
): void {
  const received = (params as Partial<CallbackParameters>).responseMode;
  if (received === undefined || received === expected) return;
  const how = (mode: ResponseMode) =>
    mode === 'query' ? 'in the query string (GET)' : 'as a form post (POST)';
  throw new SsoError(
    'invalid_request',
    `The callback arrived ${how(received)}, but the login asked for the answer ${how(expected)}${error === null ? '' : ` (the identity provider answered with the error ${printable(error)})`}. Start the login again; if it keeps happening, check the response mode the identity provider uses for this client.`,
    {
      details: {
        reason: 'response_mode',
        expected,
        received,
        ...(error === null ? {} : { error: printable(error) }),
      },
    },
  );
}

/**
 * Parameters the requested response type cannot produce: RFC 6749 §4.1.2 (`code` returns the code and
 * the state), OAuth 2.0 Multiple Response Type Encoding Practices §3 (`id_token` returns an ID token
 * and no access token) and §5 (what each combination returns, so any other token was not asked for),
 * and JARM §2 (a `response` parameter only for a `*.jwt` response mode, never requested here): tokens
 * in a code-flow callback, a code or an access token where only an `id_token` was asked for.
 */
const UNEXPECTED: Record<'code' | 'id_token', readonly string[]> = {
  code: ['id_token', 'access_token', 'response'],
  id_token: ['code', 'access_token', 'response'],
};

export function checkResponseParameters(params: URLSearchParams, type: 'code' | 'id_token'): void {
  for (const name of UNEXPECTED[type]) {
    if (params.has(name)) {
      throw new SsoError(
        'invalid_request',
        `The callback carries "${name}", which the login did not ask for (response_type=${type}). Start the login again; if it keeps happening, check the response type the identity provider uses for this client.`,
        { details: { reason: 'unexpected_parameter', parameter: name, responseType: type } },
      );
    }
  }
}
