/**
 * Every request the server sends to an identity provider (discovery, JWKS, token, userinfo, Graph,
 * metadata, Test Provider's probes) goes through `createOutboundFetch`. Unless the host allows private
 * networks, it refuses hosts on this machine or a private network, by the URL and by the address the
 * name resolves to, checked when the connection is made (so a DNS answer cannot change between the
 * check and the connection). With the host's own `customFetch` (a proxy, say), the name is resolved
 * and checked before the request, as far as a fetch that connects elsewhere can be.
 *
 * @module
 */
import type { LookupAddress } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import { type Connection, checkIdpUrl, isPrivateAddress, isPrivateHost, SsoError } from '@ssokit/core';

/** A `fetch` as the protocol packages take it (`[customFetch]`). */
export type OutboundFetch = (input: string, init: RequestInit) => Promise<Response>;

/** The one answer for a target that was not reached, whatever the reason: no oracle of the network. */
function unreachable(url: URL, cause?: unknown): SsoError {
  return new SsoError(
    'idp_unreachable',
    `${url.origin}${url.pathname} could not be reached from this server.`,
    {
      ...(cause === undefined ? {} : { cause }),
      details: { url: `${url.origin}${url.pathname}` },
    },
  );
}

/**
 * Why a host was not called, for the host's log and Test Provider (never a visitor): it is on this
 * machine or a private network.
 */
function privateAddress(hostname: string): SsoError {
  return new SsoError(
    'idp_unreachable',
    `${hostname} is on this machine or a private network, which this server calls only with createSso({ allowPrivateNetworks: true }).`,
    { details: { reason: 'private_address' } },
  );
}

/**
 * A DNS lookup for `http.request({ lookup })` that refuses a name resolving to a private address:
 * every address the name has must be public (a name with one private address among public ones is how
 * a rebinding host reaches inside), checked when the connection is made. `refusal` makes the error a
 * refused name fails with. The one rule for the server's requests and the CLI's probes.
 *
 * @example
 * ```ts
 * import { request } from 'node:https';
 * import { publicOnlyLookup } from '@ssokit/server/node';
 *
 * const lookup = publicOnlyLookup((hostname) => new Error(`${hostname} is on a private network.`));
 * request('https://idp.example.com/.well-known/openid-configuration', { lookup });
 * ```
 */
export function publicOnlyLookup(refusal: (hostname: string) => Error): LookupFunction {
  return (hostname, options, callback) => {
    builtin('node:dns').lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address)))
        return callback(refusal(hostname), '', 4);
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** The server's lookup: a refused name is `idp_unreachable` (`private_address`). */
const publicLookup = publicOnlyLookup(
  (hostname) => Object.assign(privateAddress(hostname), { errno: 'EPRIVATE' }) as unknown as Error,
);

/**
 * The fetch the server uses for IdPs. `allowPrivateNetworks`: call hosts on private networks too (the
 * host's choice, for an IdP inside its network, and in development). `custom`: the host's own fetch.
 */
export function createOutboundFetch(options: {
  allowPrivateNetworks: boolean;
  custom?: OutboundFetch | undefined;
}): OutboundFetch {
  const { allowPrivateNetworks, custom } = options;
  if (allowPrivateNetworks) return custom ?? ((input, init) => fetch(input, init));
  return async function outboundFetch(input, init) {
    const url = new URL(input);
    if (!checkIdpUrl(url, { allowPrivateNetworks: false, allowInsecure: true }).ok)
      throw unreachable(url, privateAddress(url.hostname));
    if (custom) {
      // The host's fetch connects where it will (a proxy): check what the name resolves to here.
      await new Promise<void>((resolve, reject) =>
        // A URL writes an IPv6 literal in brackets; the resolver takes it without.
        publicLookup(url.hostname.replace(/^\[(.*)\]$/, '$1'), {}, (error) =>
          error ? reject(unreachable(url, error)) : resolve(),
        ),
      );
      return custom(input, init);
    }
    return nodeFetch(url, init);
  };
}

/** A fetch on node:http(s) whose connection uses {@link publicLookup}; never follows redirects. */
async function nodeFetch(url: URL, init: RequestInit): Promise<Response> {
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = await bodyBytes(init.body);
  if (body) headers['content-length'] = String(body.byteLength);
  return new Promise<Response>((resolve, reject) => {
    const send = url.protocol === 'https:' ? builtin('node:https').request : builtin('node:http').request;
    const request = send(
      url,
      {
        method: init.method ?? 'GET',
        headers,
        lookup: publicLookup,
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (response: IncomingMessage) => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (value === undefined) continue;
          for (const one of Array.isArray(value) ? value : [value]) answer.append(name, one);
        }
        const status = response.statusCode ?? 502;
        const empty = init.method === 'HEAD' || status === 204 || status === 304;
        if (empty) response.resume();
        resolve(
          new Response(
            empty ? null : (builtin('node:stream').Readable.toWeb(response) as ReadableStream<Uint8Array>),
            {
              status,
              headers: answer,
            },
          ),
        );
      },
    );
    request.on('error', (error) =>
      // An abort keeps its name (callers tell a timeout by it); anything else is one plain failure.
      reject(
        error.name === 'AbortError' || init.signal?.aborted
          ? (init.signal?.reason ?? error)
          : unreachable(url, error),
      ),
    );
    request.end(body);
  });
}

async function bodyBytes(body: RequestInit['body']): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof URLSearchParams) return new TextEncoder().encode(body.toString());
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/**
 * The IdP URLs of a connection that this server would refuse to call (private hosts), as config
 * issues, for the admin API to refuse at save time rather than at the first login.
 */
export function privateUrlIssues(connection: Connection): { path: string; message: string }[] {
  const urls: [string, string | undefined][] =
    connection.protocol === 'oidc'
      ? [
          ['oidc.issuer', connection.oidc.issuer.replace('{tenantid}', 'common')],
          ...Object.entries(connection.oidc.endpoints ?? {}).map(
            ([name, value]): [string, string | undefined] => [
              `oidc.endpoints.${name}`,
              value as string | undefined,
            ],
          ),
        ]
      : [
          ['saml.idpMetadataUrl', connection.saml.idpMetadataUrl],
          ['saml.idp.ssoUrl', connection.saml.idp?.ssoUrl],
          ['saml.idp.sloUrl', connection.saml.idp?.sloUrl],
        ];
  return urls
    .filter(([, value]) => typeof value === 'string' && value !== '')
    .filter(([, value]) => {
      try {
        return isPrivateHost(new URL(value as string).hostname);
      } catch {
        return false;
      }
    })
    .map(([path, value]) => ({
      path,
      message: `"${value}" is on this machine or a private network, which this server does not call. If the identity provider is inside your network, set createSso({ allowPrivateNetworks: true }).`,
    }));
}

/**
 * Node's networking modules, loaded at the first call to an IdP rather than when the server is
 * imported: `node:https` alone (TLS) is most of a cold import, and many processes that import the
 * server (a CLI, a test, a worker) never call out.
 */
function builtin<M extends 'node:dns' | 'node:http' | 'node:https' | 'node:stream'>(
  name: M,
): M extends 'node:dns'
  ? typeof import('node:dns')
  : M extends 'node:http'
    ? typeof import('node:http')
    : M extends 'node:https'
      ? typeof import('node:https')
      : typeof import('node:stream') {
  return process.getBuiltinModule(name) as never;
}
