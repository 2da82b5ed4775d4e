/**
 * What the server's tests share besides ssokit-test-fixtures: an `Sso` over a fresh memoryStorage,
 * and the requests a browser sends to the ACS.
 */
import { now } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import { cookiesOf, sessionCookiesOf } from 'ssokit-test-fixtures/http';
import { browserLogin } from 'ssokit-test-fixtures/oidc-provider';
import { createSso, type Sso, type SsoOptions } from '../src/index.ts';

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

/**
 * A whole OIDC login at `base` through `connectionId` (the OP answers as its `nextUser`), in a
 * browser that already holds `cookie` (a previous session, say): the callback's response and the
 * session cookie it set.
 */
export async function oidcLogin(sso: Sso, base: string, connectionId: string, cookie = '') {
  const start = await sso.handle(new Request(`${base}/sso/login/${connectionId}`));
  const callbackUrl = `${base}/sso/oidc/callback`;
  const callback = await browserLogin(
    new URL(start.headers.get('location') as string),
    new Map(),
    callbackUrl,
  );
  const response = await sso.handle(
    new Request(`${callbackUrl}?${callback.params}`, {
      headers: { cookie: [...cookiesOf(start), cookie].filter(Boolean).join('; ') },
    }),
  );
  return { response, cookie: sessionCookiesOf(response).join('; ') };
}
