/**
 * What the server's tests share besides ssokit-test-fixtures: an `Sso` over a fresh memoryStorage,
 * and the requests a browser sends to the ACS.
 */
import { now } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import { createSso, type SsoOptions } from '../src/index.ts';

/** The secret the tests seal sessions and transactions with. */
export const SECRET = 'test-secret-with-at-least-32-characters!';

/**
 * `createSso` at `baseUrl` over a fresh memoryStorage, with {@link SECRET} and `options`. The test
 * IdPs listen on 127.0.0.1, so private networks are allowed unless `options` says otherwise (the
 * outbound rule itself is tested in outbound.security.test.ts).
 */
export function testSso(baseUrl: string, options: Omit<Partial<SsoOptions>, 'baseUrl' | 'storage'> = {}) {
  // One clock for the server and the store: the store decides when a session has expired.
  const storage = memoryStorage(options[now] ? { [now]: options[now] } : {});
  const sso = createSso({ baseUrl, storage, secret: SECRET, allowPrivateNetworks: true, ...options });
  return { sso, storage };
}

/** A form post to the ACS at `base`, as the IdP's auto-submitting page sends it (with `headers`). */
export function acsPost(base: string, body: URLSearchParams, headers: Record<string, string> = {}) {
  return new Request(`${base}/sso/saml/acs`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}
