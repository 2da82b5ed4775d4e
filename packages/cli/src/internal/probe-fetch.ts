/**
 * The one HTTP request of the sign-in probe: a GET that never follows a redirect, sends only the
 * cookies it is given, reads at most a bounded part of the body, and, unless private networks are
 * allowed, refuses a host on this machine or a private network, by the URL and by every address its
 * name resolves to, checked when the connection is made (the rule `createSso({ allowPrivateNetworks })`
 * applies to the server's own requests, with `@ssokit/core`'s `isPrivateAddress`).
 *
 * @module
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateHost } from '@ssokit/core';
import { publicOnlyLookup } from '@ssokit/server/node';

/** What the probe needs of an answer. */
export interface ProbeAnswer {
  status: number;
  location: string | null;
  setCookies: string[];
  /** The body's first `maxBody` bytes, as text. */
  body: string;
}

/** The host is on this machine or a private network, and private networks are not allowed. */
export class PrivateAddressError extends Error {
  override readonly name = 'PrivateAddressError';
  readonly code = 'EPRIVATE';
}

/** A DNS lookup that fails when any address of the name is private (so a rebinding name cannot slip one in). */
export const publicLookup: LookupFunction = publicOnlyLookup(
  (hostname) => new PrivateAddressError(`${hostname} resolves to an address on a private network.`),
);

/**
 * GETs `url` once. Rejects with {@link PrivateAddressError} for a private host when
 * `allowPrivateNetworks` is off, and with the network's error (or the abort) otherwise.
 */
export function probeGet(
  url: URL,
  options: { cookie?: string; allowPrivateNetworks: boolean; signal: AbortSignal; maxBody: number },
): Promise<ProbeAnswer> {
  if (!options.allowPrivateNetworks && isPrivateHost(url.hostname))
    return Promise.reject(
      new PrivateAddressError(`${url.hostname} is on this machine or a private network.`),
    );
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<ProbeAnswer>((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'GET',
        headers: { accept: 'text/html', ...(options.cookie ? { cookie: options.cookie } : {}) },
        signal: options.signal,
        ...(options.allowPrivateNetworks ? {} : { lookup: publicLookup }),
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          resolve({
            status: response.statusCode ?? 502,
            location: header(response.headers.location),
            setCookies: ([] as string[]).concat(response.headers['set-cookie'] ?? []),
            body: Buffer.concat(chunks).subarray(0, options.maxBody).toString('utf8'),
          });
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          // Enough to read the page's words: the rest is not waited for.
          if (size >= options.maxBody) {
            response.destroy();
            done();
          }
        });
        response.on('end', done);
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

const header = (value: string | string[] | undefined): string | null =>
  Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
